"""Every kind of output a notebook shows is drafted as one `output` claim and decided: numbers, arrays and
nested lists, tuples, dicts, pandas tables, tensors and shapes of TensorFlow and PyTorch, labelled and
f-string prints, a scikit-learn report table, a PyTorch model's print with its parameter count; a number
planted in each stored output fails it. The stored outputs are what Jupyter shows: each cell run, its
last expression formatted by IPython's own text/plain formatter (as Jupyter's display hook does)."""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json

import nbformat
import pytest
from nbformat import v4

from claimcheck.runners.authoring.drafting import draft
from claimcheck.runners.engine import cells as jupyter_cells

from helpers import verify

# its module fixture verifies a whole tree once: the module on one xdist worker, not once a worker
pytestmark = pytest.mark.xdist_group("output_patterns")

HAS_TORCH = importlib.util.find_spec("torch") is not None
HAS_SKLEARN = importlib.util.find_spec("sklearn") is not None

PATTERNS = {
    "number": "import numpy as np\nimport pandas as pd\n3 * 7.25",
    "nested": "[[1, 2.5], [3, 4.75]]",
    "array": "np.arange(12).reshape(3, 4) / 8",
    "tuple": "np.zeros((60000, 28, 28)).shape",
    "dict": "{'accuracy': 0.9812, 'loss': 0.0713, 'epochs': 5}",
    "table": "pd.DataFrame({'a': [1, 2, 3], 'b': [0.5, 0.25, 0.125]}, index=['x', 'y', 'z'])",
    "labelled": "print('Test accuracy:', 0.9787)",
    "fstring": "params = 163009536\nprint(f'Total number of parameters: {params:,}')",
    "tensorflow": "import tensorflow as tf\ntf.constant([[1, 2, 3], [4, 5, 6]])",
    "tf_shape": "tf.zeros((2, 3)).shape",
}
if HAS_TORCH:
    PATTERNS.update({
        "torch": "import torch\ntorch.manual_seed(0)\ntorch.rand(2, 3)",
        "torch_size": "torch.zeros(2, 4, 768).size()",
        "torch_model": "model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))\n"
                       "print(model)\nprint('parameters:', sum(p.numel() for p in model.parameters()))",
    })
if HAS_SKLEARN:
    PATTERNS["report"] = ("from sklearn.metrics import classification_report\n"
                          "print(classification_report([0, 1, 1, 0, 1, 1], [0, 1, 0, 0, 1, 1]))")


def _as_jupyter_shows(sources: list[str]) -> list:
    """Each cell run in one namespace, its stdout and its last expression's text/plain as outputs."""
    namespace: dict = {"__name__": "__main__"}
    stored = []
    for source in sources:
        buffer = io.StringIO()
        shown = jupyter_cells.Outputs(buffer)
        shown.begin(0)
        with contextlib.redirect_stdout(shown):
            jupyter_cells.run_cell(source, "<cell>", 0, namespace, shown)
        text = shown.by_cell()[0]
        printed = buffer.getvalue()
        outputs = [v4.new_output("stream", name="stdout", text=printed)] if printed else []
        if text[len(printed):].strip():
            outputs.append(v4.new_output("execute_result", data={"text/plain": text[len(printed):].rstrip("\n")},
                                         execution_count=1))
        stored.append(outputs)
    return stored


@pytest.fixture(scope="module")
def patterns(tmp_path_factory):
    base = tmp_path_factory.mktemp("patterns")
    names = list(PATTERNS)
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell("# Chapter 2 – Outputs")]
    for source, outputs in zip(PATTERNS.values(), _as_jupyter_shows(list(PATTERNS.values()))):
        nb.cells.append(v4.new_code_cell(source, outputs=outputs))
    path = base / "claims" / "pat" / "notebooks" / "02_outputs.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, str(path))
    return base, path, names


def test_every_pattern_is_one_output_claim_that_passes_and_a_planted_number_fails(patterns):
    base, path, names = patterns
    d = draft(path, book="pat")
    by_cell = {p.measure["cell"]: p for p in d.proposals if p.kind == "output"}
    assert sorted(by_cell) == list(range(1, len(names) + 1)), [(u.kind, u[0]) for u in d.unplaced]
    from claimcheck.runners.authoring import spec

    out = base / "claims" / "pat" / "ch02" / "outputs.yaml"
    out.parent.mkdir()
    doc_text = spec.render(d, out)
    planted = path.parent.parent / "ch02" / "planted.yaml"
    import yaml

    doc = yaml.safe_load(doc_text)
    out.write_text(doc_text)
    for claim in doc["claims"]:  # each one's first compared number changed by one in its last digit
        claim["id"] += ".planted"
        text = claim["expected"]
        from claimcheck.runners.claim import printed

        first = next(n for n in printed.numbers(text) if not n.wildcard and not n.special)
        last = first.text[-1]
        bumped = first.text[:-1] + ("1" if last == "0" else "0") if last.isdigit() else first.text + "1"
        claim["expected"] = text[:first.start] + bumped + text[first.start + len(first.text):]
    planted.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    code, results = verify(claims=base / "claims", out=base / "out", tier="static", no_history=True,
                           cache_dir=base / "cache", jobs=1)
    status = {r["id"]: r["status"] for r in results.values()}
    for n, name in enumerate(names, 1):
        cid = f"pat.ch02.s2.out.cell{n}"
        assert status[cid] == "passed", (name, results[cid]["reason"], results[cid]["observed"])
        assert status[cid + ".planted"] == "failed", (name, results[cid + ".planted"])
    assert code == 1
    assert json.loads((base / "out" / "results.json").read_text())["results"]
