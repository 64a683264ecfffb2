"""Readers' runs as evidence, against careless and hostile input: repeats count once, one repository is
one environment, every run says where it is stored, impossible values are refused, a verdict from
reader runs is never a plain PASSED and always needs attention, and one run cannot decide it."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest
import scipy.stats

from claimcheck.runners import stats
from claimcheck.runners.claim import readers
from claimcheck.runners.claim.references import recorded
from claimcheck.runners.claim.verdict import Status

from helpers import CLAIMS, cli, make_claim, results_of, run, write

READERS_REF = {"source": "readers", "runs": "readers/runs.jsonl", "program": "p", "quantity": "q.test_acc"}
RUNS = CLAIMS / "dlwp2/readers/runs.jsonl"


def record(value, repo, commit, path="ch08.ipynb", quantity="q.test_acc"):
    return {"repo": repo, "path": path, "commit": commit, "date": "2023-01-01", "program": "p",
            "quantity": quantity, "value": value, "printed": f"acc: {value}", "env": "colab-metadata",
            "clean": True, "same_code": True, "copies": 1}


def runs(values, start=0):
    """One run a repository: reader<i>/notebooks at commit <i>."""
    return [record(v, f"reader{i}/notebooks", f"{i:040x}") for i, v in enumerate(values, start=start)]


def runs_text(records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def evidence_claim(tmp_path, expected, records, listing=None):
    write(tmp_path / "claims/readers", "runs.jsonl", runs_text(records))
    return make_claim(tmp_path, "metric", {"value": "acc", "seeds": {"gpu": 5}, **({} if listing else {"listings": []})},
                      expected, listing=listing, tier="gpu", requires=["dogs_vs_cats"],
                      references={"r": READERS_REF}, reference="r", evidence="r")


# twenty runs of sd 0.01 at their normal quantiles: none an outlier the screen would leave out
VALUES = [round(0.8 + 0.01 * z, 4) for z in scipy.stats.norm.ppf((np.arange(20) + 0.5) / 20)]


# --- repeats and environments -----------------------------------------------------------------------

def test_thirty_copies_of_two_runs_decide_what_the_two_runs_decide(tmp_path):
    two = runs([0.80, 0.81])
    once = run(evidence_claim(tmp_path / "once", "80.5%", two))
    repeated = run(evidence_claim(tmp_path / "repeated", "80.5%", two * 30))
    assert repeated.status is once.status is Status.INCONCLUSIVE, (once.reason, repeated.reason)
    about = repeated.details["evidence"]
    assert (about["records"], about["distinct"], about["runs"]) == (60, 2, 2)
    assert repeated.details["summary"]["n"] == once.details["summary"]["n"] == 2


def test_copies_in_one_repository_and_copied_notebooks_count_once():
    base = record(0.9786, "someone/class", "6ff3a8000000")
    copies = [base,
              {**base, "path": "Copy_of_ch08.ipynb"},  # a Copy_of_ notebook holding the same value
              {**base, "commit": "0417f5300000", "value": 0.978600025177002},  # another commit, same value
              {**base, "repo": "fork/class"},  # a fork: the same commit, path and value
              {**base, "value": 0.9799, "commit": "ff2489000000"}]  # a second run of the same repository
    found = [readers.Run(r["value"], r["repo"], r["path"], r["commit"], r["date"], r["printed"], r["env"])
             for r in copies]
    assert len(readers.distinct(found)) == 2
    [env] = readers.environments(found)  # one repository: one environment, the median of its runs
    assert env.repo == "someone/class" and env.value == pytest.approx((0.9786 + 0.9799) / 2)
    about = readers.describe(found)
    assert (about["records"], about["distinct"], about["runs"]) == (5, 2, 1)


def test_the_real_runs_count_each_repository_once():
    refs = recorded(str(CLAIMS / "dlwp2/ch08/x.yaml"))
    about = refs["readers.dogs.augmented.test_acc"]["readers"]
    assert (about["records"], about["distinct"], about["runs"]) == (17, 17, 14)
    assert len(refs["readers.dogs.augmented.test_acc"]["values"]) == 14
    repos = [e["repo"] for e in about["environments"]]
    assert len(repos) == len({r.lower() for r in repos})
    dense = refs["readers.mnist.dense.test_acc"]["readers"]
    assert (dense["records"], dense["runs"]) == (75, 47)


# --- what a record must hold ------------------------------------------------------------------------

@pytest.mark.parametrize("change, problem", [
    ({"repo": ""}, "runs.jsonl:2: repo '' is not a repository owner/name"),
    ({"repo": "no-owner"}, "runs.jsonl:2: repo 'no-owner' is not a repository owner/name"),
    ({"commit": ""}, "runs.jsonl:2: commit '' is not a git commit hash"),
    ({"commit": "HEAD"}, "runs.jsonl:2: commit 'HEAD' is not a git commit hash"),
    ({"value": -0.5}, "runs.jsonl:2: value -0.5 is outside the possible range [0, 1] of quantity 'q.test_acc'"),
    ({"value": 99.9}, "runs.jsonl:2: value 99.9 is outside the possible range [0, 1]"),
    ({"value": -0.1, "quantity": "q.val_loss"}, "runs.jsonl:2: value -0.1 is outside the possible range [0, inf]"),
    ({"value": 101.0, "quantity": "q.test_acc_pct"}, "runs.jsonl:2: value 101.0 is outside the possible range [0, 100]"),
    ({"copies": 0}, "runs.jsonl:2: copies 0 must be a whole number of at least 1"),
])
def test_a_record_without_provenance_or_with_an_impossible_value_is_refused_by_file_and_line(tmp_path, change,
                                                                                            problem):
    good = record(0.8, "a/b", "abcdef1")
    path = write(tmp_path, "runs.jsonl", runs_text([good, {**good, **change}]))
    with pytest.raises(readers.ReadersError, match=re.escape(problem)):
        readers.load(path)


def test_a_loss_and_a_percentage_inside_their_range_are_read(tmp_path):
    good = record(0.8, "a/b", "abcdef1")
    path = write(tmp_path, "runs.jsonl", runs_text([{**good, "quantity": "q.val_loss", "value": 3.2},
                                                    {**good, "quantity": "q.test_acc_pct", "value": 99.1}]))
    assert len(readers.load(path)) == 2


# --- a made-up runs file ----------------------------------------------------------------------------

def test_made_up_runs_contradicting_the_code_never_read_as_a_plain_pass(tmp_path):
    """A pull request's runs file says 99.9%; the listing computes 0.5. The claim cannot run here, so
    the runs decide it: the console, the report and results.json all say it was not measured here,
    with the runs' repositories and commits, and the report lists it under Needs attention."""
    fake = runs([round(0.999 + 0.0002 * z, 5) for z in np.linspace(-1.6, 1.6, 12)])  # none an outlier
    evidence_claim(tmp_path, "99.9%", fake, listing="acc = 0.5\n")
    out = tmp_path / "out"
    proc = cli("verify", "--claims", tmp_path / "claims", "--tier", "static", "--no-history", "--out", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    console = proc.stdout + proc.stderr
    line = next(x for x in console.splitlines() if "t.claim" in x and x.startswith("["))
    assert "PASSED from 12 reader runs (not measured here)" in line, line
    assert not re.search(r"PASSED\s+t\.claim", console)
    result = results_of(out)["t.claim"]
    assert result["status"] == "passed" and result["evidence"] == "reader runs"
    assert result["details"]["evidence"]["sources"][0].startswith("reader0/notebooks@0000000000")
    html = (out / "report.html").read_text()
    attention = html.split('id="attention"')[1].split("<h2")[0]
    assert 'data-attention-id="t.claim"' in attention and "nothing-to-attend" not in attention
    assert "decided from 12 reader runs, not measured here" in attention and "reader11/notebooks@" in attention
    assert 'data-evidence-runs-for="t.claim"' in html


def test_a_measured_pass_stays_out_of_needs_attention():
    from claimcheck.reports.html import render
    from claimcheck.runners.claim.verdict import Result

    measured = Result(id="m.claim", kind="metric", status=Status.PASSED, reason="measured")
    html = render([measured], {"counts": {}})
    assert 'data-attention-id="m.claim"' not in html and "nothing-to-attend" in html
    assert measured.label == "PASSED"


# --- one run cannot decide ---------------------------------------------------------------------------

def test_a_verdict_one_run_flips_is_inconclusive_naming_that_run(tmp_path):
    # ten runs of sd 0.01 (no outlier: the screen keeps all ten, so this is the leave-one-out rule's)
    values = [0.784, 0.790, 0.793, 0.796, 0.799, 0.801, 0.804, 0.807, 0.810, 0.824]
    stated = stats.parse_stated("81.3%")
    assert stats.screen(values)[2] == []
    assert stats.evidence._outcome_of(values, stated) == "passed"  # all ten together pass it
    assert stats.evidence._outcome_of(values[:-1], stated) != "passed"  # without the last they do not
    result = run(evidence_claim(tmp_path, "81.3%", runs(values)))
    assert result.status is Status.INCONCLUSIVE, result.reason
    assert "without reader9/notebooks@0000000000 (0.8240)" in result.reason and "one run decides it" in result.reason
    flipped = result.details["readers"]["flipped_by"]
    assert flipped["run"].startswith("reader9/notebooks") and flipped["was"] == "passed"


def test_the_audited_augmentation_verdict_rested_on_one_run():
    """The 17 records of 8.14-8.18 as they were read before (each a run): the rule passed 83.5% at
    1.73 sd; leaving out one of the two highest runs turned it, so it is inconclusive."""
    values = [r.value for r in readers.select(RUNS, "dlwp2 listings", "dogs.augmented.test_acc")]
    stated = stats.parse_stated("83.5%")
    assert len(values) == 17 and stats.evidence._outcome_of(values, stated) == "passed"
    i, _ = stats.evidence.pivotal(values, stated)
    assert values[i] in sorted(values)[-2:]
    decision, _ = stats.evidence.judge_runs(values, stated, "reader runs")
    assert decision.status == "inconclusive" and "one run decides it" in decision.reason


@pytest.mark.parametrize("planted", ["88%", "72%", "0.885"])
def test_a_planted_false_value_still_fails(tmp_path, planted):
    result = run(evidence_claim(tmp_path, planted, runs(VALUES)))
    assert result.status is Status.FAILED, result.reason
    assert result.label == "FAILED from 20 reader runs (not measured here)"


def test_a_true_value_still_passes(tmp_path):
    result = run(evidence_claim(tmp_path, "80%", runs(VALUES)))
    assert result.status is Status.PASSED, result.reason
    assert "decided from 20 reader runs, not measured here; runs: reader0/notebooks@" in result.attention_note


# --- the real books ----------------------------------------------------------------------------------

REAL = {  # evidence claim -> its verdict, repeats once, a repository one environment, leave-one-out
    "dlwp2.ch08.scratch.test_acc": ("passed", 19),
    "dlwp2.ch08.augmented.test_acc": ("inconclusive", 14),  # passed from 17 records before: 1.8 sd, at the edge
    "dlwp2.ch08.vgg16.feature_extraction_augmented.test_acc": ("passed", 8),
    "dlwp2.ch08.vgg16.fine_tuning.test_acc": ("passed", 6),
}


@pytest.mark.parametrize("claim_id", sorted(REAL))
def test_the_real_evidence_verdicts(claim_id):
    from claimcheck.runners.catalog import loader
    from claimcheck.runners.kinds import registry

    [claim] = [c for c in loader.load(CLAIMS / "dlwp2/ch08") if c.id == claim_id]
    verdict = registry()[claim.kind].from_evidence(claim, "not run in this test")
    assert (verdict.status.value, verdict.details["evidence"]["runs"]) == REAL[claim_id], verdict.reason
    assert len(verdict.details["evidence"]["sources"]) == REAL[claim_id][1]
