"""Worker processes: --jobs N in parallel, --jobs-per-gpu K pinned to each GPU."""
from claimcheck.runners.engine.executor import Executor
from claimcheck.runners.environment import machine
from claimcheck.runners.spec.listings import Program

from helpers import settings, write

LISTING = ("import os, time\nstart = time.time()\ntime.sleep(1)\nend = time.time()\n"
           "device = int(os.environ.get('CUDA_VISIBLE_DEVICES', '-1'))\npid = os.getpid()\n")


def records(tmp_path, seeds, **values):
    program = Program((write(tmp_path, "l.py", LISTING),))
    executor = Executor(settings(cache_dir=tmp_path / "cache", **values))
    try:
        jobs = [executor.job(program, seed, (), ["device", "pid", "start", "end"]) for seed in seeds]
        executor.run_jobs(jobs)
        return [executor.record(job) for job in jobs]
    finally:
        executor.close()


def most_at_once(done) -> int:
    """The most runs that were training at one moment."""
    events = sorted([(r["values"]["start"], 1) for r in done] + [(r["values"]["end"], -1) for r in done])
    now = most = 0
    for _, step in events:
        now += step
        most = max(most, now)
    return most


def test_jobs_run_in_parallel_each_in_a_fresh_process(tmp_path):
    done = records(tmp_path, range(4), jobs=2)
    pids = {r["values"]["pid"] for r in done}
    assert len(pids) == 4  # one process per run: no listing's global state reaches another run
    assert all(r["pid"] in pids for r in done)
    assert most_at_once(done) == 2  # two at a time, as --jobs 2 says


def test_jobs_per_gpu_pins_each_worker_to_its_gpu(tmp_path, monkeypatch):
    monkeypatch.setattr(machine, "gpus", lambda: {"name": "fake", "count": 2})
    done = records(tmp_path, range(4), jobs_per_gpu=1)
    assert sorted(r["values"]["device"] for r in done) == [0, 0, 1, 1]
    assert most_at_once(done) == 2  # one worker per GPU, the two GPUs at once
