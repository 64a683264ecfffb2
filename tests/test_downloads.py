"""A download a program tries (programs have no network) is a skip with its fix; where the book ships the
file beside its notebook, the fix names that copy (third held-out trial: 33 skips of UCI and GitHub files
that sat beside the notebooks)."""
from __future__ import annotations

from claimcheck.runners.resources.downloads import tried_network

from helpers import write

CODE = "x = 1\ndf = read('https://archive.ics.uci.edu/ml/machine-learning-databases/wine/wine.data'); " \
       "raise ConnectionError('Network is unreachable')\n"


def _skip(listing):
    try:
        exec(compile(CODE, str(listing), "exec"), {"read": lambda url: None})
    except ConnectionError as exc:
        return tried_network(exc, str(listing), CODE)
    raise AssertionError("the code did not raise")


def test_a_download_whose_file_is_beside_the_notebook_names_the_copy(tmp_path):
    listing = write(tmp_path / "ch04", "ch04.py", CODE)
    write(tmp_path / "ch04", "wine.data", "1,2,3\n")
    skip = _skip(listing)
    assert "wine.data" in skip.reason and "programs have no network here" in skip.reason
    assert "a copy is beside the notebook (wine.data)" in skip.fix and "changes.yaml" in skip.fix
    assert "old 'https://archive.ics.uci.edu/ml/machine-learning-databases/wine/wine.data', new 'wine.data'" in skip.fix


def test_without_a_copy_the_fix_says_where_one_goes(tmp_path):
    listing = write(tmp_path / "ch04", "ch04.py", CODE)
    skip = _skip(listing)
    assert "a copy is beside" not in skip.fix and "download it once on a machine with network" in skip.fix
