"""The one executor: every program the claims need runs through training.run_program.

Two ways to use it, one code path:

* **in process**, for the claims that look at what a program leaves behind (a model to measure):
  :meth:`Executor.execution` runs a program once per session and keeps its namespace;
* **training runs**, for stochastic claims: a :class:`~.jobs.Job` is one program with one seed
  and the values the claims read from it. :meth:`Executor.record` answers from the disk cache
  (stores/cache.py) or runs the job in a worker process (pool.py, ``--jobs N`` of them, placed on
  the GPUs by devices.py), so a listing that exits, hangs, segfaults or is killed for memory makes
  only its own claims ``error``. The record of a finished job is cached; N processes that need the
  same job train it once (the cache's per-key lock) and the others reuse it.
"""
from __future__ import annotations

import concurrent.futures
import shutil
import sys
import threading
import traceback
from pathlib import Path

from filelock import Timeout

from ..claim import values
from ..claim.listings import Program
from ..core.errors import ClaimError, Skip
from ..stores.cache import RunCache
from . import devices
from .execution import working_directory
from .jobs import Job, JobKeys
from .pool import WorkerPool
from .training import new_workdir, run_program, train_job


class RunFailed(ClaimError):
    """A training run did not finish: its claims are errors, with this reason and traceback."""

    def __init__(self, reason: str, tb: str = ""):
        super().__init__(reason)
        self.traceback = tb


def with_earlier_values(old: dict, new: dict) -> dict:
    """A retrained run that reads new values keeps the values its record had: the same key is the
    same run (same code, seed, data, environment and numerics), so they are the values it gives."""
    values = {**old.get("values", {}), **new.get("values", {})}
    errors = {k: v for k, v in {**old.get("errors", {}), **new.get("errors", {})}.items() if k not in values}
    return {**new, "values": values, "errors": errors,
            "merged_from": old.get("merged_from", []) + [old.get("trained_at")]}


class Executor:
    def __init__(self, settings, environment_key: dict | None = None, replay: list[dict] | None = None):
        """``replay``: run records to answer from instead of training (``claimcheck merge``)."""
        self.settings = settings
        self.cache = RunCache(settings.cache_dir, settings.key_file)
        self.keys = JobKeys(settings, replay, environment_key)
        self.pool = WorkerPool(settings)
        self.replay = None if replay is None else {r["key"]: r for r in replay}
        self._executions: dict = {}
        self._workdirs: list[Path] = []
        self._failed: dict[str, RunFailed | Skip] = {}
        self._failed_records: dict[str, dict] = {}
        self._trained_here: set[str] = set()
        self._lock = threading.Lock()
        self.trained = 0
        self.reused = 0
        self.interrupted = False

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

    def again(self, program: Program, requires=()):
        """Run a program once more, apart from its first run (whose results stay shared): a second
        look at whether what it shows repeats."""
        key = ("again", program, tuple(requires))
        if key not in self._executions:
            workdir = new_workdir(self.settings.cache_dir)
            self._workdirs.append(workdir)
            try:
                self._executions[key] = run_program(program, self.settings, workdir, requires)
            except Exception as exc:
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
    def job(self, program, seed, requires, wanted, label="", cost_s=0.0, share_s=0.0) -> Job:
        return self.keys.job(program, seed, requires, wanted, label, cost_s, share_s)

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
        threads = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
        try:
            for future in concurrent.futures.as_completed([threads.submit(self.record, j, stream) for j in todo]):
                try:
                    future.result()
                except (ClaimError, Skip):
                    pass
        except KeyboardInterrupt:  # Ctrl-C: stop the workers; what finished is kept, the rest is interrupted
            self.interrupted = True
            self.pool.stop()
            if self.settings.progress:
                print("    interrupted: stopping the training workers", file=stream or sys.stderr, flush=True)
        finally:
            threads.shutdown(wait=True, cancel_futures=True)

    def record(self, job: Job, stream=None) -> dict:
        """The record of a job's run (cached, or trained now): its values, errors and timing.

        Never raises anything but :class:`RunFailed`, or :class:`Skip` for a run that cannot run here
        (a book's library not installed: its record says ``skipped``): a fault of the harness while a job is
        handled (a full disk, a broken record) becomes its claims' error, not the end of the run.
        """
        if job.key in self._failed:
            raise self._failed[job.key]
        if self.replay is not None:
            return self._replayed(job)
        if self.interrupted and not self._usable(self.cache.read(job.key), job):
            raise RunFailed(f"the run was interrupted (Ctrl-C) before {job.program.names()} with seed "
                            f"{job.seed} was trained")
        try:
            return self._record(job, stream)
        except (RunFailed, Skip) as failure:
            self._failed[job.key] = failure
            raise
        except Exception as exc:  # claimcheck's own fault: this run's claims say so, the others go on
            failure = RunFailed(f"claimcheck failed handling the run of {job.program.names()} with seed "
                                f"{job.seed}: {type(exc).__name__}: {exc}", traceback.format_exc())
            self._failed[job.key] = failure
            raise failure from exc

    def _replayed(self, job: Job) -> dict:
        if job.key not in self.replay:
            raise RunFailed(f"no shard recorded the run of {job.program.names()} with seed {job.seed}")
        record = self.replay[job.key]
        if record.get("skipped"):  # a shard's run that could not run there (a library not installed)
            raise Skip(record["skipped"].get("reason", ""), record["skipped"].get("fix", ""))
        if record.get("failed"):  # a shard's failed run: its reason, as the shard saw it
            raise RunFailed(f"training {job.program.names()} with seed {job.seed} failed (in shard "
                            f"{record.get('shard', '?')}): {record['failed']}", record.get("traceback", ""))
        return {**record, "cached": True}

    def lock_timeout(self, job: Job) -> float:
        """How long to wait for another process training the same run: its own timeout, and a minute."""
        return self.timeout(job) + 60

    def _record(self, job: Job, stream=None) -> dict:
        lock = self.cache.lock(job.key)
        try:
            lock.acquire(timeout=0)
        except Timeout:  # another process (or host) trains it: wait, then reuse its record
            if self.settings.progress:
                print(f"    waiting for another process training {job.program.names()} seed {job.seed}",
                      file=stream or sys.stderr, flush=True)
            try:
                lock.acquire(timeout=self.lock_timeout(job))
            except Timeout:
                raise RunFailed(f"waited {self.lock_timeout(job):.0f} s for another process training "
                                f"{job.program.names()} with seed {job.seed} (lock {lock.lock_file}); if none "
                                "is training it, that process hangs: stop it, or pass --timeout") from None
        try:
            record, problem = self.cache.inspect(job.key)
            if problem and self.settings.progress:
                print(f"    the cache record {problem}: training it again", file=stream or sys.stderr, flush=True)
            if self._usable(record, job):
                with self._lock:
                    self.reused += 1
                # "cached": trained before this session (by another process, or an earlier run)
                return {**record, "cached": job.key not in self._trained_here}
            fresh = self._train(job)
            if fresh.get("failed"):
                self._failed_records[job.key] = {**fresh, "key_parts": self.keys.parts(job.program, job.seed, job.requires)}
                if fresh.get("skipped"):  # not run here, not failed: the claims that read it are skipped
                    raise Skip(fresh["skipped"].get("reason", ""), fresh["skipped"].get("fix", ""))
                raise RunFailed(f"training {job.program.names()} with seed {job.seed} failed: {fresh['failed']}",
                                fresh.get("traceback", ""))
            if record is not None and not self.settings.refresh:
                fresh = with_earlier_values(record, fresh)
            fresh["key_parts"] = self.keys.parts(job.program, job.seed, job.requires)
            self.cache.write(fresh)
            with self._lock:
                self.trained += 1
                self._trained_here.add(job.key)
            return {**fresh, "cached": False}
        finally:
            lock.release()

    def fresh(self, job: Job) -> dict:
        """The job trained now, in a worker as any run, its cache record neither read nor written:
        a run that must be measured again (the canary), never one a verdict reads."""
        return self._train(job)

    def failed_records(self) -> list[dict]:
        """The records of the runs that failed in this session (a shard hands them to the merge)."""
        return list(self._failed_records.values())

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
        return devices.worker_count(self.settings)

    def _train(self, job: Job) -> dict:
        if self.in_process:
            return train_job(job, self.settings)
        return self.pool.run(train_job, job, self.timeout(job))

    # -- end ----------------------------------------------------------------------------
    def close(self) -> None:
        self.pool.close()
        for folder in self._workdirs:
            shutil.rmtree(folder, ignore_errors=True)
        self._workdirs = []
        self._executions.clear()
