"""The draft scored against a reviewed spec (authoring/scoring.py): a reviewed claim the draft proposes
as it is counts, a changed one does not; a drafted claim review did not keep is counted against it."""
import nbformat
import yaml
from nbformat import v4

from claimcheck.runners.authoring.scoring import score
from claimcheck.runners.catalog import loader

from helpers import write


def test_a_reviewed_claim_counts_only_where_the_draft_states_it_so(tmp_path):
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell("# 1.1 t"), v4.new_code_cell("x = 2\nprint('x', x, x * 3)"),
                v4.new_code_cell("print(7)")]
    nb.cells[1].outputs = [v4.new_output("stream", name="stdout", text="x 2 6\n")]
    nb.cells[2].outputs = [v4.new_output("stream", name="stdout", text="7\n")]
    root = tmp_path / "claims" / "b"
    (root / "notebooks").mkdir(parents=True)
    nbformat.write(nb, str(root / "notebooks" / "nb.ipynb"))

    def claim(cid, cell, expected):
        return {"id": cid, "kind": "output", "tier": "static", "expected": expected,
                "measure": {"listings": [f"notebooks/nb.ipynb#{cell}"], "cell": cell},
                "source": {"stated": "s", "cite": [{"from": "notebook", "cell": cell, "quote": "print"}]}}

    write(root, "s.yaml", yaml.safe_dump({"book": "b", "chapter": 1, "section": "1.1", "title": "t",
                                          "notebook": "notebooks/nb.ipynb",
                                          "claims": [claim("b.kept", 1, "x 2 6"), claim("b.changed", 2, "7.5")]}))
    result = score(root / "notebooks" / "nb.ipynb", loader.load(root))
    assert (result.reviewed, result.drafted, result.proposed, result.kept) == (2, 2, 1, 1)
    assert result.missing == ["b.changed"] and result.recall == 0.5 and result.precision == 0.5
