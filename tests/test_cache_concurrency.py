"""One training cache, several processes: each run trains once, nothing is lost, nothing half-read.

Real `claimcheck verify` processes, real Keras training (the book's dense network on the real
MNIST, one epoch instead of five: the substitution is declared in the spec) on one empty cache.
"""
import json
import os
import signal
import subprocess
import sys
import time

import yaml

from helpers import CLAIMS, MIRROR, needs_mirror, results_of

DENSE = [CLAIMS / f"dlwp2/ch02/listings/listing_2_{n}.py" for n in (1, 2, 3, 4, 5, 7)]


def spec(folder, listing=None, seeds=2):
    """Two claims on the same runs (test accuracy, training accuracy); or on a listing of ours."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in DENSE:  # copied into the test's tree: a spec names listings inside its own tree
        (folder / path.name).write_text(path.read_text())
    measure = {"listings": [p.name for p in DENSE], "substitute": {"epochs=5": "epochs=1"}, "seeds": {"cpu": seeds}}
    if listing is not None:
        (folder / "slow.py").write_text(listing)
        measure = {"listings": ["slow.py"], "seeds": {"cpu": seeds}}
    refs = {"references": {"r": {"values": [0.959, 0.960, 0.961]}}}  # sd 0.001: seeds that vary less are an error of seeding
    pairs = ([("test", "test_acc"), ("train", "model.history.history['accuracy'][-1]")] if listing is None
             else [("test", "acc")])
    claims = [{"id": f"c.{name}", "kind": "metric", "tier": "cpu", "reference": "r", "expected": "96%",
               "measure": {**measure, "value": value},
               "source": {"stated": "x", "cite": [{"from": "derived", "quote": "q"}]}} for name, value in pairs]
    (folder / "references.yaml").write_text(yaml.safe_dump(refs))
    (folder / "c.yaml").write_text(yaml.safe_dump({"book": "t", "chapter": 2, "section": "2.1", "title": "t",
                                                   "claims": claims}))
    return folder


def start(claims, cache, out, env=None):
    return subprocess.Popen(
        [sys.executable, "-m", "claimcheck.runners.cli", "verify", "--claims", str(claims), "--cache-dir",
         str(cache), "--out", str(out), "--no-history", "--data-dir", str(MIRROR), "-q", "--jobs", "1"],
        env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@needs_mirror
def test_three_processes_on_one_empty_cache_train_each_run_once(tmp_path):
    claims, cache = spec(tmp_path / "claims"), tmp_path / "cache"
    procs = [start(claims, cache, tmp_path / f"out{i}") for i in range(3)]
    for p in procs:
        p.wait(timeout=900)
    trained, records = 0, []
    for i in range(3):
        results = results_of(tmp_path / f"out{i}")
        assert set(results) == {"c.test", "c.train"}  # nothing lost
        assert all(r["status"] in ("passed", "failed", "inconclusive") for r in results.values()), results
        runs = results["c.test"]["details"]["runs"]
        trained += sum(not r["cached"] for r in runs)
        records.append([r["value"] for r in runs])
    keys = list((cache / "runs").glob("*.json"))
    assert len(keys) == 2 and trained == len(keys)  # trainings == keys
    assert records[0] == records[1] == records[2]  # every process read the same runs
    assert all(json.loads(k.read_text())["complete"] for k in keys)
    assert not list((cache / "runs").glob(".*.tmp"))


SLOW = ("import os, time\nimport numpy as np\ntime.sleep(float(os.environ.get('SLOW', '0')))\n"
        "acc = 0.96 + float(np.random.normal(0, 0.005))\n")


def test_a_process_killed_mid_run_leaves_its_lock_free_and_no_partial_record(tmp_path):
    claims, cache = spec(tmp_path / "claims", SLOW, seeds=2), tmp_path / "cache"
    victim = start(claims, cache, tmp_path / "victim", env={"SLOW": "120"})
    deadline = time.time() + 120
    while time.time() < deadline and not list((cache / "locks").glob("*.lock")):
        time.sleep(0.5)
    time.sleep(3)  # it holds the first run's lock and is training
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=60)
    assert not list((cache / "runs").glob("*.json"))  # it wrote nothing, not even half a record

    started = time.time()
    after = start(claims, cache, tmp_path / "after", env={"SLOW": "0"})
    assert after.wait(timeout=300) in (0, 1), after.stderr
    assert time.time() - started < 120  # it did not wait for the dead process
    results = results_of(tmp_path / "after")
    assert [r["cached"] for r in results["c.test"]["details"]["runs"]] == [False, False]

    # a record cut short (a disk full, a copy interrupted) is never read: the run is trained again
    record = sorted((cache / "runs").glob("*.json"))[0]
    record.write_text(record.read_text()[:40])
    again = start(claims, cache, tmp_path / "again")
    assert again.wait(timeout=300) in (0, 1), again.stderr
    runs = results_of(tmp_path / "again")["c.test"]["details"]["runs"]
    assert sorted(r["cached"] for r in runs) == [False, True]
    assert json.loads(record.read_text())["complete"] is True
