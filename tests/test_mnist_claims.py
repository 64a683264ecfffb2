"""The book's MNIST models trained on the real data: planted false accuracies fail."""
import json

import pytest
import yaml
from conftest import SHARED, run_cli

MIRROR = SHARED / "datasets"
PLANTED = {
    "dlwp2/ch08/8.1-mnist-convnet.yaml": ("dlwp2.ch08.convnet.test_acc.printed", "0.999"),
    "dlwp2/ch02/2.1-mnist-dense.yaml": ("dlwp2.ch02.dense.test_acc.printed", "0.90"),
}


@pytest.mark.skipif(not (MIRROR / "mnist").is_dir(), reason="the MNIST mirror is not here")
def test_planted_false_accuracies_fail_on_real_training(claims_copy, tmp_path):
    for rel, (claim_id, value) in PLANTED.items():
        path = claims_copy / rel
        text = path.read_text()
        doc = yaml.safe_load(text)
        [claim] = [c for c in doc["claims"] if c["id"] == claim_id]
        old = f'expected: "{claim["expected"]}"'
        assert text.count(old) >= 1
        # replace within that claim's block only
        start = text.index(f"id: {claim_id}")
        end = text.index(old, start)
        path.write_text(text[:end] + f'expected: "{value}"' + text[end + len(old):])
    out = tmp_path / "out"
    # the project's own training cache: runs a verify made earlier (CI runs verify first) are
    # reused, since planting changes what is expected, not the code that runs
    proc = run_cli("verify", "--claims", claims_copy, "--out", out, "-k", "test_acc.printed",
                   "--seeds", "2", "--data-dir", MIRROR, "--no-history")
    assert proc.returncode == 1, proc.stderr[-3000:]
    records = {r["id"]: r for r in json.loads((out / "results.json").read_text())["results"]}
    for _, (claim_id, value) in PLANTED.items():
        record = records[claim_id]
        assert record["expected"] == value
        assert record["status"] == "failed", record["reason"]
        assert len(record["details"]["summary"]["values"]) == 2
        assert record["environment"]["backend"]
    assert "training runs" in proc.stderr  # the plan printed before it starts
