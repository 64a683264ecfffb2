"""The one executor: every program the claims need runs through :func:`run_program`.

Two ways to use it, one code path:

* **in process**, for the claims that look at what a program leaves behind (a model to measure):
  :meth:`Executor.execution` runs a program once per session and keeps its namespace;
* **training runs**, for stochastic claims: a :class:`Job` is one program with one seed and the
  values the claims read from it. :meth:`Executor.values` answers from the disk cache
  (cache.py) or runs the job in a worker process (``--jobs N`` of them; pebble's process pool
  with a timeout per job), so a listing that exits, hangs, segfaults or is killed for memory
  makes only its own claims ``error``. The record of a finished job is cached; N processes that
  need the same job train it once (the cache's per-key lock) and the others reuse it.

Every program runs in a working folder of its own (``<cache>/work/<host>-<pid>-<uuid>``) where
the resources it needs are provided (resources.py); the folder goes when the run is done.
"""
from __future__ import annotations

import concurrent.futures
import hashlib
import io
import json
import math
import multiprocessing
import os
import re
import shutil
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path

from claimcheck.runners import resources, values
from claimcheck.runners.cache import RunCache
from claimcheck.runners.formatting import plain
from claimcheck.runners.listings import ListingFailed, Program, execute, working_directory
from claimcheck.runners.verdict import ClaimError

ANSI = re.compile(r"\x1b\[[0-9;]*m|\x08")
# where a worker process shares a GPU with others: no framework takes all of its memory
GPU_SHARING_ENV = {"TF_FORCE_GPU_ALLOW_GROWTH": "true", "XLA_PYTHON_CLIENT_PREALLOCATE": "false"}


class RunFailed(ClaimError):
    """A training run did not finish: its claims are errors, with this reason and traceback."""

    def __init__(self, reason: str, tb: str = ""):
        super().__init__(reason)
        self.traceback = tb


@dataclass(frozen=True)
class Job:
    """One training run: a program, a seed, and the values its claims read."""

    program: Program
    seed: int
    requires: tuple
    values: tuple
    key: str
    label: str = ""
    cost_s: float = 0.0


class EpochProgress(io.TextIOBase):
    """Captures a listing's stdout; reports each finished epoch on ``stream`` in one line."""

    def __init__(self, label: str, stream=None):
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
        elif self.epoch and "/step" in line and self.stream is not None:
            metrics = line.split("/step", 1)[1].strip(" -")
            print(f"    {self.label} epoch {self.epoch}: {metrics}", file=self.stream, flush=True)
            self.epoch = ""

    def getvalue(self) -> str:
        return self.buffer.getvalue()


def new_workdir(cache_dir: Path) -> Path:
    """A working folder no other process or host uses."""
    name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    return Path(cache_dir).resolve() / "work" / name


def run_program(program: Program, settings, workdir: Path, requires=(), seed=None, stdout=None):
    """Run a program with the resources it needs provided, in ``workdir``."""
    resources.ensure(requires, settings)
    return execute(program, workdir, seed=seed, stdout=stdout,
                   environment=resources.providing(requires, settings, workdir))


def train_job(job: Job, settings) -> dict:
    """Run one training job and measure its values; the record for the cache.

    Runs in a worker process (or in the calling process with ``--jobs 0``). A listing that
    raises or exits gives a record with ``failed`` (never cached); a value that cannot be read
    is recorded under ``errors`` for the claims that read it.
    """
    stream = sys.stderr if settings.progress else None
    progress = EpochProgress(f"{job.label} seed {job.seed}:" if job.label else f"seed {job.seed}:", stream)
    if stream is not None:
        print(f"    training {job.program.names()} with seed {job.seed} (pid {os.getpid()})",
              file=stream, flush=True)
    workdir = new_workdir(settings.cache_dir)
    start = time.perf_counter()
    record = {"key": job.key, "seed": job.seed, "host": socket.gethostname(), "pid": os.getpid(),
              "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    try:
        run = run_program(job.program, settings, workdir, job.requires, job.seed, progress)
        got, errors = {}, {}
        with working_directory(workdir):  # values may read files the listings wrote
            for value in job.values:
                k = values.key(value)
                try:
                    v = plain(values.evaluate(value, run.namespace, run.stdout, workdir))
                except ClaimError as exc:
                    errors[k] = str(exc)
                    continue
                if isinstance(v, float) and not math.isfinite(v):
                    errors[k] = f"'{value}' is {v} after the listings ran (not a finite number)"
                else:
                    got[k] = v
        record.update(values=got, errors=errors, changes=run.changes, substitute=run.substitute,
                      stdout_tail=ANSI.sub("", run.stdout[-2000:]))
    except ListingFailed as exc:
        record.update(failed=str(exc), traceback=exc.traceback)
    except ClaimError as exc:
        record.update(failed=str(exc), traceback=traceback.format_exc())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    record["seconds"] = round(time.perf_counter() - start, 2)
    return record


def _init_worker(env: dict) -> None:
    """A worker process starts with its GPU (if any) and GPU sharing set before any framework loads."""
    os.environ.update(env)


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name if code < 0 else f"status {code}"
    except ValueError:
        return f"signal {-code}"


class Executor:
    def __init__(self, settings, environment_key: dict | None = None, replay: list[dict] | None = None):
        """``replay``: run records to answer from instead of training (``claimcheck merge``)."""
        self.settings = settings
        self.cache = RunCache(settings.cache_dir)
        self.environment_key = environment_key
        self.replay = None if replay is None else {r["key"]: r for r in replay}
        self._replay_keys = {} if replay is None else {
            (json.dumps(r["key_parts"]["listings"], sort_keys=True), r["key_parts"]["seed"]): r["key"] for r in replay}
        self._executions: dict = {}
        self._workdirs: list[Path] = []
        self._keys: dict = {}
        self._failed: dict[str, RunFailed] = {}
        self._trained_here: set[str] = set()
        self._pools: list = []
        self._next_pool = 0
        self._lock = threading.Lock()
        self.trained = 0
        self.reused = 0

    # -- in process ---------------------------------------------------------------------
    def execution(self, program: Program, requires=()):
        """Run a program once in this process; later callers share what it left (or its error)."""
        key = (program, tuple(requires))
        if key not in self._executions:
            workdir = new_workdir(self.settings.cache_dir)
            self._workdirs.append(workdir)
            try:
                self._executions[key] = run_program(program, self.settings, workdir, requires)
            except Exception as exc:  # remembered, so every claim on it reports the same cause
                self._executions[key] = exc
        cached = self._executions[key]
        if isinstance(cached, Exception):
            raise cached
        return cached

    def evaluate(self, program: Program, requires, value):
        run = self.execution(program, requires)
        with working_directory(run.workdir):
            return values.evaluate(value, run.namespace, run.stdout, run.workdir)

    # -- training runs ------------------------------------------------------------------
    def key_parts(self, program: Program, seed: int, requires=()) -> dict:
        from claimcheck.runners.environment import describe, frameworks

        if self.environment_key is None:
            env = describe()
            self.environment_key = {k: env[k] for k in ("python", "tensorflow", "keras", "backend", "device")}
            self.environment_key.update(frameworks())
        return {"listings": program.digest(), "seed": seed,
                "data": resources.fingerprint(requires, self.settings), "environment": self.environment_key}

    def key(self, program: Program, seed: int, requires=()) -> str:
        memo = (program, seed, tuple(requires))
        if memo not in self._keys and self.replay is not None:
            found = self._replay_keys.get((json.dumps(program.digest(), sort_keys=True), seed))
            self._keys[memo] = found or f"unrecorded-{seed}-{hashlib.sha256(repr(program).encode()).hexdigest()[:12]}"
        if memo not in self._keys:
            parts = self.key_parts(program, seed, requires)
            self._keys[memo] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]
        return self._keys[memo]

    def job(self, program, seed, requires, wanted, label="", cost_s=0.0) -> Job:
        return Job(program, seed, tuple(requires), tuple(sorted(wanted, key=values.key)),
                   self.key(program, seed, requires), label, cost_s)

    def _usable(self, record: dict | None, job: Job) -> bool:
        if record is None or (self.settings.refresh and job.key not in self._trained_here):
            return False
        have = set(record.get("values", {})) | set(record.get("errors", {}))
        return {values.key(v) for v in job.values} <= have

    def is_cached(self, job: Job) -> bool:
        if self.replay is not None:
            return job.key in self.replay
        return self._usable(self.cache.read(job.key), job)

    def run_jobs(self, jobs: list[Job], stream=None) -> None:
        """Make sure every job has a record: reuse cached ones, train the rest in parallel.

        A job that fails is remembered: its claims report the failure when they read it.
        """
        todo = [j for j in jobs if j.key not in self._failed]
        if not todo or self.replay is not None:
            return
        workers = max(1, self.worker_count())
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as threads:
            for future in concurrent.futures.as_completed([threads.submit(self.record, j, stream) for j in todo]):
                try:
                    future.result()
                except ClaimError:
                    pass

    def record(self, job: Job, stream=None) -> dict:
        """The record of a job's run (cached, or trained now): its values, errors and timing."""
        if job.key in self._failed:
            raise self._failed[job.key]
        if self.replay is not None:
            if job.key not in self.replay:
                raise RunFailed(f"no shard recorded the run of {job.program.names()} with seed {job.seed}")
            return {**self.replay[job.key], "cached": True}
        lock = self.cache.lock(job.key)
        try:
            lock.acquire(timeout=0)
        except Exception:  # another process (or host) trains it: wait, then reuse its record
            if self.settings.progress:
                print(f"    waiting for another process training {job.program.names()} seed {job.seed}",
                      file=stream or sys.stderr, flush=True)
            lock.acquire()
        try:
            record = self.cache.read(job.key)
            if self._usable(record, job):
                with self._lock:
                    self.reused += 1
                # "cached": trained before this session (by another process, or an earlier run)
                return {**record, "cached": job.key not in self._trained_here}
            record = self._train(job)
            if record.get("failed"):
                failure = RunFailed(f"training {job.program.names()} with seed {job.seed} failed: {record['failed']}",
                                    record.get("traceback", ""))
                self._failed[job.key] = failure
                raise failure
            record["key_parts"] = self.key_parts(job.program, job.seed, job.requires)
            self.cache.write(record)
            with self._lock:
                self.trained += 1
                self._trained_here.add(job.key)
            return {**record, "cached": False}
        finally:
            lock.release()

    # -- workers ------------------------------------------------------------------------
    def timeout(self, job: Job) -> float:
        if self.settings.timeout:
            return float(self.settings.timeout)
        return 5 * job.cost_s + 300

    @property
    def in_process(self) -> bool:
        """--jobs 0: training runs in the calling process (no isolation: debugging, quick tests)."""
        return self.settings.jobs == 0 and not self.settings.jobs_per_gpu

    def worker_count(self) -> int:
        per_gpu = self.settings.jobs_per_gpu
        if per_gpu:  # --jobs-per-gpu wins over --jobs
            from claimcheck.runners.environment import gpus

            found = gpus()
            return per_gpu * (found["count"] if found else 1)
        return max(1, self.settings.jobs)

    def _pool_for_next_job(self):
        from pebble import ProcessPool

        with self._lock:
            if not self._pools:
                per_gpu = self.settings.jobs_per_gpu
                context = multiprocessing.get_context("spawn")
                if per_gpu:
                    from claimcheck.runners.environment import gpus

                    found = gpus()
                    devices = [str(i) for i in range(found["count"])] if found else [None]
                    for device in devices:
                        env = dict(GPU_SHARING_ENV)
                        if device is not None:
                            env["CUDA_VISIBLE_DEVICES"] = device
                        self._pools.append(ProcessPool(max_workers=per_gpu, context=context,
                                                       initializer=_init_worker, initargs=(env,)))
                else:
                    self._pools.append(ProcessPool(max_workers=self.settings.jobs, context=context,
                                                   initializer=_init_worker, initargs=(dict(GPU_SHARING_ENV),)))
            pool = self._pools[self._next_pool % len(self._pools)]
            self._next_pool += 1
            return pool

    def _train(self, job: Job) -> dict:
        if self.in_process:
            return train_job(job, self.settings)
        from pebble import ProcessExpired

        timeout = self.timeout(job)
        future = self._pool_for_next_job().schedule(train_job, args=(job, self.settings), timeout=timeout)
        base = {"key": job.key, "seed": job.seed}
        try:
            return future.result()
        except concurrent.futures.TimeoutError:
            return {**base, "failed": f"no result after {timeout:.0f} s: the run was stopped (timeout; "
                                      "set --timeout to allow longer)"}
        except ProcessExpired as exc:
            why = "killed (SIGKILL: out of memory?)" if exc.exitcode == -signal.SIGKILL else \
                f"ended by {_signal_name(exc.exitcode)}"
            return {**base, "failed": f"the training process {why} before it finished"}
        except Exception as exc:  # the worker could not even start or return the job
            return {**base, "failed": f"the training process failed: {type(exc).__name__}: {exc}",
                    "traceback": "".join(traceback.format_exception(exc))}

    # -- end ----------------------------------------------------------------------------
    def close(self) -> None:
        for pool in self._pools:
            pool.stop()
            pool.join()
        self._pools = []
        for folder in self._workdirs:
            shutil.rmtree(folder, ignore_errors=True)
        self._workdirs = []
        self._executions.clear()
