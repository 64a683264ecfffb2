"""Errata drafts: new and known failures with measurements, source disagreements, Keras 3 changes."""
import json

from claimcheck.reports import errata
from claimcheck.runners.catalog import loader
from claimcheck.runners.claim.verdict import Result, Status

from helpers import CLAIMS, PLANTED, ROOT, cli

COMMITTED = ROOT / "docs/results/cpu-tensorflow/results.json"


def committed_run():
    """The committed cpu run, read as the published record it is: its store and key stayed on the
    machine that ran it, so ``results.read`` (which checks the MAC) refuses it."""
    doc = json.loads(COMMITTED.read_text(encoding="utf-8"))
    return doc["run"], [Result.from_dict(r) for r in doc["results"]]


def test_errata_for_a_run_with_planted_failures(planted_run, tmp_path):
    _, records, out, claims = planted_run
    draft = (out / "errata.md").read_text()  # verify writes it beside the report
    again = cli("errata", "--results", out / "results.json", "--claims", claims, "--out", tmp_path / "e.md")
    assert again.returncode == 0 and (tmp_path / "e.md").read_text() == draft
    for claim_id in PLANTED:
        assert f"claim `{claim_id}`" in draft
    assert "**Measured:** 104,202" in draft and 'Suggested correction:** "104,202"' in draft
    assert "**Measured:** (None, 11, 11, 64)" in draft
    assert records["dlwp2.ch08.nopool.rf.conv2d_5"]["observed"] == [7, 7]
    assert 'href="errata.md"' in (out / "report.html").read_text()


def test_suggestion_keeps_the_stated_format():
    r = Result(id="m", kind="metric", status=Status.FAILED, expected="99.9%", observed=0.99147)
    assert errata.suggestion(r).startswith('"99.1%"')
    r = Result(id="m", kind="metric", status=Status.FAILED, expected="0.999", observed=0.99147)
    assert errata.suggestion(r).startswith('"0.991"')


def test_known_errata_are_apart_from_new_ones():
    new = Result(id="n", kind="metric", status=Status.FAILED, expected="0.5", observed=0.9, reason="off")
    known = Result(id="k", kind="metric", status=Status.KNOWN_ERRATUM, expected="09.5%", observed=0.98,
                   reason="known", details={"known_erratum": "a typo in the notes"})
    text = errata.render([new, known], {"environment": {}}, [])
    new_part = text[text.index("## New"):text.index("## Known")]
    known_part = text[text.index("## Known"):text.index("## Sources")]
    assert "claim `n`" in new_part and "claim `k`" not in new_part
    assert "claim `k`" in known_part and "a typo in the notes" in known_part


def test_real_chapter_draft_lists_the_source_disagreements_and_changes():
    text = errata.render([], {"environment": {}}, loader.load(CLAIMS))
    section = text[text.index("## Sources that disagree"):text.index("## Listings changed")]
    assert '"0.992"' in section and '"0.991"' in section and "notes line 100" in section
    assert '"09.5%"' in section and '"98.5%"' in section and "notes line 209" in section
    assert '"0.9785"' not in section  # 0.9785 and 97.8% are one number at two precisions
    changes = text[text.index("## Listings changed"):]
    assert "`listing_8_1.py`" in changes and "`from tensorflow import keras` -> `import keras`" in changes
    assert "listing 8.21 is split in two files" in changes


def test_draft_from_the_committed_cpu_run():
    run, results = committed_run()
    assert "# Errata draft" in errata.render(results, run, loader.load(CLAIMS))


def test_a_known_erratums_verdict_line_says_it_once(tmp_path):
    run, results = committed_run()
    assert any(r.status is Status.KNOWN_ERRATUM for r in results)
    path = errata.write(results, run, loader.load(CLAIMS), tmp_path / "errata.md")
    lines = [x for x in path.read_text().splitlines() if x.startswith("- **Verdict:** known erratum")]
    assert lines and all(x.count("known erratum") == 1 for x in lines), lines
