"""`pytest claims/` and `claimcheck verify` run one core: their verdicts must agree."""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import yaml

from conftest import ROOT, run_cli
from test_planted_values import plant


def junit_outcomes(path):
    outcomes = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        tags = {child.tag for child in case}
        outcome = ("failed" if "failure" in tags else "error" if "error" in tags
                   else "skipped" if "skipped" in tags else "passed")
        outcomes[case.get("name")] = outcome
    return outcomes


def test_pytest_items_agree_with_verify(claims_copy, tmp_path):
    plant(claims_copy)
    # one broken claim too: an error in both
    broken = claims_copy / "dlwp2/ch08/8.1-mnist-convnet.yaml"
    doc = yaml.safe_load(broken.read_text())
    [claim] = [c for c in doc["claims"] if c["id"] == "dlwp2.ch08.convnet.dense.shape"]
    claim["measure"]["layer"] = "dense_9"
    broken.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))

    out = tmp_path / "verify"
    run_cli("verify", "--claims", claims_copy, "--out", out, "--tier", "static", "-q")
    verdicts = {r["id"]: r["status"] for r in json.loads((out / "results.json").read_text())["results"]}

    junit = tmp_path / "junit.xml"
    proc = subprocess.run([sys.executable, "-m", "pytest", str(claims_copy), "-p", "no:cacheprovider",
                           "-q", f"--junitxml={junit}", "--claim-tier=static", "-n", "2",
                           f"--rootdir={claims_copy.parent}"],
                          capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert junit_outcomes(junit) == verdicts
    assert set(verdicts.values()) == {"passed", "failed", "error", "skipped"}


def test_tier_markers_select_claims(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "claims"), "-p", "no:cacheprovider",
                           "--collect-only", "-q", "-m", "static and not static"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "no tests collected" in proc.stdout or "deselected" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "claims"), "-p", "no:cacheprovider",
                           "--collect-only", "-q", "-m", "static", "-k", "nopool"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    from runners import specs

    expected = sum(1 for c in specs.load(ROOT / "claims") if c.tier == "static" and "nopool" in c.id)
    assert expected > 10
    assert f"{expected}/" in proc.stdout.splitlines()[-1], proc.stdout[-500:]
