"""Listings run as the book prints them, in a fresh namespace, with their changes on record."""
import pytest
from conftest import CLAIMS, write_spec

from runners.context import RunContext
from runners.listings import ListingFailed, Program, execute, read_listing

CH08 = CLAIMS / "dlwp2/ch08/listings"


def test_changes_for_keras3_are_recorded_beside_the_listing():
    listing = read_listing(CH08 / "listing_8_1.py")
    assert len(listing.changes) == 2
    assert listing.changes[0].startswith("`from tensorflow import keras` -> `import keras`")
    assert read_listing(CH08 / "listing_8_5.py").changes == []


def test_fresh_namespace_and_fresh_layer_names():
    first = execute([CH08 / "listing_8_1.py"])
    second = execute([CH08 / "listing_8_1.py"])
    assert first.namespace["model"] is not second.namespace["model"]
    assert [layer.name for layer in second.namespace["model"].layers][1] == "conv2d"


def test_notebook_order_numbers_layers_on():
    run = execute([CH08 / "listing_8_1.py", CH08 / "listing_8_5.py"])
    names = [layer.name for layer in run.namespace["model_no_max_pool"].layers]
    assert names[1:4] == ["conv2d_3", "conv2d_4", "conv2d_5"]
    assert "Total params: 712,202" in run.stdout  # the summary the book prints, captured


def test_a_raising_listing_keeps_its_traceback(tmp_path):
    path = write_spec(tmp_path, "bad.py", "x = 1\nraise ValueError('printed wrong')\n")
    with pytest.raises(ListingFailed) as info:
        execute([path])
    assert "bad.py" in info.value.traceback and "line 2" in info.value.traceback
    assert "ValueError: printed wrong" in str(info.value)


def test_listings_run_once_per_run_and_failures_are_shared(tmp_path):
    counter = write_spec(tmp_path, "count.py", "import builtins\nbuiltins._runs = getattr(builtins, '_runs', 0) + 1\n")
    ctx = RunContext()
    ctx.execution(Program((counter,)))
    ctx.execution(Program((counter,)))
    import builtins
    assert builtins._runs == 1
    del builtins._runs
    bad = write_spec(tmp_path, "bad.py", "raise RuntimeError('once')\n")
    with pytest.raises(ListingFailed):
        ctx.execution(Program((bad,)))
    with pytest.raises(ListingFailed):
        ctx.execution(Program((bad,)))


def test_substitutions_apply_and_must_match(tmp_path):
    path = write_spec(tmp_path, "l.py", "epochs = 30\n")
    run = execute(Program((path,), (("epochs = 30", "epochs = 1"),)))
    assert run.namespace["epochs"] == 1 and run.substitute == [("epochs = 30", "epochs = 1")]
    from runners.verdict import ClaimError
    with pytest.raises(ClaimError, match="occurs in none of the listings"):
        execute(Program((path,), (("epochs=99", "epochs=1"),)))
