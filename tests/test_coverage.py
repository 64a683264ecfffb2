"""Claim coverage of the source text: a number counts only where a claim cites its line."""
from claimcheck.runners.catalog import coverage, loader

from helpers import CLAIMS, NOTES, write


def test_numbers_of_each_kind_are_found():
    text = ("conv2d (Conv2D) (None, 26, 26, 32) 320\n"
            "정확도는 97.8%, 0.992, 3*3 윈도우, 7x7, Total params: 712,202, 18496\n"
            "# 8.1 heading 2011\nIn [5]:\nEpoch 1/5\n2011~2015년\n")
    found = [(n.line, n.kind, n.value) for n in coverage.find_numbers(text)]
    assert (1, "shape", (None, 26, 26, 32)) in found and (1, "count", 320) in found
    assert (2, "percent", 0.978) in found and (2, "decimal", 0.992) in found
    assert (2, "size", (3, 3)) in found and (2, "size", (7, 7)) in found
    assert (2, "count", 712202) in found and (2, "count", 18496) in found
    assert (6, "count", 2011) in found and (6, "count", 2015) in found
    assert not [f for f in found if f[0] in (3, 4, 5)]  # heading, cell marker, epoch line


def test_a_number_with_the_same_value_elsewhere_is_not_covered(tmp_path):
    """Honest coverage: a claim covers the lines it cites, not every line with its value."""
    from helpers import CONVNET, make_claim

    claim = make_claim(tmp_path, "output_shape", {"object": "model", "layer": "conv2d"}, [None, 26, 26, 32],
                       listing=CONVNET)
    claim.source = {"stated": "x", "cite": [{"from": "notes", "line": 2, "quote": "(26, 26, 32)"}]}
    source = write(tmp_path, "notes.md", "line one: (26, 26, 32)\nline two: (26, 26, 32)\n")
    cov = coverage.measure(source, [claim])
    assert [(n.line, bool(n.claims)) for n in cov.numbers] == [(1, False), (2, True)]


def test_the_notes_are_covered_honestly():
    claims = loader.load(CLAIMS)
    cov = coverage.measure(NOTES, claims, coverage.load_notes(CLAIMS, NOTES))
    assert cov.share >= 0.95, coverage.render_text(cov)
    by_line = {(n.line, n.text): n.claims for n in cov.covered}
    assert "dlwp2.ch08.convnet.test_acc.notes" in by_line[(100, "0.992")]
    assert "dlwp2.ch08.vgg16.fine_tuning.test_acc.notes" in by_line[(209, "09.5%")]
    assert "dlwp2.ch08.nopool.rf.conv2d_5" in by_line[(195, "7*7")]
    for n in cov.covered:  # every covering claim cites that line
        for claim_id in n.claims:
            claim = next(c for c in claims if c.id == claim_id)
            assert n.line in {c.get("line") for c in claim.source["cite"]}


def test_an_unchecked_number_is_reported_with_its_line(tmp_path, capsys):
    from claimcheck.runners.cli import main

    source = write(tmp_path, "notes.md", "첫 줄\n테스트 정확도는 93.3%였다\n")
    assert main(["coverage", str(source), "--claims", str(CLAIMS), "--min-share", "0.95"]) == 1
    out = capsys.readouterr().out
    assert "line 2: 93.3% (percent)" in out and "0.0% covered" in out
