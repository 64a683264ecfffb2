"""The book's MNIST models trained on the real data (5 seeds, the spec's count): the rule tells
values a run gives from values it does not.

The runs are those `tox -e verify` trained and cached: the test reads a private copy of that
cache (conftest.mnist_cache), so it trains only what is missing there.
"""
import pytest
import yaml

from helpers import MIRROR, needs_mirror, verify

DENSE = ["../ch02/listings/listing_2_1.py", "../ch02/listings/listing_2_2.py", "../ch02/listings/listing_2_3.py",
         "../ch02/listings/listing_2_4.py", "../ch02/listings/listing_2_5.py", "../ch02/listings/listing_2_6.py",
         "../ch02/listings/listing_2_7.py"]
CONVNET = ["listings/listing_8_1.py", "listings/listing_8_3.py", "listings/listing_8_4.py"]
STATED = {
    # (model, stated value): the verdicts the rule must give
    ("dense", "0.9785"): {"passed"},  # the book
    ("convnet", "0.991"): {"passed"},  # the book
    ("dense", "0.9715"): {"failed", "inconclusive"},  # 4 sd and more off: not passed
    ("convnet", "0.988"): {"failed", "inconclusive"},
    ("dense", "0.967"): {"failed"},  # more than 6 sd off
    ("convnet", "0.987"): {"failed"},
    ("dense", "0.90"): {"failed"},
    ("convnet", "0.999"): {"failed"},
}


def spec(values: dict) -> dict:
    claims = []
    for (model, stated) in values:
        claims.append({
            "id": f"planted.{model}.{stated}", "kind": "metric", "tier": "cpu", "requires": ["mnist"],
            "measure": {"listings": DENSE if model == "dense" else CONVNET, "value": "test_acc",
                        "seeds": {"cpu": 5, "gpu": 10}},
            "expected": stated, "reference": f"mnist.{model}.test_acc",
            "source": {"stated": stated, "cite": [{"from": "derived", "quote": "a planted value"}]}})
    return {"book": "dlwp2", "chapter": 8, "section": "8.1", "title": "planted", "claims": claims}


@pytest.mark.training
@needs_mirror
def test_stated_values_near_and_far_from_what_the_code_gives(claims_copy, mnist_cache, tmp_path):
    (claims_copy / "dlwp2/ch08/planted.yaml").write_text(yaml.safe_dump(spec(STATED), sort_keys=False))
    code, results = verify(claims=claims_copy, out=tmp_path / "out", keyword=("planted.",), data_dir=MIRROR,
                           cache_dir=mnist_cache, no_history=True)
    assert code == 1
    for (model, stated), allowed in STATED.items():
        record = results[f"planted.{model}.{stated}"]
        assert record["status"] in allowed, (model, stated, record["status"], record["reason"])
        assert len(record["details"]["summary"]["values"]) == 5
        assert record["details"]["operating_characteristic"]
    assert results["planted.dense.0.9785"]["details"]["reference"]["name"] == "mnist.dense.test_acc"
