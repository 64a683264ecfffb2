"""Claim coverage of the source text."""
from conftest import CLAIMS, SHARED

from runners import coverage, specs

NOTES = SHARED / "sources/dlwp2-ch08-notes-ko.md"


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


def test_the_notes_are_covered_and_every_other_number_explained():
    claims = specs.load(CLAIMS)
    cov = coverage.measure(NOTES, claims, coverage.load_notes(CLAIMS, NOTES))
    assert cov.share >= 0.95
    assert cov.uncovered == []
    assert {(n.line, n.text) for n in cov.explained} == {(8, "2011"), (8, "2015"), (75, "255"), (77, "255")}
    by_line = {(n.line, n.text): n.claims for n in cov.covered}
    assert "dlwp2.ch08.convnet.test_acc.notes" in by_line[(100, "0.992")]
    assert "dlwp2.ch08.vgg16.fine_tuning.test_acc.notes" in by_line[(209, "09.5%")]
    assert "dlwp2.ch08.nopool.rf.conv2d_5" in by_line[(195, "7*7")]


def test_an_unchecked_number_is_reported_with_its_line(tmp_path, capsys):
    from runners.cli import main

    source = tmp_path / "notes.md"
    source.write_text("첫 줄\n테스트 정확도는 93.3%였다\n")
    assert main(["coverage", str(source), "--claims", str(CLAIMS), "--min-share", "0.95"]) == 1
    out = capsys.readouterr().out
    assert "line 2: 93.3% (percent)" in out and "0.0% covered" in out
