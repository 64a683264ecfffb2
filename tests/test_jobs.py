"""Worker processes: --jobs N in parallel, --jobs-per-gpu K pinned to each GPU."""
import pytest

from claimcheck.runners.claim.listings import Program
from claimcheck.runners.engine import devices
from claimcheck.runners.engine.executor import Executor, RunFailed
from claimcheck.runners.environment import machine

from helpers import settings, write

# runs: how many runs this interpreter has seen (a run in a fresh process sees 1); the pid is the
# process's in its own pid namespace where the run is confined (the same for every run there)
LISTING = ("import os, sys, time\nstart = time.time()\ntime.sleep(4)\nend = time.time()\n"
           "device = int(os.environ.get('CUDA_VISIBLE_DEVICES', '-1'))\npid = os.getpid()\n"
           "runs = getattr(sys, 'claimcheck_runs', 0) + 1\nsys.claimcheck_runs = runs\n")


def records(tmp_path, seeds, **values):
    program = Program((write(tmp_path, "l.py", LISTING),))
    executor = Executor(settings(cache_dir=tmp_path / "cache", **values))
    try:
        jobs = [executor.job(program, seed, (), ["device", "pid", "start", "end", "runs"]) for seed in seeds]
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
    # one process per run: no listing's global state reaches another run
    assert [r["values"]["runs"] for r in done] == [1, 1, 1, 1]
    assert all(r["pid"] == r["values"]["pid"] for r in done)  # the record is the process's that ran it
    assert most_at_once(done) == 2  # two at a time, as --jobs 2 says


def test_jobs_per_gpu_pins_each_worker_to_its_gpu(tmp_path, monkeypatch):
    monkeypatch.setattr(machine, "gpus", lambda: {"name": "fake", "count": 2})
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    # these GPUs are fake: the workers compute on the CPU, which --allow-cpu permits
    done = records(tmp_path, range(4), jobs_per_gpu=1, allow_cpu=True)
    assert sorted(r["values"]["device"] for r in done) == [0, 0, 1, 1]
    assert most_at_once(done) == 2  # one worker per GPU, the two GPUs at once
    assert {r["device"]["platform"] for r in done} == {"cpu"}  # where each really computed, recorded


def test_workers_subdivide_the_parents_visible_devices(tmp_path, monkeypatch):
    """Slurm gave this job GPUs 5 and 7: the workers get 5 and 7, never 0 and 1."""
    monkeypatch.setattr(machine, "gpus", lambda: {"name": "fake", "count": 2})
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "5,7")
    done = records(tmp_path, range(4), jobs_per_gpu=1, allow_cpu=True)
    assert sorted(r["values"]["device"] for r in done) == [5, 5, 7, 7]
    assert {r["device"]["cuda_visible_devices"] for r in done} == {"5", "7"}


def test_a_worker_given_a_gpu_that_lands_on_the_cpu_is_an_error_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(machine, "gpus", lambda: {"name": "fake", "count": 1})
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    program = Program((write(tmp_path, "l.py", LISTING),))
    executor = Executor(settings(cache_dir=tmp_path / "cache", jobs_per_gpu=1))
    try:
        job = executor.job(program, 0, (), ["pid"])
        with pytest.raises(RunFailed, match=r"worker pid \d+ on .* was given GPU 0 \(CUDA_VISIBLE_DEVICES=0\) "
                                             r"but the \w+ backend computes on the CPU"):
            executor.record(job)
        assert not executor.cache.path(job.key).exists()  # never cached as a GPU run
    finally:
        executor.close()


@pytest.mark.parametrize("given, expected", [
    (None, ["0", "1", "2"]),  # unset: the backend's GPUs by index
    ("2,3", ["2", "3"]),
    ("GPU-8f1c2d3e-aaaa-bbbb-cccc-0123456789ab,GPU-11111111-2222-3333-4444-555555555555",
     ["GPU-8f1c2d3e-aaaa-bbbb-cccc-0123456789ab", "GPU-11111111-2222-3333-4444-555555555555"]),
    ("MIG-4b2e0000-1111-2222-3333-444455556666,MIG-GPU-8f1c2d3e-aaaa-bbbb-cccc-0123456789ab/1/0",
     ["MIG-4b2e0000-1111-2222-3333-444455556666", "MIG-GPU-8f1c2d3e-aaaa-bbbb-cccc-0123456789ab/1/0"]),
    (" 1 , 0 ", ["1", "0"]),  # the machine's order, spaces dropped
    ("", []), ("-1", []), ("0,-1,1", ["0"]),  # CUDA stops at the first invalid entry
])
def test_the_visible_devices_are_the_parents_own_view(given, expected):
    env = {} if given is None else {"CUDA_VISIBLE_DEVICES": given}
    assert devices.visible(env, count=3) == expected
    pools = devices.pools(settings(jobs_per_gpu=2), env, count=3)
    assert [p[1].get("CUDA_VISIBLE_DEVICES") for p in pools] == (expected or [None])
    assert all(p[0] == 2 for p in pools)
    assert devices.worker_count(settings(jobs_per_gpu=2), env, count=3) == 2 * max(1, len(expected))
    assert all(p[1]["TF_FORCE_GPU_ALLOW_GROWTH"] == "true" and p[1]["CUBLAS_WORKSPACE_CONFIG"] for p in pools)
