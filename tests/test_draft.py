"""`claimcheck draft NOTEBOOK`: proposals from a notebook's outputs and prose that validate as written."""
import json
import subprocess
import sys

import nbformat
import pytest
import yaml

from claimcheck.runners.authoring import spec, yamlwriter
from claimcheck.runners.authoring.drafting import draft
from claimcheck.runners.authoring.proposals import Draft, Proposal
from claimcheck.runners.catalog import loader

from helpers import CLAIMS, MIRROR, ROOT, needs_mirror

BOOK = CLAIMS / "dlwp1" / "notebooks"
# proposals per notebook and kind, drafted without running (--no-run): what review starts from
# (claims/dlwp1/*/ say what it kept); one `output` claim per cell that shows numbers, besides summaries and fit logs
DRAFTED = {
    "2.1-a-first-look-at-a-neural-network.ipynb": {"output": 8, "metric": 5},
    "5.1-introduction-to-convnets.ipynb": {"output_shape": 13, "param_count": 19, "output": 2, "metric": 3},
    "5.2-using-convnets-with-small-datasets.ipynb": {"output_shape": 11, "param_count": 14, "output": 8,
                                                    "metric": 5},
}


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "claimcheck.runners.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, env={"PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "2",
                                                       "HOME": str(cwd), "CLAIMCHECK_DATA_DIR": str(MIRROR)})


@pytest.mark.parametrize("name", sorted(DRAFTED))
def test_each_notebook_drafts_a_spec_that_validates(tmp_path, name):
    proc = cli("draft", str(BOOK / name), "--book", "dlwp1", "--no-run", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "validate: valid" in proc.stdout
    spec = tmp_path / "drafts" / (name[:-len(".ipynb")] + ".yaml")
    claims = loader.load(spec)
    kinds = {}
    for c in claims:
        assert not c.problems, (c.id, c.problems)
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    assert kinds == DRAFTED[name]
    assert (tmp_path / "drafts" / "notebooks" / name).read_bytes() == (BOOK / name).read_bytes()  # copied in its tree
    refs = (tmp_path / "drafts" / "references.yaml").read_text()
    assert "source: pending" in refs and "claimcheck reference " in refs


def test_what_a_proposal_was_matched_to_and_how_sure():
    d = draft(BOOK / "2.1-a-first-look-at-a-neural-network.ipynb", book="b")
    by_stated = {p.stated: p for p in d.proposals}
    assert by_stated["97.8%"].why == ("cell 25: prose 97.8% matches b.ch02.s2_1.test_acc (0.9777 rounded to 97.8%): sure")
    assert by_stated["97.8%"].cite == [(25, "Our test set accuracy turns out to be 97.8% -- that's quite a bit "
                                             "lower than the training set accuracy.")]
    assert by_stated["0.9777"].measure == {"value": "test_acc"} and by_stated["0.9777"].tier == "cpu"
    # one program for every value read after the fit: they share its training runs
    assert len({tuple(p.cells) for p in d.proposals if p.kind == "metric"}) == 1
    # the printed 99.3% is near the output 0.9913 of the same notebook but not its rounding: unsure
    d5 = draft(BOOK / "5.1-introduction-to-convnets.ipynb", book="b")
    [prose] = [p for p in d5.proposals if p.prose]
    assert prose.expected == "99.3%" and "unsure" in prose.why
    # what it cannot place is listed with its cell
    assert (15, "68%") in {(c, t) for c, t, _ in d5.unplaced}


def test_a_cell_that_shows_numbers_is_one_output_claim_and_its_paths_need_review():
    d = draft(BOOK / "5.2-using-convnets-with-small-datasets.ipynb", book="b")
    outputs = {p.measure["cell"]: p for p in d.proposals if p.kind == "output"}
    assert set(outputs) >= {8, 9, 10, 11, 12, 13, 24}  # len(os.listdir(...)) printed: the whole output compared
    assert outputs[8].expected == "total training cat images: 1000"
    # the author's absolute paths are flagged for review on every proposal whose program runs them
    assert any("/Users/fchollet/Downloads/cats_and_dogs_small" in r for r in outputs[24].review)
    # a value shown after an unseeded fit is also the metric it would be
    d1 = draft(BOOK / "2.1-a-first-look-at-a-neural-network.ipynb", book="b")
    [shown] = [p for p in d1.proposals if p.kind == "output" and p.measure["cell"] == 24]
    assert shown.tier == "cpu" and "fits a model" in shown.why  # not run by the draft: its cost is not known
    assert any(p.kind == "metric" and p.measure == {"value": "test_acc"} for p in d1.proposals)


@needs_mirror
def test_the_drafted_file_runs_structural_claims_decide_and_metrics_wait_for_their_reference(tmp_path):
    cli("draft", str(BOOK / "5.1-introduction-to-convnets.ipynb"), "--book", "dlwp1", "--no-run", cwd=tmp_path)
    proc = cli("verify", "--claims", "drafts", "--tier", "static", "--out", "out", "--no-history", "--cache-dir",
               "cache", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "0 training runs" in proc.stderr + proc.stdout  # a pending reference trains nothing
    results = json.loads((tmp_path / "out" / "results.json").read_text())["results"]
    statuses = {r["id"]: r["status"] for r in results}
    assert sum(s == "passed" for s in statuses.values()) == 32
    metrics = [r for r in results if r["kind"] == "metric"]
    assert len(metrics) == 3 and all(r["status"] == "skipped" for r in metrics)
    # the outputs shown after the fit are in the cpu tier (their program trains): skipped here
    assert [r["status"] for r in results if r["kind"] == "output"] == ["skipped", "skipped"]


def test_a_damaged_notebook_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_bytes(b'{"cells": [\n')
    proc = cli("draft", str(bad), "--no-run", cwd=tmp_path)
    assert proc.returncode == 2 and "bad.ipynb:2: not JSON" in proc.stderr
    assert not (tmp_path / "drafts").exists()


def test_an_existing_spec_is_not_overwritten(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(nb, str(tmp_path / "n.ipynb"))
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "n.yaml").write_text("keep")
    proc = cli("draft", "n.ipynb", "--no-run", cwd=tmp_path)
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert (tmp_path / "drafts" / "n.yaml").read_text() == "keep"
    assert ROOT.is_dir()


def test_drafts_of_two_notebooks_share_one_references_file(tmp_path):
    for name in ("5.1-introduction-to-convnets.ipynb", "2.1-a-first-look-at-a-neural-network.ipynb",
                 "5.1-introduction-to-convnets.ipynb"):
        proc = cli("draft", str(BOOK / name), "--force", "--no-run", cwd=tmp_path)
        assert proc.returncode == 0 and "validate: valid" in proc.stdout, proc.stdout + proc.stderr
    text = (tmp_path / "drafts" / "references.yaml").read_text()
    assert text.count("source: pending") == 4  # each reference once, the second 5.1 draft added none


@pytest.mark.parametrize("name", sorted(DRAFTED))
def test_the_written_spec_loads_back_as_its_document_with_a_comment_on_every_claim(tmp_path, name):
    d = draft(BOOK / name, book="b")
    path = tmp_path / "drafts" / "x.yaml"
    text = spec.render(d, path)
    assert yaml.safe_load(text) == spec.spec_document(d, path)  # the comments changed nothing else
    for p in d.proposals:
        notes = [f"  # {p.why}", *(f"  # review: {r}" for r in p.review)]
        at = text.splitlines().index(f"  - id: {p.id}")
        assert text.splitlines()[at - len(notes):at] == notes
    assert yaml.safe_load(spec.render_references(d, path)) == {
        "references": {n: yaml.safe_load("references:\n" + t)["references"][n] for n, t in spec.reference_entries(d, path)}}


def test_line_breaks_and_quotes_in_what_is_written_stay_valid_yaml(tmp_path):
    d = Draft(tmp_path / "n.ipynb", "b", "1", "1.1", 'a "title": with # and\nbreak')
    d.proposals.append(Proposal(id="b.ch01.s1_1.x", kind="listing_value", cells=[1, 2, 3, 5], measure={"value": "x"},
                                expected=[None, 3], stated="(None, 3)", cite=[(2, "line one\n  - id: two: 'q' #")],
                                why="read\nfrom\u2028here", review=["cell 2: '/Users/x\ny'"]))
    d.unplaced.append((4, "7\n8", "why\r\nnot"))
    text = spec.render(d, tmp_path / "s.yaml")
    doc = yaml.safe_load(text)
    assert doc == spec.spec_document(d, tmp_path / "s.yaml")
    assert doc["claims"][0]["measure"]["listings"] == ["n.ipynb#1-3,5"]
    assert doc["claims"][0]["source"]["cite"][0]["quote"] == "line one\n  - id: two: 'q' #"
    assert "  # read from here" in text.splitlines() and "#   cell 4: 7 8: why not" in text.splitlines()
    assert yamlwriter.comment("a\nb") == "# a b"
