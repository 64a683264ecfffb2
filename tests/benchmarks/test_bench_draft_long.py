"""`claimcheck draft` on a generated notebook of 10,000 cells (tests/generated_notebooks.py: 5,000
displayed shapes, lengths and printed values, prose between them, one fit): read, propose, write the
spec (its long programs' shared chunks once, under x-programs) and its pending references, validate.
The draft is linear in the notebook's cells (it was quadratic: 2,000 display cells took 10 minutes).
Goal: under 120 s on 2 cores."""
from argparse import Namespace

import generated_notebooks
import nbformat

from claimcheck.runners.cli import draft as draft_command


def test_draft_a_10000_cell_notebook(benchmark, tmp_path, capsys):
    path = generated_notebooks.write(tmp_path / "drafts" / "notebooks", 5000, kinds=("shape", "print", "len"))
    assert len(nbformat.read(str(path), as_version=4).cells) >= 10_000
    args = Namespace(notebook=str(path), out=str(tmp_path / "drafts" / "long.yaml"), book="bench", force=True, no_run=True, timeout=60.0)
    benchmark.pedantic(draft_command.run, args=(args,), rounds=1, iterations=1)
    assert f"wrote {args.out}: " in capsys.readouterr().out
    assert benchmark.stats.stats.max < 120
