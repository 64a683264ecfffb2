"""The real claims with one wrong value planted per kind: `claimcheck verify` must fail each."""
import json

import yaml
from conftest import run_cli

PLANTS = {
    # file, claim id, new expected value
    "dlwp2/ch08/8.1-mnist-convnet.yaml": {"dlwp2.ch08.convnet.conv2d_1.shape": [None, 12, 12, 64],
                                          "dlwp2.ch08.convnet.params.total": 104201},
    "dlwp2/ch08/8.1.2-no-max-pooling.yaml": {"dlwp2.ch08.nopool.rf.conv2d_5": [9, 9]},
    "dlwp2/ch08/8.1.1-convolution-arithmetic.yaml": {"dlwp2.ch08.arith.same-keeps-size": [3, 3]},
    # sections 8.2-8.3
    "dlwp2/ch08/8.2-dogs-vs-cats-from-scratch.yaml": {"dlwp2.ch08.scratch.conv2d_4.shape": [None, 9, 9, 256],
                                                      "dlwp2.ch08.scratch.params.total": 991040,
                                                      "dlwp2.ch08.augmentation.zoom": ["RandomZoom", 0.3]},
    "dlwp2/ch08/8.3-pretrained-vgg16.yaml": {"dlwp2.ch08.vgg16.base.output_shape": [None, 6, 6, 512],
                                             "dlwp2.ch08.vgg16.base.params": 15000000,
                                             "dlwp2.ch08.vgg16.trainable_before_freezing": 25,
                                             "dlwp2.ch08.vgg16.fine_tuning_trainable": 8},
}


def plant(claims_dir):
    for rel, planted in PLANTS.items():
        changes = dict(planted)  # PLANTS itself stays whole for the next test
        path = claims_dir / rel
        doc = yaml.safe_load(path.read_text())
        for claim in doc["claims"]:
            if claim["id"] in changes:
                claim["expected"] = changes.pop(claim["id"])
        assert not changes, f"claims not found in {rel}: {changes}"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))


def test_planted_values_fail_in_results_and_report(claims_copy, tmp_path):
    planted = {i for changes in PLANTS.values() for i in changes}
    plant(claims_copy)
    out = tmp_path / "out"
    proc = run_cli("verify", "--claims", claims_copy, "--out", out, "--tier", "static")
    assert proc.returncode == 1, proc.stderr[-2000:]
    records = {r["id"]: r for r in json.loads((out / "results.json").read_text())["results"]}
    for claim_id in planted:
        assert records[claim_id]["status"] == "failed", records[claim_id]
    others = [r for i, r in records.items() if i not in planted]
    assert others and all(r["status"] == "passed" for r in others if r["tier"] == "static")
    assert all(r["status"] == "skipped" for r in others if r["tier"] != "static")  # above this run's tier
    html = (out / "report.html").read_text()
    for claim_id in planted:
        assert f'data-claim-id="{claim_id}" data-status="failed"' in html
    assert f'data-status="failed"><b>{len(planted)}</b>' in html
    assert "FAILED" in proc.stderr  # progress lines name the failures


def test_unplanted_claims_pass_and_exit_zero(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("verify", "--out", out, "--tier", "static")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    doc = json.loads((out / "results.json").read_text())
    static = [r for r in doc["results"] if r["tier"] == "static"]
    assert len(static) > 40 and all(r["status"] == "passed" for r in static)
    assert doc["run"]["counts"]["failed"] == doc["run"]["counts"]["error"] == 0
    record = doc["results"][0]
    for key in ("id", "kind", "status", "expected", "observed", "tolerance", "source", "duration_s",
                "environment"):
        assert key in record
    assert set(record["environment"]) >= {"python", "tensorflow", "keras", "backend", "device"}
