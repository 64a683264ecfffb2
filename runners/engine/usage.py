"""Whether a run can be what was asked for here; a usage error exits 2 before any claim runs."""
from __future__ import annotations

import math
import os
from pathlib import Path

from ..environment import machine
from ..stores import keys

SHARD_MARK = ".claimcheck-shard"  # in <out>/runs/: the folder is a shard's, and a new shard may replace it


class UsageError(Exception):
    """The run cannot be what was asked for here (exit 2), e.g. the gpu tier without a GPU."""


def check_out(settings) -> None:
    """``--out`` is a folder claimcheck may write its three files into; found before any claim runs."""
    out = Path(settings.out).resolve()
    if out == Path(out.anchor):
        raise UsageError(f"--out {settings.out}: the root of the file system; name a folder of its own")
    if out == Path.home().resolve() or (out / ".git").exists() or (out / "claims").is_dir():
        raise UsageError(f"--out {settings.out}: a home or checkout folder; name a folder of its own, "
                         "such as build/verify")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {settings.out}: a file, not a folder")
    runs = out / "runs"
    if getattr(settings, "shard", None) and runs.exists() and not (runs / SHARD_MARK).is_file():
        raise UsageError(f"--out {settings.out}: {runs} is not a shard's run records (no {SHARD_MARK} in it); "
                         "a shard writes its records there, so name another --out")
    try:  # a real write, before any claim runs: the run's outputs must have a place
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".claimcheck-probe-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"--out {settings.out}: cannot be written ({exc.strerror or exc})") from None


def check_keys(settings, folders) -> None:
    """Each store's key (stores/keys.py) is there, or made now; a damaged key file, or a ``--key-file``
    that holds no key, is a usage error before any claim runs (named; its content never shown)."""
    key_file = getattr(settings, "key_file", None)
    if key_file is not None:
        tree = checkout_of(Path(settings.claims))
        try:
            keys.outside_tree(Path(key_file), tree)
        except keys.KeyProblem as exc:
            raise UsageError(str(exc)) from None
    for folder in folders:
        try:
            keys.store_key(Path(folder), create=True, key_file=getattr(settings, "key_file", None))
        except keys.KeyProblem as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"the key of the store {folder} cannot be made ({exc.strerror or exc})") from None


def checkout_of(claims: Path) -> Path:
    """The checkout a claims folder belongs to: the nearest folder above it with ``.git``, else the
    claims folder itself (a spec file's folder)."""
    start = claims.absolute()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start if start.is_dir() else start.parent


MAX_JOBS = 256  # worker processes at once (issue 36: a bound on what a command line may ask for)
MAX_TIMEOUT_S = 7 * 24 * 3600  # a training run's limit: a week


def check_bounds(s) -> None:
    """The settings every command that trains checks first: workers and a run's time, bounded."""
    if s.jobs < 0 or (s.jobs_per_gpu is not None and s.jobs_per_gpu < 1):
        raise UsageError("--jobs takes 0 or more, --jobs-per-gpu 1 or more")
    if s.jobs > MAX_JOBS or (s.jobs_per_gpu or 0) > MAX_JOBS:
        raise UsageError(f"--jobs {s.jobs}, --jobs-per-gpu {s.jobs_per_gpu}: at most {MAX_JOBS} (each is a process "
                         "of its own)")
    if s.timeout is not None and not (math.isfinite(s.timeout) and s.timeout > 0):
        raise UsageError(f"--timeout {s.timeout}: a number of seconds above 0")
    if s.timeout is not None and s.timeout > MAX_TIMEOUT_S:
        raise UsageError(f"--timeout {s.timeout:g}: at most {MAX_TIMEOUT_S:,} seconds (a week)")


def check_usage(settings, claims) -> None:
    s = settings
    if s.seeds is not None and s.seeds < 2:
        raise UsageError(f"--seeds {s.seeds}: a verdict needs the spread of at least 2 seeds")
    if s.seeds is not None and s.seeds > 1000:
        raise UsageError(f"--seeds {s.seeds}: at most 1000 (each seed is a training run)")
    check_bounds(s)
    if getattr(s, "canary", False) and s.shard:
        raise UsageError("--canary with --shard: the canary trains the recorded first runs once, before the "
                         "claims; run it in a verify of its own, without --shard")
    wants_gpu = s.tier == "gpu" or any("gpu" in c.requires and s.includes(c.tier) for c in claims)
    if wants_gpu and not s.allow_cpu and machine.accelerator() is None:
        raise UsageError(
            f"the gpu tier (or a claim that requires a GPU) needs an accelerator, and the "
            f"{machine.backend()} backend sees none here ({machine.describe()['device']}); install a CUDA build "
            "(docs/gpu-tier.md) or pass --allow-cpu to run it on the CPU anyway (by the claims' "
            "own cost, hours to days)")
    # last: a run refused above leaves its --out as it was (no key made in it)
    check_keys(s, stores_of(s))


def stores_of(settings) -> list:
    """The stores a run writes: its --out, the history (unless --no-history or a shard), the training
    cache (unless the static tier, which trains nothing)."""
    s = settings
    return ([s.out] + ([s.history] if not s.no_history and not s.shard else [])
            + ([s.cache_dir] if s.tier != "static" else []))
