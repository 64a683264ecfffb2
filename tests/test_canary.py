"""The canary (issue 38, item 3): `verify --canary` trains each selected claim's recorded reference on
its first seed again, without the cache, and says before anything else whether the value repeats to
the last digit; a difference is a finding about the machine, never a verdict, and a reference recorded
under other numerics is named, not compared."""
from __future__ import annotations

import json

import yaml

from helpers import cli, write

LISTING = "import numpy as np\nacc = 0.991 + float(np.random.normal(0, 0.0005))\n"
CITE = {"stated": "x", "cite": [{"from": "derived", "quote": "q"}]}


def tree(tmp_path, references: dict):
    claims = tmp_path / "claims"
    write(claims, "noisy.py", LISTING)
    write(claims, "references.yaml", yaml.safe_dump({"references": references}))
    spec = {"id": "s.acc", "kind": "metric", "tier": "cpu", "source": CITE, "reference": "ref.acc",
            "expected": "0.991", "cost": {"cpu_s": 1},
            "measure": {"listings": ["noisy.py"], "value": "acc", "seeds": {"cpu": 3}}}
    write(claims, "s.yaml", yaml.safe_dump({"book": "t", "chapter": 8, "section": "8.1", "title": "t",
                                           "claims": [spec]}))
    return claims


def recorded(tmp_path) -> dict:
    """The reference entry `claimcheck reference` prints for the claim, on this machine."""
    claims = tree(tmp_path, {"ref.acc": {"source": "recorded", "seeds": [0, 1], "values": [0.991, 0.992]}})
    done = cli("reference", "s.acc", "--name", "ref.acc", "--runs", "3", "--claims", claims,
               "--cache-dir", tmp_path / "ref-cache", "--jobs", "0", "-q")
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)["ref.acc"]


def verify(tmp_path, claims, *extra):
    out = tmp_path / "out"
    proc = cli("verify", "--claims", claims, "--tier", "cpu", "--jobs", "0", "--out", out, "--cache-dir",
               tmp_path / "cache", "--no-history", *extra)
    doc = json.loads((out / "results.json").read_text()) if (out / "results.json").is_file() else None
    return proc, doc


def test_a_recorded_first_run_repeats_and_a_planted_difference_is_told_first_never_as_a_verdict(tmp_path):
    entry = recorded(tmp_path)
    claims = tree(tmp_path, {"ref.acc": entry})
    plain, doc_plain = verify(tmp_path, claims)
    proc, doc = verify(tmp_path, claims, "--canary")
    assert proc.returncode == plain.returncode, proc.stderr[-2000:]
    [canary] = doc["run"]["canary"]
    assert canary["outcome"] == "same" and canary["seed"] == 100, canary
    assert round(canary["measured"], 6) == entry["values"][0]
    assert "canary: 1 same" in proc.stdout
    assert "canary" not in doc_plain["run"]  # only on request
    cached = sorted(p.name for p in (tmp_path / "cache/runs").glob("*.json"))
    assert len(cached) == 3  # the claim's seeds 0-2: the canary's run is neither read from nor written to the cache

    planted = {**entry, "values": [round(entry["values"][0] + 0.0001, 6), *entry["values"][1:]]}
    claims = tree(tmp_path, {"ref.acc": planted})
    proc, doc = verify(tmp_path, claims, "--canary")
    assert proc.returncode == plain.returncode  # a finding about the machine, never the book's verdict
    assert doc["results"][0]["status"] == doc_plain["results"][0]["status"]
    [canary] = doc["run"]["canary"]
    assert canary["outcome"] == "differs", canary
    lines = proc.stderr.splitlines()
    differs = next(i for i, line in enumerate(lines) if "numerics differ from the recording's" in line)
    assert differs < next(i for i, line in enumerate(lines) if "training runs (" in line)  # before the plan
    assert "canary: 1 differs (this machine's numerics" in proc.stdout
    html = (tmp_path / "out/report.html").read_text()
    assert 'id="canary"' in html and "did not repeat their value on this machine" in html


def test_a_reference_recorded_under_other_numerics_is_named_not_compared(tmp_path):
    entry = recorded(tmp_path)
    other = {**entry, "numerics": {**entry["numerics"], "threads": 16}}
    stack = {**entry, "environment": {**entry["environment"], "keras": "2.15.0"}}
    for planted, why in ((other, "recorded under other numerics (threads 16"),
                         (stack, "recorded on another stack: keras 2.15.0")):
        proc, doc = verify(tmp_path, tree(tmp_path, {"ref.acc": planted}), "--canary")
        [canary] = doc["run"]["canary"]
        assert canary["outcome"] == "not comparable" and why in canary["why"], canary
        assert canary["measured"] is None


def test_the_canary_is_run_once_not_by_each_shard(tmp_path):
    claims = tree(tmp_path, {"ref.acc": {"source": "recorded", "seeds": [100], "values": [0.991]}})
    proc, _ = verify(tmp_path, claims, "--canary", "--shard", "1/2")
    assert proc.returncode == 2 and "--canary with --shard" in proc.stderr, proc.stderr[-1000:]
