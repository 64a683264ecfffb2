"""Errata drafts: failed claims with measurements, source disagreements, Keras 3 changes."""
import json

from conftest import CLAIMS, run_cli
from test_planted_values import PLANTS, plant

from reports import errata
from runners import results as results_file
from runners import specs


def test_errata_for_a_run_with_planted_failures(claims_copy, tmp_path):
    plant(claims_copy)
    out = tmp_path / "out"
    run_cli("verify", "--claims", claims_copy, "--out", out, "--tier", "static", "-q", "--no-history")
    draft = (out / "errata.md").read_text()  # verify writes it beside the report
    again = run_cli("errata", "--results", out / "results.json", "--claims", claims_copy,
                    "--out", tmp_path / "e.md")
    assert again.returncode == 0 and (tmp_path / "e.md").read_text() == draft
    records = {r["id"]: r for r in json.loads((out / "results.json").read_text())["results"]}
    for changes in PLANTS.values():
        for claim_id in changes:
            assert f"claim `{claim_id}`" in draft
    assert "**Measured:** 104,202" in draft and 'Suggested correction:** "104,202"' in draft
    assert "**Measured:** (None, 11, 11, 64)" in draft
    assert "**Measured:** (7, 7)" in draft or "**Measured:** [7, 7]" in draft or "(7, 7)" in draft
    assert records["dlwp2.ch08.nopool.rf.conv2d_5"]["observed"] == [7, 7]
    assert 'href="errata.md"' in (out / "report.html").read_text()


def test_suggestion_keeps_the_stated_format():
    from runners.verdict import Result, Status

    r = Result(id="m", kind="metric", status=Status.FAILED, expected="99.9%", observed=0.99147)
    assert errata.suggestion(r).startswith('"99.1%"')
    r = Result(id="m", kind="metric", status=Status.FAILED, expected="0.999", observed=0.99147)
    assert errata.suggestion(r).startswith('"0.991"')


def test_real_chapter_draft_lists_the_source_disagreements_and_changes(tmp_path):
    claims = specs.load(CLAIMS)
    text = errata.render([], {"environment": {}}, claims)
    section = text[text.index("## Sources that disagree"):text.index("## Listings changed")]
    assert '"0.992"' in section and '"0.991"' in section and "notes line 100" in section
    assert '"09.5%"' in section and '"98.5%"' in section and "notes line 209" in section
    assert '"0.9785"' not in section  # 0.9785 and 97.8% are one number at two precisions
    changes = text[text.index("## Listings changed"):]
    assert "`listing_8_1.py`" in changes and "`from tensorflow import keras` -> `import keras`" in changes
    assert "listing 8.21 is split in two files" in changes


def test_draft_from_the_committed_cpu_run_if_present(tmp_path):
    path = CLAIMS.parent / "docs/results/cpu-tensorflow/results.json"
    if not path.is_file():
        return
    run, results = results_file.read(path)
    assert "# Errata draft" in errata.render(results, run, specs.load(CLAIMS))
