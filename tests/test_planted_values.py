"""The real claims with wrong values planted, one or more per kind: each must fail, the rest pass."""
from helpers import CLAIMS, PLANTED


def test_every_static_claim_of_the_book_passes(static_run):
    """Passed, or a known erratum: of this stack (the summaries Keras 3 prints otherwise), or one its spec
    declares for every stack (a seeded scikit-learn value today's library computes otherwise)."""
    from claimcheck.runners.catalog import loader

    code, results, out = static_run
    assert code == 0
    declared = {c.id for c in loader.load(CLAIMS) if c.known_erratum}
    static = [r for r in results.values() if r["tier"] == "static"]
    unexpected = [(r["id"], r["reason"]) for r in static if r["status"] not in ("passed", "known-erratum")
                  or (r["status"] == "known-erratum" and not r["details"].get("variant") and r["id"] not in declared)]
    assert len(static) > 100 and not unexpected, unexpected
    record = next(iter(results.values()))
    for key in ("id", "kind", "status", "expected", "observed", "tolerance", "source", "duration_s", "environment"):
        assert key in record
    assert set(record["environment"]) >= {"python", "tensorflow", "keras", "backend", "device", "stack"}


def test_planted_values_fail_in_results_and_report(planted_run):
    code, results, out, _ = planted_run
    assert code == 1
    kinds = set()
    for claim_id in PLANTED:
        assert results[claim_id]["status"] == "failed", results[claim_id]
        kinds.add(results[claim_id]["kind"])
    # every kind that decides in the static tier, from the registry (a new kind is in without editing
    # this line); the stochastic kinds plant theirs in tests/test_kind_metric.py and test_kind_comparison.py
    from claimcheck.runners.kinds import registry

    assert kinds == {name for name, kind in registry().items() if not kind.stochastic}
    others = [r for i, r in results.items() if i not in PLANTED]
    assert all(r["status"] in ("passed", "known-erratum") for r in others if r["tier"] == "static")
    # above this run's tier: skipped, or decided from readers' runs where they name them
    assert all(r["status"] == "skipped" or r["evidence"] == "reader runs" for r in others if r["tier"] != "static")
    html = (out / "report.html").read_text()
    for claim_id in PLANTED:
        assert f'data-claim-id="{claim_id}" data-status="failed"' in html
        assert f'data-attention-id="{claim_id}" data-status="failed"' in html
    assert f'data-status="failed"><b>{len(PLANTED)}</b>' in html


def test_augmentation_claims_fail_on_what_the_layers_do(planted_run):
    _, results, _, _ = planted_run
    assert 0.4 < results["dlwp2.ch08.augmentation.flip"]["observed"] < 0.6
    low, high = results["dlwp2.ch08.augmentation.rotation"]["observed"]
    assert -0.105 < low < -0.095 and 0.095 < high < 0.105
    assert "-0.2" in results["dlwp2.ch08.augmentation.rotation"]["reason"]
