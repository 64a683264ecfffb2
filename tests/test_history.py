"""The results store: runs over time, regressions flagged, the nightly exit rule, concurrency."""
import json
import subprocess
import sys
import threading

import pytest

from claimcheck.runners.stores import history

from helpers import ROOT, cli, set_expected

SUBSET = "dlwp2.ch08.nopool."
TARGET = "dlwp2.ch08.nopool.params.total"


def plant(claims_dir, value):
    set_expected(claims_dir, "dlwp2/ch08/8.1.2-no-max-pooling.yaml", {TARGET: value})


def verify(claims, store, out, *extra, env=None):
    return cli("verify", "--claims", claims, "--history", store, "--out", out, "--tier", "static",
               "-k", SUBSET, "-q", *extra, env=env)


def test_two_backends_in_one_store_and_a_planted_change_is_flagged(claims_copy, tmp_path):
    pytest.importorskip("jax")
    store = tmp_path / "store"
    first = verify(claims_copy, store, tmp_path / "a", env={"KERAS_BACKEND": "tensorflow"})
    assert first.returncode == 0, first.stderr[-2000:]
    plant(claims_copy, 712203)
    second = verify(claims_copy, store, tmp_path / "b", env={"KERAS_BACKEND": "jax"})
    assert second.returncode == 1
    df = history.table(store)
    assert set(df["env.backend"]) == {"tensorflow", "jax"}
    assert df["run_id"].nunique() == 2 and (df["id"] == TARGET).sum() == 2

    shown = cli("history", "--store", store)
    assert shown.returncode == 0
    assert "tensorflow" in shown.stdout and "jax" in shown.stdout
    [line] = [row for row in shown.stdout.splitlines() if row.startswith(TARGET)]
    assert "PF" in line and "NEW-FAILURE" in line and "backend tensorflow -> jax" in line
    others = [row for row in shown.stdout.splitlines() if row.startswith(SUBSET) and not row.startswith(TARGET)]
    assert others and all(("PP" in row or "KK" in row) and "FAILURE" not in row for row in others)

    html = (tmp_path / "b/report.html").read_text()
    assert 'id="new-failures" data-count="1"' in html and 'class="spark"' in html


def test_nightly_rule_new_failure_fails_known_failure_does_not(claims_copy, tmp_path):
    store = tmp_path / "store"
    assert verify(claims_copy, store, tmp_path / "1", "--new-failures-only").returncode == 0
    plant(claims_copy, 1)
    new = verify(claims_copy, store, tmp_path / "2", "--new-failures-only")
    assert new.returncode == 1 and "1 new failures, 0 known failures" in new.stdout
    known = verify(claims_copy, store, tmp_path / "3", "--new-failures-only")
    assert known.returncode == 0 and "0 new failures, 1 known failures" in known.stdout
    html = (tmp_path / "3/report.html").read_text()
    assert 'id="new-failures" data-count="0"' in html and 'id="known-failures" data-count="1"' in html
    # without the nightly rule a known failure still fails the run
    assert verify(claims_copy, store, tmp_path / "4").returncode == 1


def test_concurrent_verify_runs_keep_every_record(tmp_path):
    store = tmp_path / "store"
    procs = [subprocess.Popen([sys.executable, "-m", "claimcheck.runners.cli", "verify", "--tier", "static", "-q",
                               "-k", SUBSET, "--history", str(store), "--out", str(tmp_path / f"o{i}")],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(2)]
    assert [p.wait(timeout=600) for p in procs] == [0, 0]
    df = history.table(store)
    per_run = len(json.loads((tmp_path / "o0/results.json").read_text())["results"])
    assert df["run_id"].nunique() == 2 and len(df) == 2 * per_run


def test_appends_from_many_threads_lose_nothing(tmp_path):
    record = {"id": "x", "kind": "param_count", "status": "passed", "environment": {"backend": "b"}}
    threads = [threading.Thread(target=history.append, args=({"run_id": f"r{i}"}, [record], tmp_path))
               for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(history.table(tmp_path)) == 32 and not list(tmp_path.glob(".*.tmp"))


def test_a_moved_distribution_is_flagged_with_the_environment_difference():
    before = {"status": "passed", "values": [0.990, 0.991, 0.9905, 0.9908], "env": {"backend": "tensorflow"}}
    now = {"id": "m", "status": "passed", "values": [0.985, 0.986, 0.9855, 0.9852], "env": {"backend": "jax"}}
    change = history.compare(now, before)
    assert change.flag == "moved" and "Welch t-test" in change.reason and "tensorflow -> jax" in change.reason
    same = history.compare({**now, "values": [0.9902, 0.9907, 0.9904, 0.991]}, before)
    assert same.flag == "unchanged"


def test_run_ids_are_unique_across_hosts_and_processes(tmp_path):
    from helpers import verify as run_verify

    ids = set()
    for i in range(2):
        run_verify(claims=ROOT / "claims", out=tmp_path / f"o{i}", tier="static", keyword=(TARGET,),
                   history=tmp_path / "store")
        ids.add(json.loads((tmp_path / f"o{i}/results.json").read_text())["run"]["run_id"])
    assert len(ids) == 2 and all(len(i) == 32 for i in ids)  # uuid4 hex


def test_an_exploratory_run_is_never_compared_and_never_a_new_failure():
    import pandas as pd

    rows = [
        {"run_id": "r1", "exploratory": False, "seeded": False, "id": "m", "status": "passed", "values": [0.99, 0.991]},
        {"run_id": "r2", "exploratory": True, "seeded": True, "id": "m", "status": "failed", "values": [0.9, 0.91]},
        {"run_id": "r3", "exploratory": False, "seeded": False, "id": "m", "status": "passed", "values": [0.99, 0.992]},
    ]
    df = pd.DataFrame(rows)
    [explored] = history.changes(df, "r2")
    assert explored.flag == "exploratory" and not explored.new_failure
    [after] = history.changes(df, "r3")
    assert after.previous_status == "passed" and after.flag == "unchanged"  # compared with r1, not r2


def test_a_claim_that_turns_inconclusive_is_a_change_the_nightly_reports():
    before = {"status": "passed", "values": [0.991, 0.990, 0.992], "env": {}}
    now = {"id": "c", "status": "inconclusive", "values": [0.993, 0.994, 0.992], "env": {}}
    change = history.compare(now, before)
    assert change.flag == "new-inconclusive" and change.new_failure
    assert "passed -> inconclusive" in change.reason
    still = history.compare(now, {**before, "status": "inconclusive"})
    assert still.flag == "unchanged" and not still.new_failure
