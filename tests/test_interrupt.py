"""Ctrl-C writes every verdict decided before it: static claims already shown stay as shown."""
import json
import os
import signal
import time

import yaml

from helpers import terminal_job, write


def test_ctrl_c_keeps_the_static_claims_decided_before_it(tmp_path):
    claims = tmp_path / "claims"
    write(claims, "fast.py", "x = [1, 2, 3]\n")
    write(claims, "slow.py", "import time\ntime.sleep(300)\nx = [1, 2, 3]\n")
    cite = {"stated": "x", "cite": [{"from": "book", "quote": "q"}]}
    doc = {"book": "b", "chapter": 1, "section": "1.1", "title": "t", "claims": [
        {"id": f"i.{name}", "kind": "listing_value", "tier": "static", "expected": [1, 2, 3], "source": cite,
         "measure": {"listings": [f"{name}.py"], "value": "x"}} for name in ("fast", "slow")]}
    write(claims, "spec.yaml", yaml.safe_dump(doc, sort_keys=False))
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "CLAIMCHECK_JOBS"}
    proc = terminal_job(["verify", "--claims", claims, "--tier", "static", "--out", out, "--no-history"], env=env)
    seen = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        seen.append(line)
        if "PASSED" in line and "i.fast" in line or not line:
            break
    assert any("PASSED" in line and "i.fast" in line for line in seen), "".join(seen)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    _, err = proc.communicate(timeout=120)  # it stops in seconds; 120 s: 2 cores under a parallel test run
    assert proc.returncode == 130, "".join(seen) + err
    results = {r["id"]: r for r in json.loads((out / "results.json").read_text())["results"]}
    assert results["i.fast"]["status"] == "passed", results["i.fast"]  # as the console showed it
    assert results["i.slow"]["status"] == "error"
    assert "wrote the 1 claims decided before it" in err, err
