"""`claimcheck draft` on notebooks the book never had: very long ones (linear, and a spec under the
catalog's size limit), hostile text in code, prose and outputs (never YAML structure), and an existing
references.yaml of either style (parsed and written anew, never corrupted)."""
from argparse import Namespace

import generated_notebooks
import nbformat
import pytest
import yaml
from nbformat import v4

from claimcheck.runners.authoring import spec
from claimcheck.runners.authoring.drafting import draft
from claimcheck.runners.catalog import loader
from claimcheck.runners.catalog.validation import support_file_problems
from claimcheck.runners.claim.references import recorded
from claimcheck.runners.claim.yamlload import MAX_BYTES
from claimcheck.runners.cli import draft as draft_command

VALUES = ("shape", "print", "len")  # one claim per displayed value (no summary's seven)


def run_draft(tmp_path, notebook, capsys, name="g.yaml"):
    out = tmp_path / "drafts" / name
    code = draft_command.run(Namespace(notebook=str(notebook), out=str(out), book="g", force=True, no_run=True, timeout=60.0))
    printed = capsys.readouterr()
    return code, out, printed.out, printed.err


def test_a_10000_cell_notebook_drafts_in_one_call(tmp_path, capsys):
    path = generated_notebooks.write(tmp_path / "drafts" / "notebooks", 5000, kinds=VALUES)
    assert len(nbformat.read(str(path), as_version=4).cells) >= 10_000
    code, out, printed, err = run_draft(tmp_path, path, capsys)
    assert f"wrote {out}: " in printed and out.is_file()
    if out.stat().st_size > MAX_BYTES:  # too many claims for one file: said so, not a crash
        assert code == 1 and "over the 1,000,000 a spec may have" in err
    else:
        assert code == 0, err


def test_a_1000_value_notebook_spec_is_under_the_limit_and_validates_as_written(tmp_path, capsys):
    path = generated_notebooks.write(tmp_path / "drafts" / "notebooks", 1000, kinds=VALUES)
    code, out, printed, err = run_draft(tmp_path, path, capsys)
    assert code == 0 and "validate: valid" in printed, err[-2000:]
    size = out.stat().st_size
    assert size < MAX_BYTES, size
    reported = int(printed.split(f"wrote {out}: ")[1].split(" proposed claims")[0])
    assert reported >= 1000
    claims = loader.load(out)
    assert [c.problems for c in claims if c.problems] == []
    assert len(claims) == reported
    # a program several claims share is written once where it is long (aliases in the claims), and each
    # claim reads back with its own cells (each program only what its value needs: short here)
    d = draft(path, book="g")
    for claim, p in zip(claims, d.proposals):
        assert claim.id == p.id
        cells = [c for entry in claim.measure["listings"] for c in _cells(entry.split("#")[1])]
        assert cells == d.source.cells_of(p.cells), claim.id


def _cells(selector: str) -> list:
    out = []
    for part in selector.split(","):
        cell, colon, _ = part.partition(":")
        a, _, b = (cell if colon else part).partition("-")
        out += range(int(a), int(b or a) + 1)
    return sorted(set(out))


HOSTILE = "1 \\\n- {id: x.injected, kind: listing_value, tier: static} # 'q' \"qq\"\n---\n...\n"


def _hostile_notebook(path):
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("# 3.1 - A title 1 \\ - {id: x.injected} # 'q' \"qq\" --- ...\n" + HOSTILE),
        v4.new_code_cell("import numpy as np\nx = np.zeros((2, 3))  # " + HOSTILE.replace("\n", "\n# ")
                         + "\np = '''/home/me/" + HOSTILE + "'''\nq = 1 \\\n    + 2"),
        v4.new_code_cell("x.shape"),
        v4.new_markdown_cell("Our `x` is `(2, 3)`, 98.6% of it 'q' \"qq\" # 1 \\\n- {id: x.injected}\n---\n# 'q'."),
        v4.new_code_cell("history = model.fit(x, x, epochs=1)"),
        v4.new_code_cell("acc = history.history['loss'][-1]\nprint('acc:', acc)\nprint('more 7:', '''" + HOSTILE + "''')"),
        v4.new_code_cell("q"),
        v4.new_code_cell("len(p)"),
    ]
    nb.cells[2].outputs = [v4.new_output("execute_result", data={"text/plain": "(2, 3)"}, execution_count=1)]
    nb.cells[4].outputs = [v4.new_output("stream", name="stdout", text="Epoch 1/1\n8/8 - loss: 0.1 - acc: 0.5 "
                                         + HOSTILE.replace("\n", " "))]
    nb.cells[5].outputs = [v4.new_output("stream", name="stdout", text="acc: 0.9861\nmore 7: " + HOSTILE)]
    nb.cells[6].outputs = [v4.new_output("execute_result", data={"text/plain": HOSTILE + "3"}, execution_count=1)]
    nb.cells[7].outputs = [v4.new_output("execute_result", data={"text/plain": "37"}, execution_count=1)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def test_notebook_text_never_becomes_yaml_structure(tmp_path, capsys):
    path = _hostile_notebook(tmp_path / "drafts" / "notebooks" / "3.1-hostile.ipynb")
    d = draft(path, book="g")
    text = spec.render(d, tmp_path / "drafts" / "g.yaml")
    # the hostile text reached the file: in quotes, in comments, in the list of what was not placed
    assert "x.injected" in text and "1 \\" in text and "---" in text
    assert any(p.review for p in d.proposals) and any(p.prose for p in d.proposals) and d.unplaced
    code, out, printed, err = run_draft(tmp_path, path, capsys)
    assert code == 0 and "validate: valid" in printed, err
    claims = loader.load(out)
    assert sorted(c.id for c in claims) == sorted(p.id for p in d.proposals)
    assert len(claims) == int(printed.split(f"wrote {out}: ")[1].split(" proposed claims")[0])
    assert not any("injected" in c.id for c in claims) and not any(c.problems for c in claims)
    assert yaml.safe_load(out.read_text()) == spec.spec_document(d, out)
    refs = yaml.safe_load((tmp_path / "drafts" / "references.yaml").read_text())["references"]
    assert set(refs) == set(d.references) and not any("injected" in name for name in refs)


BLOCK = """\
# Recorded by hand: keep this comment.
references:
  mine.a:
    # this machine's runs
    values: [0.9, 0.91]
    seeds: [100, 101]
"""
FLOW = "{references: {mine.a: {values: [0.9, 0.91], seeds: [100, 101]}, mine.b: {values: [0.5], seeds: [1]}}}\n"
AFTER = "references:\n  mine.a: {values: [0.9, 0.91], seeds: [100, 101]}\nother: {kept: true}\n"  # a key after it
INDENTED = "references:\n    mine.a:\n        values: [0.9, 0.91]\n        seeds: [100, 101]\n"


@pytest.mark.parametrize("existing", [BLOCK, FLOW, AFTER, INDENTED], ids=["block", "flow", "key-after", "indent-4"])
def test_an_existing_references_file_is_parsed_and_written_anew(tmp_path, capsys, existing):
    path = _hostile_notebook(tmp_path / "drafts" / "notebooks" / "3.1-hostile.ipynb")
    refs = tmp_path / "drafts" / "references.yaml"
    refs.write_text(existing)
    before = yaml.safe_load(existing)
    for _ in range(2):  # the second draft adds nothing
        code, out, printed, err = run_draft(tmp_path, path, capsys)
        assert code == 0 and "validate: valid" in printed, err
    after = yaml.safe_load(refs.read_text())
    assert {k: v for k, v in after.items() if k != "references"} == {k: v for k, v in before.items() if k != "references"}
    assert {k: after["references"][k] for k in before["references"]} == before["references"]  # kept as they were
    added = set(after["references"]) - set(before["references"])
    assert added == set(draft(path, book="g").references) and added
    assert all(after["references"][name]["source"] == "pending" for name in added)
    assert not support_file_problems(refs.parent)
    assert set(before["references"]) | added <= set(recorded(str(out)))  # every claim of the folder reads it
    if existing == BLOCK:
        assert refs.read_text().startswith(BLOCK)  # appended: its comments kept


def test_an_unreadable_references_file_is_left_as_it_is(tmp_path, capsys):
    path = _hostile_notebook(tmp_path / "drafts" / "notebooks" / "3.1-hostile.ipynb")
    refs = tmp_path / "drafts" / "references.yaml"
    refs.write_text("references: {a: [unclosed\n")
    code, out, printed, err = run_draft(tmp_path, path, capsys)
    assert "its pending references were not added" in err and code == 1
    assert refs.read_text() == "references: {a: [unclosed\n"
    assert not list(refs.parent.glob("*.draft-tmp"))
