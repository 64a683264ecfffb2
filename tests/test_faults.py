"""Faults stay local: a training run that exits, hangs, segfaults or is killed makes only its own
claims errors, with the reason; the rest of the run finishes and writes results and report."""
import yaml

from helpers import LISTINGS, cli, results_of

FAULTS = {
    "ok": "import numpy as np\nacc = 0.96 + float(np.random.normal(0, 0.005))\n",
    "exits": "import sys\nsys.exit(3)\n",  # caught in the worker like any exception
    "dies": "import os\nos._exit(3)\n",  # the worker process ends without a word
    "segfaults": "import ctypes\nctypes.string_at(0)\n",
    "hangs": "import time\ntime.sleep(600)\n",
    "killed": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n",  # what the OOM killer does
}
REASONS = {
    "exits": "SystemExit: 3",
    "dies": "ended by status 3",
    "segfaults": "ended by SIGSEGV",
    "hangs": "no result after 40 s",
    "killed": "killed (SIGKILL: out of memory?)",
}


def test_each_fault_is_an_error_of_its_own_claims_only(tmp_path):
    claims = tmp_path / "claims"
    claims.mkdir()
    specs = []
    for name, code in FAULTS.items():
        (claims / f"{name}.py").write_text(code)
        specs.append({"id": f"f.{name}", "kind": "metric", "tier": "cpu", "reference": "r", "expected": "96%",
                      "measure": {"listings": [f"{name}.py"], "value": "acc", "seeds": {"cpu": 2}},
                      "source": {"stated": "x", "cite": [{"from": "derived", "quote": "q"}]}})
    # an in-process (static) listing that exits: caught like any exception
    (claims / "static_exits.py").write_text((LISTINGS / "listing_8_1.py").read_text() + "import sys\nsys.exit(4)\n")
    specs.append({"id": "f.static-exits", "kind": "param_count", "tier": "static", "expected": 104202,
                  "measure": {"listings": ["static_exits.py"], "object": "model"},
                  "source": {"stated": "x", "cite": [{"from": "derived", "quote": "q"}]}})
    (claims / "references.yaml").write_text(yaml.safe_dump({"references": {"r": {"values": [0.956, 0.960, 0.964]}}}))
    (claims / "f.yaml").write_text(yaml.safe_dump({"book": "t", "chapter": 8, "section": "8.1", "title": "t",
                                                   "claims": specs}))
    out = tmp_path / "out"
    proc = cli("verify", "--claims", claims, "--out", out, "--jobs", "2", "--timeout", "40", "--no-history",
               "--cache-dir", tmp_path / "cache", timeout=600)
    assert proc.returncode == 1, proc.stderr[-3000:]
    results = results_of(out)
    assert results["f.ok"]["status"] in ("passed", "inconclusive"), results["f.ok"]["reason"]
    for name, reason in REASONS.items():
        record = results[f"f.{name}"]
        assert record["status"] == "error", (name, record["status"])
        assert reason in record["reason"], (name, record["reason"])
    assert results["f.static-exits"]["status"] == "error" and "SystemExit: 4" in results["f.static-exits"]["reason"]
    assert (out / "report.html").is_file() and (out / "errata.md").is_file()
    assert len(list((tmp_path / "cache/runs").glob("*.json"))) == 2  # only the good runs are cached
