"""Worker processes: --jobs N in parallel, --jobs-per-gpu K pinned to each GPU."""
from claimcheck.runners.engine.executor import Executor
from claimcheck.runners.environment import machine
from claimcheck.runners.spec.listings import Program

from helpers import settings, write

LISTING = "import os, time\ntime.sleep(1)\ndevice = int(os.environ.get('CUDA_VISIBLE_DEVICES', '-1'))\npid = os.getpid()\n"


def records(tmp_path, seeds, **values):
    program = Program((write(tmp_path, "l.py", LISTING),))
    executor = Executor(settings(cache_dir=tmp_path / "cache", **values))
    try:
        jobs = [executor.job(program, seed, (), ["device", "pid"]) for seed in seeds]
        executor.run_jobs(jobs)
        return [executor.record(job) for job in jobs]
    finally:
        executor.close()


def test_jobs_run_in_several_worker_processes(tmp_path):
    done = records(tmp_path, range(4), jobs=2)
    pids = {r["values"]["pid"] for r in done}
    assert len(pids) == 2  # two workers, each ran two of the four jobs
    assert all(r["pid"] in pids for r in done)


def test_jobs_per_gpu_pins_each_worker_to_its_gpu(tmp_path, monkeypatch):
    monkeypatch.setattr(machine, "gpus", lambda: {"name": "fake", "count": 2})
    done = records(tmp_path, range(4), jobs_per_gpu=1)
    assert sorted(r["values"]["device"] for r in done) == [0, 0, 1, 1]
    assert len({r["values"]["pid"] for r in done}) == 2  # one worker per GPU
