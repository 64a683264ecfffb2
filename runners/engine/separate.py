"""A training run in a process of its own, started by its worker: under bubblewrap where the run is
confined (confine.py: the training worker's boundary), answering in JSON.

The worker (pebble's, which hands its result to the claimcheck process as a pickle) never runs the
book's code itself: the book's code once held that channel, and a pickle written into it was loaded,
and run, by the claimcheck process. Here the worker starts ``python -m`` this module, hands it the job
on stdin (a pickle from the worker to the child, never the other way), and reads back one JSON
object on a pipe of its own, at most ``MAX_REPLY`` bytes, whose key and seed must be the job's.
"""
from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys

from .confine import MAX_REPLY, bwrap, die_with_parent, read_reply, server_args


def command(settings, confined: bool, private=()) -> list[str]:
    """What starts the run's process: bubblewrap with the training boundary (in this worker's
    environment, already the allowed names), or nothing before Python where the run is unconfined."""
    if not confined:
        return []
    return [bwrap(), *server_args(settings, dict(os.environ), private, training=True), "--"]


def _ended(code: int, confined: bool) -> str:
    if code < 0 or (confined and code > 128):  # bubblewrap exits 128 + N for a command ended by signal N
        number = -code if code < 0 else code - 128
        if number == signal.SIGKILL:
            return "killed (SIGKILL: out of memory?)"
        try:
            return f"ended by {signal.Signals(number).name}"
        except ValueError:
            return f"ended by signal {number}"
    return f"ended by status {code}"


def run(fn, job, settings, confined: bool, private=()) -> dict:
    """``fn(job, settings)`` (a record of JSON's types) in a process of its own; a ``failed`` record
    where that process ends without one."""
    base = {"key": job.key, "seed": job.seed}
    read, write = os.pipe()
    cmd = [*command(settings, confined, private), sys.executable, "-m", __name__, str(write)]
    try:
        # its stdout is claimcheck's stderr: what the book's code writes, even straight to descriptor 1,
        # never mixes into a command's own output (`claimcheck reference` prints YAML there)
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=2, pass_fds=(write,), close_fds=True)
    finally:
        os.close(write)
    try:
        proc.stdin.write(pickle.dumps((fn, job, settings)))
        proc.stdin.close()
    except BrokenPipeError:
        pass
    record, too_much = read_reply(read, proc.kill)
    code = proc.wait()
    if too_much:
        return {**base, "failed": f"the training process sent more than {MAX_REPLY >> 20} MiB: it was stopped"}
    if not isinstance(record, dict):
        if code == 0:
            return {**base, "failed": "the training process gave no record (what it sent back is not one JSON "
                                      "object: the program wrote into its answer?)"}
        return {**base, "failed": f"the training process {_ended(code, confined)} before it finished"}
    return {**record, **base}  # a program answers for its own run only


def main(argv: list[str]) -> None:
    """In the run's process: the job from stdin, the record to the pipe named by its number."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as its worker: Ctrl-C is the claimcheck process's to decide
    parent = os.getppid()
    die_with_parent()  # it ends with its worker (or bubblewrap)
    if os.getppid() != parent:  # its parent ended before it could ask
        os._exit(1)
    fd = int(argv[0])
    os.set_inheritable(fd, False)  # nothing the book's code starts holds it
    fn, job, settings = pickle.load(sys.stdin.buffer)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    record = fn(job, settings)
    data = json.dumps(record).encode()
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # the frameworks' threads and exit handlers are not waited for


if __name__ == "__main__":
    main(sys.argv[1:])
