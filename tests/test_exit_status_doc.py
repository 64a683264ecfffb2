"""The one exit-status table (``EXIT_CODES``, service/status.py) against its copies: the Markdown
tables of README.md and docs/schema.md, and ``claimcheck verify --help``. Drift in either fails."""
from pathlib import Path

import pytest

from claimcheck.runners.cli import main
from claimcheck.runners.service import status

ROOT = Path(__file__).resolve().parents[1]
DOCS = ("README.md", "docs/schema.md")
HEADER = "| exit | name | meaning |"


def table_in(text: str) -> list[tuple[int, str, str]]:
    """The rows of the exit-status table of a Markdown text (the one under HEADER)."""
    lines = text.splitlines()
    assert lines.count(HEADER) == 1, f"expected one exit-status table headed {HEADER!r}"
    rows = []
    for line in lines[lines.index(HEADER) + 2:]:
        if not line.startswith("|"):
            break
        code, name, meaning = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows.append((int(code), name.strip("`"), meaning))
    return rows


def drift(text: str) -> list[str]:
    """What the text's table says differently from EXIT_CODES, one line per difference."""
    doc = {code: (name, meaning) for code, name, meaning in table_in(text)}
    code_table = {c.code: (c.name, c.meaning) for c in status.EXIT_CODES}
    return [f"exit {code}: the doc has {doc.get(code)!r}, the code {code_table.get(code)!r}"
            for code in sorted({*doc, *code_table}) if doc.get(code) != code_table.get(code)]


def test_the_exit_codes_are_unchanged():
    assert (status.EXIT_OK, status.EXIT_BAD_CLAIMS, status.EXIT_USAGE, status.EXIT_INTERNAL,
            status.EXIT_INTERRUPTED) == (0, 1, 2, 3, 130)
    assert [c.code for c in status.EXIT_CODES] == [0, 1, 2, 3, 130]


@pytest.mark.parametrize("doc", DOCS)
def test_the_docs_hold_the_codes_table(doc):
    text = (ROOT / doc).read_text()
    assert drift(text) == []
    assert status.markdown_table() in text  # the same rows in the same order


@pytest.mark.parametrize("plant", [
    lambda t: t.replace("| 130 | `interrupted` |", "| 131 | `interrupted` |"),  # a code changed
    lambda t: "\n".join(x for x in t.splitlines() if not x.startswith("| 3 | `internal`")),  # a row dropped
    lambda t: t.replace("never a verdict on the book |", "never a verdict |"),  # a meaning edited
    lambda t: t.replace("| 2 | `usage` |", "| 2 | `bad-usage` |"),  # a name changed
])
@pytest.mark.parametrize("doc", DOCS)
def test_planted_drift_fails(doc, plant):
    text = (ROOT / doc).read_text()
    planted = plant(text)
    assert planted != text
    assert drift(planted)


def test_a_doc_without_the_table_fails():
    with pytest.raises(AssertionError, match="exit-status table"):
        drift("# README\n\nexits 0 when all is well\n")


def test_verify_help_prints_the_table(capsys):
    with pytest.raises(SystemExit) as info:
        main(["verify", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert status.help_text() in out
    for c in status.EXIT_CODES:
        assert f"  {c.code:<5}{c.name}: " in out


def test_the_help_text_drops_the_backticks_and_keeps_every_word():
    text = status.help_text()
    assert "`" not in text
    for c in status.EXIT_CODES:
        assert " ".join(text.split()).count(c.meaning.replace("`", "")) == 1
