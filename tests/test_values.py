"""What a claim reads: paths into the listings' namespace, or named checks. Nothing is eval'd."""
import pytest

from claimcheck.runners.claim import values
from claimcheck.runners.claim.values import FunctionRef
from claimcheck.runners.core.errors import ClaimError

from helpers import write


class History:
    history = {"accuracy": [0.9, 0.95, 0.989], "val_loss": [0.5, 0.3, 0.4]}


NS = {"model": type("M", (), {"history": History()})(), "test_acc": 0.991, "shape": (60000, 28, 28)}


@pytest.mark.parametrize("path, expected", [
    ("test_acc", 0.991),
    ("model.history.history['accuracy'][-1]", 0.989),
    ("model.history.history['val_loss'][:2]", [0.5, 0.3]),
    ("shape[1]", 28),
])
def test_paths(path, expected):
    assert values.problems(path) == []
    assert values.evaluate(path, NS) == expected


@pytest.mark.parametrize("text", [
    "len(model.trainable_weights)", "__import__('os').system('true')", "max(history)", "test_acc + 1",
    "[x for x in shape]", "shape[::2]", "(lambda: 1)()",
])
def test_anything_but_a_path_is_refused_before_it_runs(text):
    [problem] = values.problems(text)
    assert "not a path" in problem or "no step" in problem


def test_a_path_to_nothing_names_what_the_listings_define():
    with pytest.raises(ClaimError, match="define no 'tset_acc'.*test_acc"):
        values.evaluate("tset_acc", NS)
    with pytest.raises(ClaimError, match="KeyError"):
        values.evaluate("model.history.history['val_accuracy']", NS)


def test_a_named_check_reads_what_its_parameters_name(tmp_path):
    write(tmp_path, "checks.py", "def best(model, stdout):\n    return max(model.history.history['accuracy']), stdout\n")
    ref = FunctionRef("checks", "best", str(tmp_path))
    assert values.problems(ref) == []
    assert values.evaluate(ref, NS, stdout="printed") == (0.989, "printed")
    assert ref.key.startswith("!function checks.best#")


def test_an_edited_check_is_a_new_value(tmp_path):
    path = write(tmp_path, "checks.py", "def f(test_acc):\n    return test_acc\n")
    ref = FunctionRef("checks", "f", str(tmp_path))
    before = ref.key
    path.write_text("def f(test_acc):\n    return round(test_acc, 2)\n")
    assert ref.key != before


def test_check_problems_are_reported(tmp_path):
    write(tmp_path, "checks.py", "def f(*args):\n    return 1\n")
    assert "named parameters only" in values.problems(FunctionRef("checks", "f", str(tmp_path)))[0]
    assert "defines no function 'g'" in values.problems(FunctionRef("checks", "g", str(tmp_path)))[0]
    assert "not found" in values.problems(FunctionRef("checks", "g", str(tmp_path / "elsewhere")))[0]
    assert "lives in checks.py beside the spec" in values.problems(FunctionRef("nowhere", "g", str(tmp_path)))[0]
    write(tmp_path / "reads", "checks.py", "def f(history):\n    return history\n")
    with pytest.raises(ClaimError, match="reads 'history', which the listings do not define"):
        values.evaluate(FunctionRef("checks", "f", str(tmp_path / "reads")), NS)


def test_a_value_is_described_in_words_an_author_reads(tmp_path):
    """Reasons say "the training accuracy ... for the last epoch", not '!function checks.name'; the
    docstring is read from the source, never by running checks.py."""
    from claimcheck.runners.claim.values import FunctionRef, describe

    (tmp_path / "checks.py").write_text(
        'raise SystemExit("never imported")\n\n'
        'def peak(history):\n    """The highest validation accuracy (the peak of the curve).\n\n    More.\n    """\n'
        '    return 1\n\ndef bare(history):\n    return 2\n')
    assert describe(FunctionRef("checks", "peak", str(tmp_path))) == "the highest validation accuracy"
    assert describe(FunctionRef("checks", "bare", str(tmp_path))) == "the check bare"
    assert describe("test_acc") == "'test_acc'"
