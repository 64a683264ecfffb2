"""One training run, as a worker process runs it: the program with its seed, then the values read.

Every program runs in a working folder of its own (``<cache>/work/<host>-<pid>-<uuid>``) where
the resources it needs are provided (resources/registry.py); the folder goes when the run is done.
Before the book's code runs, the worker finds where the backend computes (a worker pinned to a GPU
that finds itself on the CPU fails at once, naming itself) and sets the numerics policy
(environment/numerics.py); the record says both, beside the values.
"""
from __future__ import annotations

import math
import os
import shutil
import socket
import sys
import time
import traceback
import uuid
from pathlib import Path

from ..claim import values
from ..claim.listings import Program
from ..core.errors import ClaimError, Skip
from ..core.formatting import plain
from ..environment import machine, numerics
from ..resources import registry as resources
from .devices import EXPECT_GPU
from .execution import ListingFailed, execute, working_directory
from .progress import ANSI, EpochProgress

# this process's own name: a training run's process is new for each run (a pid is not: in a confined
# run's pid namespace every run is pid 2)
PROCESS = uuid.uuid4().hex[:12]


def new_workdir(cache_dir: Path) -> Path:
    """A working folder no other process or host uses."""
    name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    return Path(cache_dir).resolve() / "work" / name


def run_program(program: Program, settings, workdir: Path, requires=(), seed=None, stdout=None):
    """Run a program with the resources it needs provided, in ``workdir``."""
    resources.ensure(requires, settings)
    return execute(program, workdir, seed=seed, stdout=stdout,
                   environment=resources.providing(requires, settings, workdir))


def train_job(job, settings) -> dict:
    """Run one training job and measure its values; the record for the cache.

    Runs in a worker process (or in the calling process with ``--jobs 0``). A listing that
    raises or exits gives a record with ``failed`` (never cached), and one that cannot run here (a
    book's library not installed) with ``skipped`` beside it (the reason and the fix); a value that cannot be read
    is recorded under ``errors`` for the claims that read it.
    """
    stream = sys.stderr if settings.progress else None
    progress = EpochProgress(f"{job.label} seed {job.seed}:" if job.label else f"seed {job.seed}:", stream)
    if stream is not None:
        print(f"    training {job.program.names()} with seed {job.seed} (pid {os.getpid()})",
              file=stream, flush=True)
    workdir = new_workdir(settings.cache_dir)
    start = time.perf_counter()
    record = {"key": job.key, "seed": job.seed, "host": socket.gethostname(), "pid": os.getpid(), "process": PROCESS,
              "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    try:
        device = machine.device_in_use()
        pinned = os.environ.get(EXPECT_GPU)
        if pinned is not None and device["platform"] != "gpu" and not settings.allow_cpu:
            record.update(device=device, failed=(
                f"worker pid {os.getpid()} on {socket.gethostname()} was given GPU {pinned} "
                f"(CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES')}) but the "
                f"{machine.backend()} backend computes on the CPU here ({device['name']}): a CUDA "
                "build that sees the GPU is needed (docs/gpu-tier.md), or --allow-cpu"))
            record["seconds"] = round(time.perf_counter() - start, 2)
            return record
        record.update(device=device, numerics=numerics.apply(machine.backend(), gpu=device["platform"] == "gpu"))
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
    except Skip as exc:  # it cannot run here (a book's library not installed): its claims are skipped
        record.update(failed=f"skipped: {exc.reason}", skipped={"reason": exc.reason, "fix": exc.fix})
    except ClaimError as exc:
        record.update(failed=str(exc), traceback=traceback.format_exc())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    record["seconds"] = round(time.perf_counter() - start, 2)
    return record
