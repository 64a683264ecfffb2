"""Training runs shared by stochastic claims, cached on disk.

One run is the listings of a claim executed with one seed. Every claim on the same listings
and seed shares it: the book's 0.991, the notes' 0.992 and the comparison with the dense model
all read the convnet's one run per seed. Each run records the values (Python expressions
evaluated in the namespace the listings leave, such as ``test_acc``) that any planned claim
asks for, and is stored in ``<cache>/runs/<key>.json``. The key hashes what decides the outcome:
the listings' code, the seed, the data (the mirror's SHA256SUMS, or Keras' own loader) and the
environment (Keras, TensorFlow/JAX/PyTorch versions, backend, device). A later verify with
nothing changed reuses the records; ``--refresh`` retrains once per run.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import re
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

from runners import mnist, requirements
from runners.environment import describe
from runners.expressions import evaluate
from runners.listings import Program, execute
from runners.verdict import ClaimError

ANSI = re.compile(r"\x1b\[[0-9;]*m|\x08")


class EpochProgress(io.TextIOBase):
    """Captures a listing's stdout; reports each finished epoch on ``stream`` in one line."""

    def __init__(self, label: str, stream=sys.stderr):
        self.label, self.stream = label, stream
        self.buffer = io.StringIO()
        self.pending = ""
        self.epoch = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.buffer.write(text)
        self.pending += text
        while "\n" in self.pending:
            line, self.pending = self.pending.split("\n", 1)
            self._line(ANSI.sub("", line.split("\r")[-1]).strip())
        return len(text)

    def _line(self, line: str) -> None:
        if line.startswith("Epoch "):
            self.epoch = line[len("Epoch "):]
        elif self.epoch and "/step" in line:
            metrics = line.split("/step", 1)[1].strip(" -")
            print(f"    {self.label} epoch {self.epoch}: {metrics}", file=self.stream, flush=True)
            self.epoch = ""

    def getvalue(self) -> str:
        return self.buffer.getvalue()


def _plain(value):
    """A recorded value as JSON: numbers as floats, sequences as lists."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    number = float(value)
    return int(number) if number.is_integer() and isinstance(value, int) else number


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class TrainingRuns:
    def __init__(self, config):
        self.config = config
        self.wanted: dict[tuple, set[str]] = defaultdict(set)
        self.refreshed: set[str] = set()
        self.trained = 0
        self.reused = 0

    # -- planning -------------------------------------------------------------------------
    def want(self, program: Program, expressions) -> None:
        self.wanted[program].update(expressions)

    def key_parts(self, program: Program, seed: int, requires=()) -> dict:
        env = dict(describe())
        env.update(self._framework_versions())
        data = {"mnist": self._data_fingerprint(), **requirements.fingerprint(list(requires), self.config)}
        return {"listings": program.digest(), "seed": seed, "data": data, "environment": env}

    def key(self, program: Program, seed: int, requires=()) -> str:
        return _sha(json.dumps(self.key_parts(program, seed, requires), sort_keys=True).encode())[:24]

    def path(self, key: str) -> Path:
        return Path(self.config.cache_dir) / "runs" / f"{key}.json"

    def is_cached(self, program: Program, seed, requires=()) -> bool:
        record = self._read(self.path(self.key(program, seed, requires)))
        wanted = self.wanted.get(program, set())
        return (not self.config.refresh and record is not None and wanted <= set(record["values"]) | set(record.get("errors", {})))

    # -- running --------------------------------------------------------------------------
    def values(self, program: Program, seed: int, expressions, label: str = "", requires=()) -> dict:
        """The values of ``expressions`` after the program ran with ``seed`` (cached)."""
        self.want(program, expressions)
        key = self.key(program, seed, requires)
        path = self.path(key)
        record = self._read(path)
        wanted = self.wanted[program]
        fresh_needed = self.config.refresh and key not in self.refreshed
        if record is not None and not fresh_needed and wanted <= set(record["values"]) | set(record.get("errors", {})):
            self.reused += 1
            return self._pick(record, expressions, cached=True)
        record = self._train(program, seed, sorted(wanted), label, key, requires)
        self.refreshed.add(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{id(record)}")
        tmp.write_text(json.dumps(record, indent=1))
        tmp.replace(path)  # atomic: concurrent runs never read half a record
        return self._pick(record, expressions, cached=False)

    @staticmethod
    def _pick(record: dict, expressions, cached: bool) -> dict:
        for expression in expressions:
            if expression in record.get("errors", {}):
                raise ClaimError(record["errors"][expression])
        return {e: record["values"][e] for e in expressions} | {"__cached__": cached,
                                                               "__seconds__": record["seconds"]}

    def _train(self, program, seed, expressions, label, key, requires) -> dict:
        progress = EpochProgress(f"{label} seed {seed}:" if label else f"seed {seed}:",
                                 sys.stderr if self.config.progress else io.StringIO())
        if self.config.progress:
            print(f"    training {program.names()} with seed {seed}", file=sys.stderr, flush=True)
        start = time.perf_counter()
        workdir = Path(self.config.cache_dir).resolve() / "work" / key
        values, errors = {}, {}
        with requirements.environment(list(requires), self.config, workdir):
            run = execute(program, seed=seed, stdout=progress)
            for expression in expressions:  # inside: paths are relative to the working folder
                try:  # one claim's bad expression must not sink the others on this run
                    values[expression] = _plain(evaluate(expression, run))
                except ClaimError as exc:
                    errors[expression] = str(exc)
                    continue
                if isinstance(values[expression], float) and not math.isfinite(values[expression]):
                    errors[expression] = f"'{expression}' is {values.pop(expression)} after the listings ran"
        self.trained += 1
        if workdir.exists():  # checkpoints and image copies: not needed once measured
            shutil.rmtree(workdir, ignore_errors=True)
        return {"key": key, "key_parts": self.key_parts(program, seed, requires), "values": values,
                "errors": errors,
                "seconds": round(time.perf_counter() - start, 2),
                "changes": run.changes, "substitute": run.substitute, "stdout_tail": ANSI.sub("", run.stdout[-2000:])}

    # -- helpers --------------------------------------------------------------------------
    @staticmethod
    def _read(path: Path) -> dict | None:
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None

    def _data_fingerprint(self) -> str:
        folder = mnist.mirror_dir(self.config.data_dir)
        if folder is not None and (folder / "SHA256SUMS").is_file():
            return "mirror:" + _sha((folder / "SHA256SUMS").read_bytes())[:16]
        return "keras-loader"

    @staticmethod
    def _framework_versions() -> dict:
        """numpy, and the active backend's own packages (TensorFlow's is in describe())."""
        from importlib import metadata

        backend = describe()["backend"]
        names = {"jax": ("jax", "jaxlib"), "torch": ("torch",)}.get(backend, ())
        versions = {}
        for name in ("numpy", *names):
            try:
                versions[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                pass
        return versions
