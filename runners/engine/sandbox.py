"""The sandbox: a claim that measures a program it runs itself is decided in a process of its own.

The static tier's claims (shapes, parameter counts, receptive fields, printed values) look at what
their listings leave behind. Each set of claims that share one program is decided in a fresh
process, forked from a server that has the framework imported (so a process starts in a fraction
of a second, with none of another listing's global state): the program runs there, the kind
measures and decides there, and only plain data comes back (a JSON text per claim). A listing that
exits, hangs past the timeout, segfaults, is killed, patches the harness or changes a global
setting (``keras.config.set_floatx``) affects the claims on its own program only; every other claim
keeps its verdict, and the run goes on to write all of its outputs.

Processes start with a scrubbed environment (environ.py: the exact names the frameworks and the
OS read), so no value a spec reads can be a CI secret. Where the machine can, every program is
confined besides (confine.py): the server runs under bubblewrap (read-only filesystem, claimcheck's
stores hidden, no network), each program in a pid namespace of its own with memory, process and
scratch limits, and nothing it starts outlives it. A server that dies (a program that killed it)
is started again, and the claims it took with it are decided again, one program at a time, so that
only the culprit's claims are errors (docs/sandbox.md).
"""
from __future__ import annotations

import concurrent.futures
import json
import multiprocessing
import os
import signal
import tempfile
import threading
import traceback
from pathlib import Path

from ..claim.listings import Program
from ..claim.verdict import Result, Status
from ..core.errors import ClaimError
from . import confine
from .deciding import decide
from .environ import scrub, scrubbed, scrubbed_environment
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

    def again(self, claim):
        return self.executor.again(self.program(claim), claim.requires)

    def evaluate(self, claim, value):
        return self.executor.evaluate(self.program(claim), claim.requires, value)

    def job(self, claim, item, seed):
        raise ClaimError("this claim reads training runs, which a sandbox process does not make")

    record = job


def _decided(claims, settings, as_printed: bool, limits: confine.Limits | None = None) -> str:
    ctx = _SandboxContext(settings, as_printed)
    out = []
    try:
        for claim in claims:
            out.append(_limit_named(decide(claim, ctx).to_dict(), limits))
    finally:
        ctx.executor.close()
    return json.dumps(out, default=str)


def _limit_named(result: dict, limits: confine.Limits | None) -> dict:
    """A claim's error that a limit of the boundary caused says which limit."""
    if limits is None or result.get("status") != "error":
        return result
    text = f"{result.get('reason', '')}\n{result.get('traceback', '')}"
    if "MemoryError" in text and limits.memory_gib:
        which = limits.memory()
    elif "No space left on device" in text:
        which = limits.scratch()
    elif "BlockingIOError" in text and "Resource temporarily unavailable" in text and limits.processes:
        which = limits.process()
    else:
        return result
    return {**result, "reason": f"{result.get('reason', '')} (the program went over {which})"}


def _confined(claims, settings, as_printed: bool, limits: confine.Limits) -> str:
    """In the program's own namespace: its temporary files go to its scratch folder."""
    scratch = Path(settings.cache_dir) / "work" / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    os.environ["TMPDIR"] = str(scratch)
    tempfile.tempdir = None
    return _decided(claims, settings, as_printed, limits)


def run_group(claims, settings, as_printed: bool, limits: confine.Limits | None = None) -> str:
    """In a sandbox process: decide ``claims`` (one program); their results as a JSON text. With
    ``limits``, the program runs confined, in a namespace of its own (confine.py); a program's
    process that ends without an answer ends this process the same way (the pool tells why). What
    the program writes to descriptor 1 goes to stderr: a command's own output is never its."""
    scrub()
    os.dup2(2, 1)
    if limits is None:
        return _decided(claims, settings, as_printed)
    try:
        return confine.run_in_namespace(lambda: _confined(claims, settings, as_printed, limits),
                                        [str(settings.cache_dir)], limits)
    except confine.ProgramEnded as ended:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if ended.code < 0:
            signal.signal(-ended.code, signal.SIG_DFL)
            os.kill(os.getpid(), -ended.code)
        os._exit(ended.code)


def failed_results(claims, reason: str, tb: str = "") -> list[Result]:
    """Every claim of a group whose process gave no results: an error, with why."""
    out = []
    for claim in claims:
        result = Result.of(claim)
        result.status, result.reason, result.traceback = Status.ERROR, f"{claim.where}: {reason}", tb
        out.append(result)
    return out


SERVER_DIED = "the sandbox's server died while this program ran (the program killed it?)"
ENDED_BY_LIMIT = (signal.SIGKILL, signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS)


class Sandbox:
    """Forked processes, ``workers`` at a time, each deciding one group of claims and exiting."""

    def __init__(self, settings, workers: int = 1, confinement: confine.Confinement | None = None):
        self.settings = settings
        self.workers = max(1, workers)
        self.confinement = confinement or confine.Confinement(False, "not asked")
        self.limits = self.confinement.limits if self.confinement.confined else None
        self._pool = None
        self._wrapper: Path | None = None
        self._lock = threading.Lock()

    def _start(self):
        from pebble import ProcessPool

        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("forkserver")
                # the server imports the framework once; every process forks from it, fresh
                context.set_forkserver_preload([f"{__package__}.warm"])
                with scrubbed_environment():
                    self._server_running()  # started now, with the scrubbed environment (and confined)
                    self._pool = ProcessPool(max_workers=self.workers, max_tasks=1, context=context)
        return self._pool

    def _server_running(self) -> None:
        """Start the fork server if it is not running: under bubblewrap where the run is confined
        (multiprocessing starts it through the executable it is given: the wrapper, for this start)."""
        from multiprocessing import forkserver, util

        server = forkserver._forkserver
        if self.limits is None:
            server.ensure_running()
            return
        if self._wrapper is None:
            self._wrapper = confine.wrapper(self.settings, scrubbed(os.environ), private=[util.get_temp_dir()])
        if getattr(server, "_claimcheck_confined", None) is None:
            # whoever starts the server later (pebble, after it died) starts it confined too
            original = server.ensure_running
            wrapper = str(self._wrapper)

            def ensure_running():
                with confine.starting_with(wrapper):
                    original()

            server.ensure_running = ensure_running
            server._claimcheck_confined = wrapper
        server.ensure_running()

    def server_alive(self) -> bool:
        """Whether the fork server runs (a program may have killed it)."""
        from multiprocessing import forkserver

        pid = forkserver._forkserver._forkserver_pid
        if pid is None:
            return False
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
        except OSError:
            return False

    def start(self) -> None:
        """Start the fork server now (it imports the framework while the caller loads its claims)."""
        self._start()

    def timeout(self) -> float:
        return float(self.settings.timeout) if self.settings.timeout else DEFAULT_TIMEOUT_S

    def _restart(self) -> None:
        """A fresh pool, and a fresh server if the old one died."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            pool.join()
        self._start()

    def _one_round(self, groups: list[list], as_printed: bool, decided: dict, on_group) -> list[list]:
        """Decide ``groups`` at ``workers`` at a time; the groups the server's death took with it."""
        from concurrent.futures.process import BrokenProcessPool

        from pebble import ProcessExpired

        pool = self._start()
        timeout = self.timeout()
        futures = {}
        for group in groups:
            try:
                futures[pool.schedule(run_group, args=(group, self.settings, as_printed, self.limits),
                                      timeout=timeout)] = group
            except RuntimeError:  # the pool broke while the groups were sent
                return [g for g in groups if not any(g is f for f in futures.values())] + list(futures.values())
        lost = []
        for future in concurrent.futures.as_completed(futures):
            group = futures[future]
            try:
                results = [Result.from_dict(r) for r in json.loads(future.result())]
            except concurrent.futures.TimeoutError:
                results = failed_results(group, f"the program gave no result after {timeout:.0f} s: its process "
                                                "was stopped (timeout; set --timeout to allow longer)")
            except ProcessExpired as exc:
                hint = ""
                if self.limits is not None and self.limits.memory_gib and exc.exitcode is not None \
                        and -exc.exitcode in ENDED_BY_LIMIT:
                    hint = f"; a program over {self.limits.memory()} may end so"
                results = failed_results(group, f"the program's process ended ({signal_name(exc.exitcode)}) "
                                                f"before its claims were decided{hint}")
            except KeyboardInterrupt:
                raise  # Ctrl-C here: the run stops (what came back so far is kept)
            except (BrokenProcessPool, RuntimeError) as exc:
                if isinstance(exc, BrokenProcessPool) or not self.server_alive():
                    lost.append(group)  # the server died under it: decided again
                    continue
                results = failed_results(group, f"the program's process failed: {type(exc).__name__}: {exc}",
                                         "".join(traceback.format_exception(exc)))
            except BaseException as exc:  # the process could not start, sent back something unreadable, or
                # ended by SystemExit, which pebble raises here: the group's error, never this process's exit
                results = failed_results(group, f"the program's process failed: {type(exc).__name__}: {exc}",
                                         "".join(traceback.format_exception(exc)))
            if not self.server_alive():
                lost.append(group)  # it may have killed the server: decided again, alone
                continue
            self._keep(group, results, decided, on_group)
        return lost

    def _keep(self, group, results, decided: dict, on_group) -> None:
        if [r.id for r in results] != [c.id for c in group]:
            results = failed_results(group, "the program's process sent back results of other claims")
        for result in results:
            decided[result.id] = result
        if on_group is not None:
            on_group(results)

    def run_groups(self, groups: list[list], as_printed: bool, on_group=None) -> dict[str, Result]:
        """Each group's results, by claim id; ``on_group(results)`` as each group comes back.

        Where the server dies, the groups that were running or waiting are decided again on a new
        one, one at a time: a group under which the server dies again is the culprit, and its claims
        are errors saying so; the others keep what they decide."""
        decided: dict[str, Result] = {}
        lost = self._one_round(groups, as_printed, decided, on_group)
        for group in lost:
            self._restart()
            again = self._one_round([group], as_printed, decided, on_group)
            if again:
                self._keep(group, failed_results(group, SERVER_DIED), decided, on_group)
        if lost:
            self._restart()
        return decided

    def close(self) -> None:
        if self._pool is not None:
            # closed, not stopped, where nothing runs: a stopped pool may still fork a fresh worker, which
            # then fails to open the pool's semaphores and prints its traceback after the run's last line
            self._pool.close()
            try:
                self._pool.join(timeout=10)
            except TimeoutError:
                pass
            self._pool.stop()
            self._pool.join()
            self._pool = None
        if self._wrapper is not None:  # this run's server hid this run's stores: it goes with the run
            import shutil
            from multiprocessing import forkserver

            server = forkserver._forkserver
            server.__dict__.pop("ensure_running", None)
            server.__dict__.pop("_claimcheck_confined", None)
            confine.end_children()  # every bubblewrap of this run with what it started, set up or not
            if server._forkserver_pid is not None:  # bubblewrap's end ends the server, and its workers
                try:
                    os.kill(server._forkserver_pid, signal.SIGKILL)
                    os.waitpid(server._forkserver_pid, 0)
                except OSError:
                    pass
                os.close(server._forkserver_alive_fd)
                server._forkserver_pid = server._forkserver_alive_fd = server._forkserver_address = None
            shutil.rmtree(self._wrapper.parent, ignore_errors=True)
            self._wrapper = None
