"""Worker processes for training runs: pebble's process pools, a timeout per run, failures as records.

Each run has a process of its own (a fresh interpreter: no global state a listing set reaches
another run). A run that raises, exits, hangs past its timeout, segfaults or is killed for memory comes back
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

from . import devices
from .environ import scrub


def _init_worker(env: dict) -> None:
    """A worker process starts with a scrubbed environment (no secret a spec could read) and its GPU
    (if any) and GPU sharing set, before any framework loads."""
    scrub(env)


def signal_name(code) -> str:
    """How a process ended, from its exit code: ``SIGSEGV``, ``status 3``."""
    try:
        return signal.Signals(-code).name if code is not None and code < 0 else f"status {code}"
    except ValueError:
        return f"signal {-code}"


class WorkerPool:
    def __init__(self, settings):
        self.settings = settings
        self._pools: list = []
        self._next = 0
        self._lock = threading.Lock()

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
        from pebble import ProcessExpired

        future = self._next_pool().schedule(fn, args=(job, self.settings), timeout=timeout)
        base = {"key": job.key, "seed": job.seed}
        try:
            return future.result()
        except concurrent.futures.TimeoutError:
            return {**base, "failed": f"no result after {timeout:.0f} s: the run was stopped (timeout; "
                                      "set --timeout to allow longer)"}
        except ProcessExpired as exc:
            why = "killed (SIGKILL: out of memory?)" if exc.exitcode == -signal.SIGKILL else \
                f"ended by {signal_name(exc.exitcode)}"
            return {**base, "failed": f"the training process {why} before it finished"}
        except Exception as exc:  # the worker could not even start or return the job
            return {**base, "failed": f"the training process failed: {type(exc).__name__}: {exc}",
                    "traceback": "".join(traceback.format_exception(exc))}

    def close(self) -> None:
        for pool in self._pools:
            pool.stop()
            pool.join()
        self._pools = []
