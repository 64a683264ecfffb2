"""Listings run as the book prints them, in a fresh namespace, with their changes on record."""
import pytest

from claimcheck.runners.claim.listings import Program, read_listing
from claimcheck.runners.core.errors import ClaimError
from claimcheck.runners.engine.execution import ListingFailed, execute
from claimcheck.runners.engine.executor import Executor

from helpers import LISTINGS, settings, write


def run(paths, tmp_path, **kw):
    return execute(Program(tuple(paths), **kw), tmp_path / "work")


def test_changes_for_keras3_are_recorded_beside_the_listing():
    listing = read_listing(LISTINGS / "listing_8_1.py")
    assert len(listing.changes) == 2
    assert listing.changes[0].text.startswith("`from tensorflow import keras` -> `import keras`")
    assert (listing.changes[0].old, listing.changes[0].new) == ("from tensorflow import keras", "import keras")
    assert read_listing(LISTINGS / "listing_8_5.py").changes == []


def test_as_printed_undoes_every_reversible_change():
    printed = read_listing(LISTINGS / "listing_8_1.py").printed()
    assert "from tensorflow import keras\n" in printed and "from tensorflow.keras import layers\n" in printed
    assert "\nimport keras\n" not in printed and "\nfrom keras import layers\n" not in printed
    # a split listing keeps its note (no code to undo), and undoes its import change
    split = read_listing(LISTINGS / "listing_8_21a.py")
    assert [c.old is None for c in split.changes] == [True, False, False]
    assert "from tensorflow import keras" in split.printed()
    program = Program((LISTINGS / "listing_8_21a.py",), as_printed=True)
    assert program.changes() == {"listing_8_21a.py": [split.changes[0].text]}


def test_a_change_that_cannot_be_undone_is_an_error(tmp_path):
    path = write(tmp_path, "l.py", "# claimcheck-change: `from a import b` -> `import b`\nimport c\n")
    with pytest.raises(ClaimError, match="cannot undo the change"):
        read_listing(path).printed()


def test_fresh_namespace_and_fresh_layer_names(tmp_path):
    first = run([LISTINGS / "listing_8_1.py"], tmp_path)
    second = run([LISTINGS / "listing_8_1.py"], tmp_path)
    assert first.namespace["model"] is not second.namespace["model"]
    assert [layer.name for layer in second.namespace["model"].layers][1] == "conv2d"


def test_notebook_order_numbers_layers_on(tmp_path):
    result = run([LISTINGS / "listing_8_1.py", LISTINGS / "listing_8_5.py"], tmp_path)
    names = [layer.name for layer in result.namespace["model_no_max_pool"].layers]
    assert names[1:4] == ["conv2d_3", "conv2d_4", "conv2d_5"]
    assert "Total params: 712,202" in result.stdout  # the summary the book prints, captured


def test_a_raising_listing_keeps_its_traceback(tmp_path):
    path = write(tmp_path, "bad.py", "x = 1\nraise ValueError('printed wrong')\n")
    with pytest.raises(ListingFailed) as info:
        run([path], tmp_path)
    assert "bad.py" in info.value.traceback and "line 2" in info.value.traceback
    assert "ValueError: printed wrong" in str(info.value)


def test_a_listing_that_exits_is_caught_like_any_exception(tmp_path):
    path = write(tmp_path, "exits.py", "import sys\nsys.exit(3)\n")
    with pytest.raises(ListingFailed, match="SystemExit: 3"):
        run([path], tmp_path)


def test_listings_run_once_per_session_and_failures_are_shared(tmp_path):
    counter = write(tmp_path, "count.py", "import builtins\nbuiltins._runs = getattr(builtins, '_runs', 0) + 1\n")
    executor = Executor(settings(cache_dir=tmp_path / "cache"))
    try:
        executor.execution(Program((counter,)))
        executor.execution(Program((counter,)))
        import builtins
        assert builtins._runs == 1
        del builtins._runs
        bad = write(tmp_path, "bad.py", "raise RuntimeError('once')\n")
        with pytest.raises(ListingFailed):
            executor.execution(Program((bad,)))
        with pytest.raises(ListingFailed):
            executor.execution(Program((bad,)))
    finally:
        executor.close()
    assert not list((tmp_path / "cache" / "work").iterdir())  # working folders removed at the end


def test_substitutions_apply_and_must_match(tmp_path):
    path = write(tmp_path, "l.py", "epochs = 30\n")
    result = run([path], tmp_path, substitute=(("epochs = 30", "epochs = 1"),))
    assert result.namespace["epochs"] == 1 and result.substitute == [("epochs = 30", "epochs = 1")]
    with pytest.raises(ClaimError, match="occurs in none of the listings"):
        run([path], tmp_path, substitute=(("epochs=99", "epochs=1"),))


def test_every_program_runs_in_its_own_working_folder(tmp_path):
    path = write(tmp_path, "cwd.py", "import os\nhere = os.getcwd()\nopen('out.txt', 'w').write('x')\n")
    executor = Executor(settings(cache_dir=tmp_path / "cache"))
    try:
        a = executor.execution(Program((path,)))
        b = executor.execution(Program((path,), as_printed=True))
        assert a.namespace["here"] != b.namespace["here"]
        assert (a.workdir / "out.txt").is_file()
    finally:
        executor.close()
