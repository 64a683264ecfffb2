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


def test_allow_download_hands_no_secret_to_a_spec_only_substitute(tmp_path):
    """Issue 36, item 7: with --allow-download a program runs unconfined (it reaches the network), and a
    `measure.substitute` written in the spec alone reads the environment: it sees none of the CI's
    secrets (the environment is the allowlist's), and none reaches stderr, results.json, the report
    or the errata."""
    import yaml

    from helpers import cli, write

    secret = "hunter2-allow-download-0123"
    claims = tmp_path / "claims"
    write(claims, "p.py", "x = 1\n")
    reads = "__import__('os').environ.get('TF_HTTP_PASSWORD', 'none') + __import__('os').environ.get('TF_TOKEN_example_com', '')"
    spec = {"id": "s.env", "kind": "listing_value", "tier": "static", "expected": "none",
            "source": {"stated": "x", "cite": [{"from": "book", "quote": "q"}]},
            "measure": {"listings": ["p.py"], "value": "x", "substitute": {"x = 1": f"x = {reads}"}}}
    write(claims, "s.yaml", yaml.safe_dump({"book": "t", "chapter": 1, "section": "1.1", "title": "t", "claims": [spec]}))
    out = tmp_path / "out"
    done = cli("verify", "--claims", claims, "--tier", "static", "--allow-download", "--out", out,
               "--cache-dir", tmp_path / "cache", "--no-history",
               env={"TF_HTTP_PASSWORD": secret, "TF_TOKEN_example_com": secret})
    assert done.returncode == 0, done.stderr[-2000:]
    for text in (done.stdout, done.stderr, *(p.read_text() for p in out.glob("*.*"))):
        assert secret not in text
