"""The sandbox: a claim that measures a program it runs itself is decided in a process of its own.

The static tier's claims (shapes, parameter counts, receptive fields, printed values) look at what
their listings leave behind. Each set of claims that share one program is decided in a fresh
process, forked from a server that has the framework imported (so a process starts in a fraction
of a second, with none of another listing's global state): the program runs there, the kind
measures and decides there, and only plain data comes back (a JSON text per claim). A listing that
exits, hangs past the timeout, segfaults, is killed, patches the harness or changes a global
setting (``keras.config.set_floatx``) affects the claims on its own program only; every other claim
keeps its verdict, and the run goes on to write all of its outputs.

Processes start with a scrubbed environment (:data:`KEPT_ENVIRONMENT`: what the frameworks and
the OS need), so no value a spec reads can be a CI secret. What the sandbox is not: a security
boundary against the code itself. A listing or a checks.py is code; code a pull request brings
can do what code does on the machine (docs/sandbox.md).
"""
from __future__ import annotations

import concurrent.futures
import json
import multiprocessing
import threading
import traceback

from ..claim.listings import Program
from ..claim.verdict import Result, Status
from ..core.errors import ClaimError
from .deciding import decide
from .environ import scrub, scrubbed_environment
from .executor import Executor
from .pool import signal_name

DEFAULT_TIMEOUT_S = 300.0


class _SandboxContext:
    """The kinds' Context inside a sandbox process: programs run here, in process; no training runs."""

    def __init__(self, settings, as_printed: bool):
        self.settings = settings
        self.as_printed = as_printed
        self.executor = Executor(settings)

    def program(self, claim) -> Program:
        return Program.of(claim, None, self.as_printed)

    def execution(self, claim):
        return self.executor.execution(self.program(claim), claim.requires)

    def evaluate(self, claim, value):
        return self.executor.evaluate(self.program(claim), claim.requires, value)

    def job(self, claim, item, seed):
        raise ClaimError("this claim reads training runs, which a sandbox process does not make")

    record = job


def run_group(claims, settings, as_printed: bool) -> str:
    """In a sandbox process: decide ``claims`` (one program); their results as a JSON text."""
    scrub()
    ctx = _SandboxContext(settings, as_printed)
    out = []
    try:
        for claim in claims:
            out.append(decide(claim, ctx).to_dict())
    finally:
        ctx.executor.close()
    return json.dumps(out, default=str)


def failed_results(claims, reason: str, tb: str = "") -> list[Result]:
    """Every claim of a group whose process gave no results: an error, with why."""
    out = []
    for claim in claims:
        result = Result.of(claim)
        result.status, result.reason, result.traceback = Status.ERROR, f"{claim.where}: {reason}", tb
        out.append(result)
    return out


class Sandbox:
    """Forked processes, ``workers`` at a time, each deciding one group of claims and exiting."""

    def __init__(self, settings, workers: int = 1):
        self.settings = settings
        self.workers = max(1, workers)
        self._pool = None
        self._lock = threading.Lock()

    def _start(self):
        from pebble import ProcessPool

        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("forkserver")
                # the server imports the framework once; every process forks from it, fresh
                context.set_forkserver_preload([f"{__package__}.warm"])
                with scrubbed_environment():
                    self._pool = ProcessPool(max_workers=self.workers, max_tasks=1, context=context)
                    from multiprocessing import forkserver

                    forkserver.ensure_running()  # started now, with the scrubbed environment
        return self._pool

    def start(self) -> None:
        """Start the fork server now (it imports the framework while the caller loads its claims)."""
        self._start()

    def timeout(self) -> float:
        return float(self.settings.timeout) if self.settings.timeout else DEFAULT_TIMEOUT_S

    def run_groups(self, groups: list[list], as_printed: bool, on_group=None) -> dict[str, Result]:
        """Each group's results, by claim id; ``on_group(results)`` as each group comes back."""
        from pebble import ProcessExpired

        pool = self._start()
        timeout = self.timeout()
        futures = {pool.schedule(run_group, args=(group, self.settings, as_printed), timeout=timeout):
                   group for group in groups}
        decided: dict[str, Result] = {}
        for future in concurrent.futures.as_completed(futures):
            group = futures[future]
            try:
                results = [Result.from_dict(r) for r in json.loads(future.result())]
            except concurrent.futures.TimeoutError:
                results = failed_results(group, f"the program gave no result after {timeout:.0f} s: its process "
                                                "was stopped (timeout; set --timeout to allow longer)")
            except ProcessExpired as exc:
                results = failed_results(group, f"the program's process ended ({signal_name(exc.exitcode)}) "
                                                "before its claims were decided")
            except KeyboardInterrupt:
                raise  # Ctrl-C here: the run stops (what came back so far is kept)
            except BaseException as exc:  # the process could not start, sent back something unreadable, or
                # ended by SystemExit, which pebble raises here: the group's error, never this process's exit
                results = failed_results(group, f"the program's process failed: {type(exc).__name__}: {exc}",
                                         "".join(traceback.format_exception(exc)))
            if [r.id for r in results] != [c.id for c in group]:
                results = failed_results(group, "the program's process sent back results of other claims")
            for result in results:
                decided[result.id] = result
            if on_group is not None:
                on_group(results)
        return decided

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None
