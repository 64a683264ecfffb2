"""A run's settings, from the command line, the environment and pytest's ini, in one place.

Every option is one :class:`Option` row below. `claimcheck verify` turns the rows into its
arguments; the pytest plugin turns them into ``--claimcheck-<name>`` options and
``claimcheck_<name>`` ini keys. :func:`resolve` applies them in this order: the command line,
then the environment variable (``CLAIMCHECK_...``), then the ini file, then the default. An
empty environment variable means "not set" (``CLAIMCHECK_DATA_DIR=`` uses Keras' own loader).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from .tiers import TIERS, includes

STATUS_CHOICES = ("inconclusive",)  # failed and error always fail a run


def _statuses(text) -> tuple:
    items = tuple(s.strip() for s in (text.split(",") if isinstance(text, str) else text) if s.strip())
    bad = [s for s in items if s not in STATUS_CHOICES]
    if bad:
        raise ValueError(f"--fail-on takes {', '.join(STATUS_CHOICES)} (failed and error always fail), "
                         f"not {', '.join(bad)}")
    return items


def _shard(text):
    if text in (None, ""):
        return None
    index, _, count = str(text).partition("/")
    if not count.isdigit() or int(count) < 1 or not (index == "auto" or index.isdigit()):
        raise ValueError(f"--shard takes i/N (1 <= i <= N) or auto/N, not {text!r}")
    if index == "auto":
        return ("auto", int(count))
    if not 1 <= int(index) <= int(count):
        raise ValueError(f"--shard {text}: i must be between 1 and {count}")
    return (int(index), int(count))


def _non_negative(kind):
    def convert(text):
        value = kind(text)
        if not value >= 0 or value == float("inf"):
            raise ValueError(f"a limit takes a number >= 0, not {text!r}")
        return value
    convert.__name__ = kind.__name__
    return convert


@dataclass(frozen=True)
class Settings:
    """A run's settings; each field's default is the option's default (frozen: a run that needs other
    settings, a merge's tier or a shard's resolved index, makes a changed copy with ``replace``)."""

    claims: Path = Path("claims")
    keyword: tuple = ()
    exclude: tuple = ()
    out: Path | None = Path("build/verify")
    tier: str = "cpu"
    data_dir: Path | None = None
    dogs_vs_cats: Path | None = None
    weights_dir: Path | None = None
    cache_dir: Path = Path(".cache/claimcheck")
    refresh: bool = False
    canary: bool = False
    seeds: int | None = None
    history: Path = Path("build/history")
    no_history: bool = False
    new_failures_only: bool = False
    fail_on: tuple = ()
    quiet: bool = False
    jobs: int = 1
    jobs_per_gpu: int | None = None
    timeout: float | None = None
    allow_download: bool = False
    allow_cpu: bool = False
    shard: tuple | None = None
    as_printed: bool = False
    label: str | None = None
    key_file: Path | None = None
    no_confine: bool = False
    memory_limit: float = 8.0
    process_limit: int = 512
    scratch_limit: float = 2.0

    def __post_init__(self):
        # worker processes run in working folders of their own: the paths they read are absolute
        for name in ("data_dir", "dogs_vs_cats", "weights_dir", "cache_dir", "key_file"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, Path(value).absolute())

    @property
    def progress(self) -> bool:
        return not self.quiet

    @property
    def exploratory(self) -> bool:
        return self.seeds is not None

    def includes(self, tier: str) -> bool:
        """Whether a claim of ``tier`` runs at this run's tier (static < cpu < gpu)."""
        return includes(self.tier, tier)


DEFAULTS = {f.name: f.default for f in fields(Settings)}


@dataclass(frozen=True)
class Option:
    """One setting as the command line, the environment and the ini file spell it (its default is
    the :class:`Settings` field's)."""

    name: str
    flag: str
    help: str
    convert: Callable | None = None
    env: str | None = None
    choices: tuple | None = None
    flag_only: bool = False  # a switch: --refresh
    many: bool = False  # repeatable: -k A -k B
    metavar: str | None = None
    cli_only: bool = False  # pytest has its own (-k, paths)

    @property
    def default(self):
        return DEFAULTS[self.name]


OPTIONS = [
    Option("claims", "--claims", "spec file or folder (default: claims)", Path, cli_only=True),
    Option("keyword", "-k", "only claims whose id contains or globs PATTERN (repeatable: any of them)",
           many=True, metavar="PATTERN", cli_only=True),
    Option("exclude", "--exclude", "leave out claims whose id contains or globs PATTERN (repeatable)",
           many=True, metavar="PATTERN"),
    Option("out", "--out", "output folder for results.json, report.html, errata.md (default: build/verify)",
           Path, "CLAIMCHECK_OUT", metavar="DIR"),
    Option("tier", "--tier", "static: no training; cpu: the book's settings (default); gpu: nightly",
           str, "CLAIMCHECK_TIER", choices=TIERS),
    Option("data_dir", "--data-dir", "local dataset mirror holding mnist/", Path, "CLAIMCHECK_DATA_DIR", metavar="DIR"),
    Option("dogs_vs_cats", "--dogs-vs-cats", "Kaggle's dogs-vs-cats train/ folder, or a cats_vs_dogs_small/ folder",
           Path, "CLAIMCHECK_DOGS_VS_CATS", metavar="DIR"),
    Option("weights_dir", "--weights-dir", "folder with Keras' pretrained weight files, e.g. VGG16's",
           Path, "CLAIMCHECK_WEIGHTS_DIR", metavar="DIR"),
    Option("cache_dir", "--cache-dir", "where training runs are cached (default .cache/claimcheck)",
           Path, "CLAIMCHECK_CACHE_DIR", metavar="DIR"),
    Option("refresh", "--refresh", "retrain instead of reusing cached runs", flag_only=True),
    Option("canary", "--canary", "first train each selected claim's recorded reference on its first seed again "
           "(no cache) and say, before anything else, whether it repeats its recorded value to the last digit: "
           "a finding about this machine's numerics, never a verdict", flag_only=True, cli_only=True),
    Option("seeds", "--seeds", "exploratory: every stochastic claim with seeds 0..N-1 instead of its spec's "
           "count (marked exploratory; never a nightly verdict change)", int, metavar="N"),
    Option("history", "--history", "results store to append this run to (default build/history)",
           Path, "CLAIMCHECK_HISTORY", metavar="DIR"),
    Option("no_history", "--no-history", "do not record this run in the store", flag_only=True),
    Option("new_failures_only", "--new-failures-only",
           "exit 1 only for claims that fail now and did not in the previous comparable run (nightly)",
           flag_only=True),
    Option("fail_on", "--fail-on", "also exit 1 on these statuses besides failed and error: inconclusive",
           _statuses, "CLAIMCHECK_FAIL_ON", metavar="STATUS"),
    Option("quiet", "--quiet", "no per-claim progress lines", flag_only=True),
    Option("jobs", "--jobs", "training runs in parallel, each in a worker process (default 1; the static "
           "tier's sandbox runs max(N, 2) programs at a time; 0: everything in this process, without "
           "isolation)", int, "CLAIMCHECK_JOBS", metavar="N"),
    Option("jobs_per_gpu", "--jobs-per-gpu", "K worker processes per GPU, each pinned with CUDA_VISIBLE_DEVICES",
           int, metavar="K"),
    Option("timeout", "--timeout", "seconds a training run may take before it is stopped (default from "
           "the claim's cost: 5 x cost + 300)", float, "CLAIMCHECK_TIMEOUT", metavar="S"),
    Option("allow_download", "--allow-download", "let Keras download what no mirror provides (MNIST), where "
           "the machine is online", flag_only=True, env="CLAIMCHECK_ALLOW_DOWNLOAD"),
    Option("allow_cpu", "--allow-cpu", "run the gpu tier (or claims that require a GPU) without one",
           flag_only=True),
    Option("shard", "--shard", "this run's share i/N of the training runs and claims (auto/N: i from "
           "SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)", _shard, "CLAIMCHECK_SHARD", metavar="i/N"),
    Option("as_printed", "--as-printed", "undo the recorded claimcheck-change lines: run the listings "
           "exactly as printed (the default on Keras 2)", flag_only=True),
    Option("label", "--label", "name of this run's environment in a matrix (default: the stack, "
           "e.g. keras3-tensorflow)", str, "CLAIMCHECK_LABEL"),
    Option("key_file", "--key-file", "one key (64 hex digits) that seals and checks every store this command "
           "writes or reads (cache, --out, history), instead of each store's own 'key' file: for shards on "
           "separate machines (docs/gpu-tier.md)", Path, "CLAIMCHECK_KEY_FILE", metavar="FILE"),
    Option("no_confine", "--no-confine", "run programs without the boundary (bubblewrap, a pid namespace "
           "each, the limits): for debugging; the run says so at its top and in results.json",
           flag_only=True, env="CLAIMCHECK_NO_CONFINE"),
    Option("memory_limit", "--memory-limit", "GiB of memory (data) one confined program may use (default 8; "
           "0: no limit)", _non_negative(float), "CLAIMCHECK_MEMORY_LIMIT", metavar="GIB"),
    Option("process_limit", "--process-limit", "processes and threads one confined program may run (default "
           "512; 0: no limit; the kernel does not apply it to root)", _non_negative(int),
           "CLAIMCHECK_PROCESS_LIMIT", metavar="N"),
    Option("scratch_limit", "--scratch-limit", "GiB a confined program may write in its scratch folder "
           "(default 2)", _non_negative(float), "CLAIMCHECK_SCRATCH_LIMIT", metavar="GIB"),
]
assert [o.name for o in OPTIONS] == list(DEFAULTS), "one option per Settings field, in its order"


def _convert(option: Option, value):
    if option.flag_only:
        return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")
    if option.many:
        items = value if isinstance(value, (list, tuple)) else str(value).split()
        return tuple(items)
    if option.convert is None or not isinstance(value, str):
        return value  # given already typed (a Path, an int, a shard tuple)
    return option.convert(value)


def resolve(cli: dict | None = None, env=None, ini: dict | None = None, **overrides) -> Settings:
    """Settings from the command line (``cli``: name -> value, None where not given), the
    environment, the ini file and the defaults, in that order of precedence."""
    env = os.environ if env is None else env
    cli, ini = cli or {}, ini or {}
    values = {}
    for option in OPTIONS:
        given = overrides.get(option.name, cli.get(option.name))
        if option.many and given in ((), []):
            given = None
        if option.flag_only and given is False:
            given = None
        if given is None and option.env and env.get(option.env):
            given = env[option.env]
        if given is None and ini.get(option.name) not in (None, "", []):
            given = ini[option.name]
        if given is None:
            values[option.name] = () if option.many else option.default
            continue
        if option.choices and isinstance(given, str) and given not in option.choices:
            raise ValueError(f"{option.flag} must be one of {', '.join(option.choices)}, not {given!r}")
        values[option.name] = _convert(option, given)
    return Settings(**values)
