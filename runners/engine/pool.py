"""Worker processes for training runs: pebble's process pools, a timeout per run, failures as records.

Each run has a process of its own (a fresh interpreter: no global state a listing set reaches
another run), which its worker starts and reads (separate.py: confined as the sandbox's programs are
where the run is, answering in JSON; the book's code never runs in the worker itself). A run that raises, exits, hangs past its timeout, segfaults or is killed for memory comes back
as a record with ``failed`` (and why), never as an exception of the harness: only its own claims
become errors. The pools start on first use, round-robin over the pools that ``devices.pools``
names (one per GPU with ``--jobs-per-gpu``).
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import signal
import threading
import traceback

from . import confine, devices, separate
from .environ import scrub


def _init_worker(env: dict) -> None:
    """A worker process starts with a scrubbed environment (no secret a spec could read) and its GPU
    (if any) and GPU sharing set, before any framework loads. It ignores Ctrl-C: the terminal sends
    SIGINT to the whole process group, and the parent, which stops the workers, decides what it means."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    scrub(env)


def signal_name(code) -> str:
    """How a process ended, from its exit code: ``SIGSEGV``, ``status 3``."""
    try:
        return signal.Signals(-code).name if code is not None and code < 0 else f"status {code}"
    except ValueError:
        return f"signal {-code}"


def _failure(exc: Exception, base: dict, timeout: float) -> dict:
    """Why a run's future raised, as a ``failed`` record."""
    from pebble import ProcessExpired

    if isinstance(exc, concurrent.futures.TimeoutError):
        return {**base, "failed": f"no result after {timeout:.0f} s: the run was stopped (timeout; "
                                  "set --timeout to allow longer)"}
    if isinstance(exc, ProcessExpired):
        why = "killed (SIGKILL: out of memory?)" if exc.exitcode == -signal.SIGKILL else \
            f"ended by {signal_name(exc.exitcode)}"
        return {**base, "failed": f"the training process {why} before it finished"}
    # the worker could not even start or return the job
    return {**base, "failed": f"the training process failed: {type(exc).__name__}: {exc}",
            "traceback": "".join(traceback.format_exception(exc))}


class WorkerPool:
    def __init__(self, settings):
        self.settings = settings
        self._pools: list = []
        self._next = 0
        self._lock = threading.Lock()
        self.stopped = False
        self._running: set = set()
        self._confined: tuple | None = None

    def _boundary(self) -> tuple[bool, list[str]]:
        """Whether each run's process is confined (as the sandbox's programs are, confine.status;
        not where --allow-download lets it reach the network), and the folders of this process it
        must not see (multiprocessing's, where the sandbox's fork server listens)."""
        if self._confined is None:
            from multiprocessing import util

            confined = confine.status(self.settings, in_process=False).confined and not self.settings.allow_download
            self._confined = (confined, [util.get_temp_dir()] if confined else [])
        return self._confined

    def _next_pool(self):
        from pebble import ProcessPool

        with self._lock:
            if not self._pools:
                context = multiprocessing.get_context("spawn")
                for size, env in devices.pools(self.settings):
                    # one run per process: no listing's global state reaches the next run
                    self._pools.append(ProcessPool(max_workers=size, context=context, max_tasks=1,
                                                   initializer=_init_worker, initargs=(env,)))
            pool = self._pools[self._next % len(self._pools)]
            self._next += 1
            return pool

    def run(self, fn, job, timeout: float) -> dict:
        """``fn(job, settings)`` in a worker: its record, or a ``failed`` record saying why not."""
        base = {"key": job.key, "seed": job.seed}
        interrupted = {**base, "failed": "interrupted (Ctrl-C) before it finished", "interrupted": True}
        if self.stopped:
            return interrupted
        confined, private = self._boundary()
        future = self._next_pool().schedule(separate.run, args=(fn, job, self.settings, confined, private),
                                            timeout=timeout)
        with self._lock:
            self._running.add(future)
        if self.stopped:  # stopped while it was being scheduled
            future.cancel()
        try:
            result = future.result()
            return interrupted if self.stopped and result.get("failed") else result
        except Exception as exc:
            return interrupted if self.stopped else _failure(exc, base, timeout)
        finally:
            with self._lock:
                self._running.discard(future)

    def stop(self) -> None:
        """Stop every worker now (Ctrl-C): running trainings end, queued ones never start."""
        self.stopped = True
        with self._lock:
            for future in list(self._running):
                future.cancel()  # pebble ends the worker of a running task
            for pool in self._pools:
                pool.stop()

    def close(self) -> None:
        for pool in self._pools:
            pool.stop()
            pool.join()
        self._pools = []
        if self._confined and self._confined[0]:
            confine.end_children()  # a confined worker's bubblewrap that never finished its setup
