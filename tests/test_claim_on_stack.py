"""A claim as written and a claim for this run's stack: resolved once, by type; settings that stay put."""
import dataclasses

import pytest

from claimcheck.runners.claim.schema import Claim
from claimcheck.runners.claim.variants import ClaimOnStack, on_stack
from claimcheck.runners.claim.verdict import Status
from claimcheck.runners.core import settings as settings_mod
from claimcheck.runners.engine.session import Session

from helpers import make_claim, run, settings

LISTING = "x = [2, 3]\n"
TAGS = ("keras3-tensorflow", "keras3", "tensorflow")


def shape_claim(tmp_path, **fields):
    return make_claim(tmp_path, "listing_value", {"value": "x"}, [2, 3], listing=LISTING, **fields)


def test_a_variant_for_the_stack_is_applied_and_named(tmp_path):
    written = shape_claim(tmp_path, variants={"keras3": {"expected": [3, 2], "why": "a planted variant"}})
    claim = on_stack(written, TAGS)
    assert isinstance(claim, ClaimOnStack) and not isinstance(written, ClaimOnStack)
    assert claim.expected == [3, 2] and written.expected == [2, 3]  # the written claim is unchanged
    assert claim.variant == {"stack": "keras3", "why": "a planted variant"} and claim.stack == "keras3-tensorflow"
    assert on_stack(claim, TAGS) is claim  # once: a resolved claim is not resolved again
    with pytest.raises(ValueError, match="resolved for the stack 'keras3-tensorflow'"):
        on_stack(claim, ("keras2-tensorflow", "keras2", "tensorflow"))


def test_a_variant_for_another_stack_leaves_the_claim_as_written(tmp_path):
    written = shape_claim(tmp_path, variants={"keras2": {"expected": [3, 2], "why": "other stack"}})
    claim = on_stack(written, TAGS)
    assert claim.variant is None and claim.expected == [2, 3]
    assert {f.name: getattr(claim, f.name) for f in dataclasses.fields(Claim)} == dataclasses.asdict(written)


def test_the_session_takes_claims_in_once_and_the_result_records_the_variant(tmp_path):
    session = Session(settings(tier="static"))
    try:
        stack = session.tags[1]  # keras3 here, keras2 on TF 2.15: the test holds on either stack
        written = shape_claim(tmp_path, variants={stack: {"expected": [3, 2], "why": "planted: wrong here"}})
        [taken] = session.take([written])
        assert isinstance(taken, ClaimOnStack) and taken.variant["stack"] == stack
        result = session.run_claim(taken)
    finally:
        session.close()
    # the variant's (false) value was the one checked, and the result says which variant applied
    assert result.status is Status.FAILED
    assert result.details["variant"] == {"stack": stack, "why": "planted: wrong here"}
    assert result.expected == [2, 3]  # the result states the book's value; the variant's was measured against
    assert run(shape_claim(tmp_path / "plain")).status is Status.PASSED


def test_settings_are_frozen_and_their_defaults_written_once():
    s = settings_mod.resolve({}, env={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.tier = "gpu"
    assert dataclasses.replace(s, tier="gpu").tier == "gpu" and s.tier == "cpu"
    fields = {f.name: f.default for f in dataclasses.fields(settings_mod.Settings)}
    assert [o.name for o in settings_mod.OPTIONS] == list(fields)
    for option in settings_mod.OPTIONS:
        assert option.default == fields[option.name]
    assert s == settings_mod.Settings()  # nothing given: every field its one default


def test_a_shard_index_from_the_job_engine_is_resolved_into_a_copy(monkeypatch):
    monkeypatch.setenv("SLURM_ARRAY_TASK_ID", "2")
    monkeypatch.setenv("SLURM_ARRAY_TASK_MIN", "1")
    given = settings(shard=("auto", 3))
    session = Session(given)
    try:
        assert session.settings.shard == (2, 3) and given.shard == ("auto", 3)
    finally:
        session.close()


def test_a_variant_of_the_wrong_type_is_the_claims_error_not_the_runs(tmp_path):
    written = shape_claim(tmp_path, check=False, variants={"keras3": {"measure": 5, "why": "a careless edit"}})
    claim = on_stack(written, TAGS)
    assert claim.variant is None and claim.problems == ["variants.keras3.measure: expected a mapping, got int"]
    result = run(written)  # through a session: an error naming the field, and the run goes on
    assert result.status is Status.ERROR and "variants.keras3.measure" in result.reason


def test_a_claim_on_its_stack_reads_its_references_once_whatever_its_kind_asks(tmp_path, monkeypatch):
    """Issue 37, item 2: a metric's hooks (plan, pending, scale, the verdict) ask for its references
    several times; the claim on its stack reads references.yaml once, and a comparison's two sides too."""
    from claimcheck.runners.claim import references

    listing = "import numpy as np\nacc = 0.991 + float(np.random.normal(0, 0.0005))\nerr = 1 - acc\n"
    refs = {"r": {"source": "recorded", "seeds": [100, 101, 102], "values": [0.9905, 0.9912, 0.9909]},
            "e": {"source": "recorded", "seeds": [100, 101, 102], "values": [0.0095, 0.0088, 0.0091]}}
    metric = make_claim(tmp_path, "metric", {"value": "acc", "seeds": {"cpu": 3}}, "0.991", listing=listing,
                        claim_id="m", tier="cpu", references=refs, reference="r")
    reads = []
    real = references.load_yaml
    monkeypatch.setattr(references, "load_yaml", lambda path, *a, **k: reads.append(path) or real(path, *a, **k))
    session = Session(settings(tier="cpu", cache_dir=tmp_path / "cache"))
    try:
        [claim] = session.take([metric])
        session.plan([claim])
        result = session.run_claim(claim)
        assert result.status in (Status.PASSED, Status.INCONCLUSIVE, Status.FAILED), result.reason  # decided
    finally:
        session.close()
    assert [p.name for p in reads] == ["references.yaml"], reads
    again = on_stack(metric, TAGS)
    assert again is not claim and again.references == claim.references  # a new resolution reads it anew
    assert len(reads) == 2
