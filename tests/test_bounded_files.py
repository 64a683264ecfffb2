"""One bounded reader for a checkout's files (issue 36 item 2): a spec or a requirements.txt that is a
FIFO, a device, a link to /proc/self/environ or too large is one error naming the file, at once, and
nothing of its content is shown."""
from __future__ import annotations

import os
import time

import pytest

from claimcheck.runners.catalog import loader
from claimcheck.runners.claim import libraries
from claimcheck.runners.claim.yamlload import SpecSyntaxError, load_yaml
from claimcheck.runners.core.files import FileRefused, read_bounded

from helpers import cli, write


def test_a_regular_file_is_read_whole_and_one_over_the_limit_is_refused_by_its_size(tmp_path):
    path = write(tmp_path, "a.txt", "x" * 100)
    assert read_bounded(path, 100) == b"x" * 100
    with pytest.raises(FileRefused, match=r"a.txt: 100 bytes, over the 99 a file may have"):
        read_bounded(path, 99)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
def test_a_spec_that_is_not_a_regular_file_is_one_error_at_once(tmp_path, kind):
    spec = tmp_path / "claims" / "zz.yaml"
    spec.parent.mkdir()
    if kind == "fifo":
        os.mkfifo(spec)  # nobody writes it: a read would block for ever
    elif kind == "dev-zero":
        spec.symlink_to("/dev/zero")  # a read would grow without end
    else:
        spec.mkdir()
    start = time.perf_counter()
    with pytest.raises(SpecSyntaxError, match="not a regular file"):
        load_yaml(spec)
    assert time.perf_counter() - start < 2
    if kind != "folder":
        done = cli("validate", "--claims", tmp_path / "claims", timeout=60)
        assert done.returncode != 0 and "zz.yaml" in done.stdout + done.stderr and "not a regular file" in (
            done.stdout + done.stderr)


def test_a_requirements_txt_linked_to_the_environment_is_refused_without_showing_it(tmp_path):
    book = tmp_path / "claims" / "b"
    book.mkdir(parents=True)
    (book / "requirements.txt").symlink_to("/proc/self/environ")
    done = cli("libraries", "--claims", tmp_path / "claims", env={"SECRET_TOKEN": "s3cr3t-bounded"}, timeout=60)
    assert done.returncode != 0 and "requirements.txt" in done.stdout + done.stderr
    assert "s3cr3t-bounded" not in done.stdout + done.stderr and "PATH=" not in done.stdout + done.stderr
    with pytest.raises(libraries.RequirementsProblem):
        libraries.read(book / "requirements.txt")


def test_the_books_specs_still_load(tmp_path):
    from helpers import CLAIMS

    assert len(loader.load(CLAIMS)) > 400


def test_a_spec_linked_out_of_its_tree_is_refused_naming_the_link(tmp_path):
    outside = write(tmp_path / "elsewhere", "secret.yaml", "book: t\n")
    spec = tmp_path / "claims" / "linked.yaml"
    spec.parent.mkdir()
    spec.symlink_to(outside)
    [broken] = loader.load_file(spec, tmp_path / "claims")
    assert any(f"a link out of {tmp_path / 'claims'}" in p for p in broken.problems), broken.problems


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "environ"])
def test_a_notebook_a_listing_and_a_runs_file_are_read_bounded(tmp_path, kind):
    """Issue 36: what a claim's program and references read from the checkout goes through the same
    reader: a FIFO cannot block, /dev/zero cannot grow, /proc/self/environ is never read (a clear error
    naming the file, in under two seconds)."""
    from claimcheck.runners.claim import listings, notebooks, readers
    from claimcheck.runners.core.errors import ClaimError

    def planted(name):
        path = tmp_path / kind / name
        path.parent.mkdir(exist_ok=True)
        if kind == "fifo":
            os.mkfifo(path)
        else:
            path.symlink_to("/dev/zero" if kind == "dev-zero" else "/proc/self/environ")
        return path

    start = time.perf_counter()
    with pytest.raises(ClaimError, match="nb.ipynb.*(not a regular file|the kernel's)"):
        notebooks.read(planted("nb.ipynb"))
    with pytest.raises(ClaimError, match="l.py.*(not a regular file|the kernel's)"):
        listings.read_listing(planted("l.py"))
    with pytest.raises(readers.ReadersError, match="runs.jsonl.*(not a regular file|the kernel's)"):
        readers.load(planted("runs.jsonl"))
    assert time.perf_counter() - start < 2
