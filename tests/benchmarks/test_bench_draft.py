"""`claimcheck draft` on each first-edition notebook: read, propose, copy the notebook into the draft's
tree, write the spec and its pending references, validate them (the command's work after its
imports). Goal: under 10 s per notebook on 2 cores."""
from argparse import Namespace

import pytest

from claimcheck.runners.cli import draft as draft_command

from helpers import CLAIMS

NOTEBOOKS = sorted((CLAIMS / "dlwp1" / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:3])
def test_draft_one_notebook(benchmark, tmp_path, path, capsys):
    args = Namespace(notebook=str(path), out=str(tmp_path / "drafts" / (path.stem + ".yaml")), book="bench",
                     force=True, no_run=True, timeout=60.0)
    code = benchmark.pedantic(draft_command.run, args=(args,), rounds=3, iterations=1)
    assert code == 0 and "validate: valid" in capsys.readouterr().out
    assert benchmark.stats.stats.max < 10
