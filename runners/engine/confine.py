"""The boundary around every program: bubblewrap around the sandbox's fork server, and a user, mount
and pid namespace of its own around each program.

Two layers (docs/sandbox.md says why two):

* **The server's** (:func:`server_command`): the fork server runs under ``bwrap``: the whole
  filesystem read-only, claimcheck's stores (the cache, ``--out``, the history, with any key in
  them) and ``/run`` behind read-only empty folders, no network, a fresh session, an environment of
  the allowed names only (environ.py), and it dies with the claimcheck process
  (``--die-with-parent``). It keeps the machine's pid namespace: pebble and multiprocessing know
  and stop their workers by the pids the server reports.
* **Each program's** (:func:`run_in_namespace`): the worker that the server forks for a program
  unshares a user, mount and pid namespace and forks the program as pid 1 of that namespace, with
  a fresh ``/proc`` (only its own processes), empty scratch folders of a bounded size (the cache
  ``work/`` of the cache folder, where its working folder is made; ``/dev/shm``), a memory and a process limit, and
  ``PR_SET_PDEATHSIG``: when the program ends, or its worker is stopped (timeout), the kernel ends
  every process in the namespace. A second user and mount namespace locks those mounts: the program
  cannot undo them.

This module uses the standard library only: ``python confine.py --probe`` is how a machine is
asked whether it can confine (:func:`check`).
"""
from __future__ import annotations

import ctypes
import glob
import json
import os
import shlex
import signal
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

BWRAP = "/usr/bin/bwrap"
BWRAP_ENV = "CLAIMCHECK_BWRAP"  # another bubblewrap (or a missing one: how tests simulate a machine without it)
OFF_HOW = "--no-confine / CLAIMCHECK_NO_CONFINE=1"

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID = 0x00020000, 0x10000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_REC, MS_PRIVATE = 16384, 1 << 18
PR_SET_PDEATHSIG = 1
GIB = 1 << 30
MAX_REPLY = 512 << 20  # a program's process that sends more than this is stopped


@dataclass(frozen=True)
class Limits:
    """What one program may use: memory (GiB of data, 0: no limit), processes and threads, scratch (GiB)."""

    memory_gib: float = 8.0
    processes: int = 512
    scratch_gib: float = 2.0

    @classmethod
    def of(cls, settings) -> Limits:
        return cls(float(settings.memory_limit or 0), int(settings.process_limit or 0),
                   float(settings.scratch_limit or 0))

    def memory(self) -> str:
        return f"the {self.memory_gib:g} GiB memory limit (--memory-limit)"

    def process(self) -> str:
        return f"the {self.processes} processes limit (--process-limit)"

    def scratch(self) -> str:
        return f"the {self.scratch_gib:g} GiB scratch limit (--scratch-limit)"


@dataclass(frozen=True)
class Confinement:
    """Whether this run's programs are confined, and why not where they are not."""

    confined: bool
    why: str
    limits: Limits | None = None
    masked: tuple = field(default_factory=tuple)

    def to_dict(self) -> dict:
        doc = {"confined": self.confined, "why": self.why}
        if self.limits is not None:
            doc["limits"] = asdict(self.limits)
        if self.masked:
            doc["masked"] = list(self.masked)
        return doc

    def line(self) -> str:
        """One line for the top of the console."""
        if self.confined:
            return f"claimcheck: programs run confined ({self.why})"
        return f"claimcheck: WARNING: programs run unconfined, with your full rights: {self.why}"


def bwrap() -> str:
    return os.environ.get(BWRAP_ENV) or BWRAP


_checked: dict = {}


def check(path: str | None = None) -> str | None:
    """Why this machine cannot confine a program (None: it can): bubblewrap is missing or refused,
    or a namespace inside it is. Asked once per process and bubblewrap."""
    path = path or bwrap()
    if path not in _checked:
        if not os.access(path, os.X_OK):
            _checked[path] = f"bubblewrap is not installed ({path} is missing; apt-get install bubblewrap)"
        else:
            cmd = [path, *_base_args(), "--", sys.executable, "-S", str(Path(__file__).resolve()), "--probe"]
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
                why = None if proc.returncode == 0 and proc.stdout.strip() == "confined" else \
                    f"bubblewrap or a namespace was refused here: {(proc.stderr or proc.stdout).strip()[-300:]}"
            except (OSError, subprocess.SubprocessError) as exc:
                why = f"bubblewrap could not run: {exc}"
            _checked[path] = why
    return _checked[path]


def status(settings, in_process: bool) -> Confinement:
    """This run's confinement, as the console and results.json say it."""
    if in_process:
        return Confinement(False, "--jobs 0 runs every program in the claimcheck process, without a sandbox")
    if settings.no_confine:
        return Confinement(False, f"turned off ({OFF_HOW})")
    problem = check()
    if problem:
        return Confinement(False, problem)
    limits = Limits.of(settings)
    return Confinement(True, f"bubblewrap {bwrap()}: read-only filesystem, claimcheck's stores hidden, no network, "
                             "a pid namespace per program", limits, tuple(str(p) for p in stores(settings))
                       + tuple(str(Path(k).absolute()) for k in [getattr(settings, "key_file", None)] if k))


def stores(settings) -> list[Path]:
    """claimcheck's folders no program may read or write: the cache, the run's --out, the history, and
    the folder the stores' keys live in (made now if it is not there: a folder made after a program
    started would be visible to it)."""
    out = []
    for value in (settings.cache_dir, settings.out, settings.history):
        if value is not None:
            out.append(Path(value).absolute())
    from ..stores import keys  # here, not at the top: this file also runs alone, as the probe (``--probe``)

    out.append(keys.ensure_home())
    return out


# -- the server's boundary: bubblewrap ------------------------------------------------------------
def _base_args(training: bool = False) -> list[str]:
    """The server keeps the machine's pids and /proc (pebble knows its workers by the pids the server
    reports; each program gets a pid namespace of its own, run_in_namespace); a training run's
    process (separate.py) gets a pid namespace and /proc of its own, and the accelerators' devices."""
    pids = ["--unshare-pid", "--proc", "/proc"] if training else ["--bind", "/proc", "/proc"]
    devices = ["--dev", "/dev"]
    if training:  # the accelerators' device files only (a GPU's), never the disks'
        for path in sorted({*glob.glob("/dev/nvidia*"), *glob.glob("/dev/dri"), *glob.glob("/dev/kfd"),
                            *glob.glob("/dev/accel*")}):
            devices += ["--dev-bind", path, path]
    return ["--unshare-user", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--ro-bind", "/", "/", *pids, *devices,
            "--bind", "/dev/shm", "/dev/shm"]


def server_args(settings, environment: dict, private=(), training: bool = False) -> list[str]:
    """bubblewrap's arguments for the sandbox's server (or, ``training``, a training run's worker):
    everything but the command."""
    args = [*_base_args(training)]
    scratch = Path(settings.cache_dir).resolve()
    scratch.mkdir(parents=True, exist_ok=True)  # the server's scratch is mounted there
    hide = {Path("/run"), *(Path(p) for p in private)}
    # a store that is not there yet cannot be made: the filesystem is read-only
    hide |= {store.resolve() for store in stores(settings) if store.resolve() != scratch}
    hide = sorted((p for p in hide if p.is_dir() and not p.is_symlink()), key=lambda p: len(p.parts))
    for path in hide:  # outer folders first: a store inside another (a cache in --out) is mounted in it
        args += ["--perms", "0555", "--tmpfs", str(path)]
    # the server's own temporary files (absl asks for a temporary folder on import): in the cache
    # folder's place, where each program gets a scratch folder of its own over it
    # (a training run's working folder is made there as well: its scratch is the --scratch-limit)
    size = 256 << 20
    if training:
        size = int(Limits.of(settings).scratch_gib * GIB) or 64 * GIB
    args += ["--size", str(size), "--tmpfs", str(scratch), "--dir", str(scratch / "tmp")]
    for path in hide:
        args += ["--remount-ro", str(path)]
    # a --key-file outside the stores: an empty file in its place (one inside a store is hidden with it)
    key = getattr(settings, "key_file", None)
    if key is not None and Path(key).is_file() and not Path(key).is_symlink():
        key = Path(key).resolve()
        if not any(key.is_relative_to(p) for p in hide) and not key.is_relative_to(scratch):
            args += ["--ro-bind", "/dev/null", str(key)]
    args += ["--clearenv"]
    # matplotlib (Keras imports it where it is installed) keeps its config and font cache there too,
    # not in the read-only home, where it would warn on the run's first line
    own = {"TMPDIR": str(scratch / "tmp"), "MPLCONFIGDIR": str(scratch / "tmp" / "matplotlib")}
    for name, value in sorted({**environment, **own}.items()):
        args += ["--setenv", name, value]
    args += ["--chdir", os.getcwd()]
    return args


def wrapper(settings, environment: dict, private=(), training: bool = False) -> Path:
    """An executable that runs Python under bubblewrap with the server's boundary (multiprocessing
    starts its fork server, or a training worker, through it: :func:`starting_with`)."""
    folder = Path(tempfile.mkdtemp(prefix="claimcheck-confine-"))
    path = folder / "python"
    command = [bwrap(), *server_args(settings, environment, private, training), "--", sys.executable]
    path.write_text("#!/bin/sh\nexec " + " ".join(shlex.quote(c) for c in command) + ' "$@"\n')
    path.chmod(stat.S_IRWXU)
    return path


def _processes() -> dict[int, tuple[int, str]]:
    """Every process: its parent's pid and its command name (from /proc/PID/stat)."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    head, rest = f.read().rsplit(") ", 1)
                found[int(entry)] = (int(rest.split()[1]), head.split("(", 1)[1])
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile
    return found


def end_children(name: str = "bwrap") -> list[int]:
    """Kill (SIGKILL) every child of this process whose command is ``name``, with all it started,
    and reap it; their pids. Its own child first: bubblewrap's sandboxed child waits on an eventfd
    for its parent to map its user ids, so a bubblewrap killed before it did (a server started as a
    run ended at once, a usage error) leaves that child waiting for ever, orphaned, holding the run's
    stdout and stderr open: whoever reads them to their end (CI, a test) hangs. Called as the run
    closes, before the server itself is stopped."""
    me, table = os.getpid(), _processes()
    ended = []
    for pid, (parent, command) in table.items():
        if parent != me or command != name:
            continue
        below, frontier = [], [pid]
        while frontier:  # everything it started, however deep
            frontier = [p for p, (pp, _) in table.items() if pp in frontier]
            below += frontier
        for victim in [*reversed(below), pid]:
            try:
                os.kill(victim, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.waitpid(pid, 0)
        except OSError:
            pass
        ended.append(pid)
    return ended


EXECUTABLE = threading.Lock()  # multiprocessing's executable is one for the process: set under it


@contextmanager
def starting_with(executable) -> Iterator[None]:
    """Processes multiprocessing starts meanwhile (a fork server, a spawned worker) start through
    ``executable`` (a :func:`wrapper`); the executable it had is put back after."""
    from multiprocessing import spawn

    with EXECUTABLE:
        saved = spawn.get_executable()
        spawn.set_executable(str(executable))
        try:
            yield
        finally:
            spawn.set_executable(saved)


# -- each program's boundary: namespaces ---------------------------------------------------------
_libc = None


def _call(name: str, *args) -> None:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    if getattr(_libc, name)(*args) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{name}: {os.strerror(errno)}")


def die_with_parent() -> None:
    """This process is killed (SIGKILL) when its parent ends."""
    _call("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _map_ids(uid: int, gid: int) -> None:
    """This process's own user and group as themselves in the user namespace it just made."""
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")


def _mount_tmpfs(path: str, size: int) -> None:
    _call("mount", b"tmpfs", path.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, f"size={max(size, 1 << 20)},mode=0700".encode())


def _set_up(scratch: list[str], limits: Limits, uid: int, gid: int) -> None:
    """In the program's process, pid 1 of its namespace: its /proc, its scratch, its limits, locked."""
    import resource

    _call("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    _call("mount", b"none", b"/", None, MS_REC | MS_PRIVATE, None)
    _call("mount", b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    size = int(limits.scratch_gib * GIB) if limits.scratch_gib else 64 * GIB
    for path in scratch:  # the folder, read-only and empty but for its writable work/ (the scratch)
        if os.path.isdir(path):
            _mount_tmpfs(path, 1 << 20)
            for name in ("work", "locks"):
                os.mkdir(os.path.join(path, name))
            _mount_tmpfs(os.path.join(path, "work"), size)
            _call("mount", None, path.encode(), None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None)
    _mount_tmpfs("/dev/shm", 64 << 20)
    # a user and mount namespace more: in it the mounts above are locked (the program cannot undo them)
    _call("unshare", CLONE_NEWUSER | CLONE_NEWNS)
    _map_ids(uid, gid)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if limits.memory_gib:
        size = int(limits.memory_gib * GIB)
        resource.setrlimit(resource.RLIMIT_DATA, (size, size))
    if limits.processes:
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))


class ProgramEnded(Exception):
    """The program's process ended without an answer: ``code`` as multiprocessing gives it (-N: signal N)."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


def run_in_namespace(fn, scratch: list[str], limits: Limits) -> str:
    """``fn()`` (a text) in a new user, mount and pid namespace, as its pid 1; called in a single-
    threaded process (a worker of the fork server). An exception of ``fn`` is raised here again (by
    its name, never unpickled); a process that ends without an answer is :class:`ProgramEnded`."""
    uid, gid = os.getuid(), os.getgid()
    _call("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # this worker ends with its server
    _call("unshare", CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID)
    _map_ids(uid, gid)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pid 1 of the new namespace: when it ends, the kernel ends every process in it
        os.close(read)
        _only(write)
        try:
            os.setsid()  # a process group of its own: kill(0, ...) reaches no process outside
            _set_up(scratch, limits, uid, gid)
            reply = {"text": fn()}
        except BaseException as exc:  # noqa: BLE001 - every way fn ends is told to the worker
            reply = _raised(exc)
        _answer(write, reply)
    os.close(write)
    reply, code = _reply(pid, read)
    if not isinstance(reply, dict) or code != 0:
        raise ProgramEnded(code if code != 0 else 1)
    if "raised" in reply:
        raise _rebuilt(reply)
    return str(reply.get("text", ""))


def _only(keep: int) -> None:
    """In a program's process, right after the fork: every descriptor it inherited closed but
    ``keep`` (its answer) and stderr, which is its stdout too (sandbox.run_group made it so before
    the fork); stdin is /dev/null. A worker's channel to the
    claimcheck process (pebble's, multiprocessing's) is such a descriptor: a program that wrote a
    pickle into it had it loaded, and run, by the claimcheck process."""
    limit = os.sysconf("SC_OPEN_MAX")
    os.closerange(3, keep)
    os.closerange(keep + 1, limit if limit > 0 else 1 << 16)
    # multiprocessing's resource tracker (the claimcheck process's) was one of them: a program that
    # needs one (a semaphore, shared memory) starts its own, inside its boundary
    from multiprocessing import resource_tracker

    tracker = getattr(resource_tracker, "_resource_tracker", None)
    if tracker is not None and hasattr(tracker, "_fd"):
        tracker._fd = None
        tracker._pid = None
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    if null != 0:
        os.close(null)


def _raised(exc: BaseException) -> dict:
    import traceback

    return {"raised": type(exc).__name__, "message": str(exc), "traceback": traceback.format_exc()}


def _answer(write: int, reply: dict) -> None:
    """Send the reply as JSON (never a pickle) and end the process."""
    try:
        data = json.dumps(reply).encode()
        view = memoryview(data)
        while view:
            view = view[os.write(write, view):]
    finally:
        os._exit(0)


def read_reply(read: int, stop) -> tuple[object, bool]:
    """What a program's process sent on the pipe ``read`` (closed after), as JSON: (the value, or None
    where it is not JSON; whether it sent more than MAX_REPLY bytes, when ``stop()`` ends it)."""
    chunks, size = [], 0
    with os.fdopen(read, "rb") as pipe:
        while chunk := pipe.read(1 << 20):
            size += len(chunk)
            if size > MAX_REPLY:
                stop()
                return None, True
            chunks.append(chunk)
    try:
        return (json.loads(b"".join(chunks)) if chunks else None), False
    except ValueError:
        return None, False


def _reply(pid: int, read: int) -> tuple[dict | None, int]:
    """A program process's JSON reply (at most MAX_REPLY bytes) and how it ended (-N: signal N)."""
    reply, _ = read_reply(read, lambda: os.kill(pid, signal.SIGKILL))
    _, status = os.waitpid(pid, 0)
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    return reply, code


def _rebuilt(reply: dict) -> BaseException:
    """The exception a program's process raised, by its built-in name (or a RuntimeError naming it)."""
    import builtins

    cls = getattr(builtins, str(reply.get("raised")), None)
    message = str(reply.get("message", ""))
    if isinstance(cls, type) and issubclass(cls, BaseException) and cls is not KeyboardInterrupt:
        try:
            exc = cls(message)
        except Exception:  # noqa: BLE001 - a built-in whose constructor wants more
            exc = RuntimeError(f"{reply['raised']}: {message}")
    else:
        exc = RuntimeError(f"{reply.get('raised')}: {message}")
    exc.program_traceback = str(reply.get("traceback", ""))
    return exc


def _probe() -> None:
    """Inside bubblewrap (``--probe``): can a worker make a program's namespace here?"""
    limits = Limits(memory_gib=1, processes=64, scratch_gib=0.01)
    pid = os.fork()
    if pid == 0:
        try:
            text = run_in_namespace(lambda: str(os.getpid()), [], limits)
            os._exit(0 if text == "1" else 3)
        except BaseException as exc:  # noqa: BLE001
            print(f"a program's namespace: {exc}", file=sys.stderr)
            os._exit(4)
    _, status = os.waitpid(pid, 0)
    if status == 0:
        print("confined")
    sys.exit(0 if status == 0 else 1)


if __name__ == "__main__" and sys.argv[1:] == ["--probe"]:
    _probe()
