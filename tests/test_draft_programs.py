"""`claimcheck draft`: a drafted claim's program is the cells its value needs (names read with ast, followed
back to the cells that define them, with their imports and seeding cells), not every cell before it;
data loaders stay out of programs that do not need them; a draft of another author's notebook
(`NN_name.ipynb`) names its chapter, keeps its ids unique and validates as written."""
from argparse import Namespace

import nbformat
import pytest
import yaml
from generated_notebooks import SUMMARY
from nbformat import v4

from claimcheck.runners.authoring import names, spec
from claimcheck.runners.authoring.drafting import draft
from claimcheck.runners.authoring.notebook import DraftNotebook
from claimcheck.runners.authoring.proposals import section_of
from claimcheck.runners.catalog import loader
from claimcheck.runners.cli import draft as draft_command

from helpers import ROOT

GERON = ROOT.parent / "shared" / "sources" / "handson-ml3"


def _code(source, shown=None, printed=None):
    cell = v4.new_code_cell(source)
    if shown is not None:
        cell.outputs = [v4.new_output("execute_result", data={"text/plain": shown}, execution_count=1)]
    if printed is not None:
        cell.outputs = [v4.new_output("stream", name="stdout", text=printed)]
    return cell


def _write(path, cells, heading="# 3.1 - Programs"):
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell(heading), *cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def _run_draft(tmp_path, notebook, capsys, book="g"):
    out = tmp_path / "drafts" / (notebook.stem + ".yaml")
    code = draft_command.run(Namespace(notebook=str(notebook), out=str(out), book=book, force=True))
    return code, out, capsys.readouterr()


def _by_value(d):
    return {p.measure.get("value"): p for p in d.proposals}


def test_a_value_needs_its_import_definition_and_seed_cells_not_the_download_between(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("import numpy as np"),                                          # 1
        _code("np.random.seed(42)"),                                          # 2
        _code("x = np.random.rand(4, 3)"),                                    # 3
        _code("import tensorflow_datasets as tfds\nds = tfds.load('mnist')"),  # 4: a download
        _code("unrelated = [1, 2, 3]"),                                       # 5
        _code("x.shape", shown="(4, 3)"),                                     # 6
        _code("images = ds['train']"),                                        # 7
        _code("images.shape", shown="(60000, 28, 28)"),                       # 8
    ])
    d = draft(path, book="g")
    shape = _by_value(d)["x.shape"]
    assert shape.cells == [1, 2, 3]  # not [1, 2, 3, 4, 5], not [6]
    assert not any("network" in r for r in shape.review)
    images = _by_value(d)["images.shape"]
    assert images.cells == [4, 7]  # the claim that needs the download has it, and says so
    assert any("cell 4 reaches the network" in r and "tfds.load" in r and "mnist" in r for r in images.review)


def test_a_method_call_that_may_change_an_object_is_part_of_its_program(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("import keras"),                                                               # 1
        _code("model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16)])"),     # 2
        _code("model.summary()", printed="irrelevant"),                                      # 3: reads only
        _code("model.compile(optimizer='sgd', loss='mse')"),                                 # 4: changes it
        _code("import matplotlib.pyplot as plt\nplt.rc('font', size=14)"),                  # 5: a module's call
        _code("weights = model.get_weights()"),                                              # 6
        _code("len(weights)", shown="2"),                                                    # 7
        _code("plt.plot(weights[0])"),                                                       # 8
        _code("model.optimizer.name", shown="'sgd'"),                                       # 9
    ])
    nbk = DraftNotebook(path)
    assert nbk.needs(reads=["model"], at=9) == [1, 2, 4]
    assert nbk.needs(reads=["weights"], at=7) == [1, 2, 4, 6]
    assert nbk.needs(reads=["plt"], at=9) == [5]  # plt.plot changed nothing a claim reads
    assert _by_value(draft(path, book="g"))["weights.shape[0]"].cells == [1, 2, 4, 6]


def test_the_later_of_two_definitions_before_the_value_is_the_one_used(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("import numpy as np"),            # 1
        _code("a = np.zeros((2, 2))"),          # 2
        _code("a.shape", shown="(2, 2)"),       # 3
        _code("a = np.zeros((5, 5))"),          # 4
        _code("b = a + 1"),                     # 5
        _code("a.shape", shown="(5, 5)"),       # 6
        _code("a = a[:3]"),                     # 7: reads the a of cell 4
        _code("b.shape", shown="(5, 5)"),       # 8
        _code("a.shape", shown="(3, 5)"),       # 9
    ])
    d = draft(path, book="g")
    programs = {(p.cite[0][0]): p.cells for p in d.proposals}
    assert programs[3] == [1, 2] and programs[6] == [1, 4] and programs[8] == [1, 4, 5] and programs[9] == [1, 4, 7]


def test_magics_parse_and_a_star_import_brings_every_cell_before_it(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("%matplotlib inline\nimport numpy as np"),                # 1
        _code("%%time\nz = np.ones((3, 2))"),                          # 2: its body runs as Python
        _code("!pip install nothing\nw = 1"),                          # 3
        _code("z.shape", shown="(3, 2)"),                              # 4
        _code("from os.path import *\nv = np.ones((1, 1))"),           # 5
        _code("v.shape", shown="(1, 1)"),                              # 6
    ])
    d = draft(path, book="g")
    assert _by_value(d)["z.shape"].cells == [1, 2]
    assert _by_value(d)["v.shape"].cells == [1, 2, 3, 5]  # it may define anything: everything before it
    assert names.analyse("exec('q = 1')").opaque and not names.analyse("q = 1").opaque


def test_seeding_cells_come_with_the_cells_that_draw_on_their_library(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("import numpy as np\nimport tensorflow as tf"),   # 1
        _code("np.random.seed(1)"),                            # 2
        _code("tf.random.set_seed(2)"),                        # 3
        _code("p = np.random.rand(2)"),                        # 4: numpy's seed
        _code("q = tf.random.uniform((3,))"),                  # 5: tensorflow's seed
        _code("r = [1, 2]"),                                   # 6: no library: no seed
        _code("p.shape", shown="(2,)"),
        _code("q.shape", shown="(3,)"),
        _code("len(r)", shown="2"),
    ])
    d = draft(path, book="g")
    assert _by_value(d)["p.shape"].cells == [1, 2, 4]
    assert _by_value(d)["q.shape"].cells == [1, 3, 5]
    assert _by_value(d)["r.shape[0]"].cells == [6]


def test_a_pretrained_model_is_measured_on_its_architecture(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("import keras"),
        _code("base = keras.applications.VGG16(weights=\"imagenet\", include_top=False, input_shape=(32, 32, 3))"),
        _code("base.summary()", printed=SUMMARY.format(a=0, b=1, k=10, p=170, t=314)),
    ])
    d = draft(path, book="g")
    shapes = [p for p in d.proposals if p.kind in ("output_shape", "param_count")]
    assert shapes and all(p.measure["substitute"] == {'weights="imagenet"': "weights=None"} for p in shapes)
    assert all("vgg16_weights" not in p.requires and not any("network" in r for r in p.review) for p in shapes)
    assert all(p.cells == [1, 2] for p in shapes)


def test_ids_stay_unique_and_the_chapter_comes_from_the_file_name_and_heading(tmp_path, capsys):
    path = _write(tmp_path / "drafts" / "notebooks" / "06_trees.ipynb", [
        _code("import numpy as np"),
        _code("y = np.zeros((3, 2))"),
        _code("y.shape", shown="(3, 2)"),
        _code("y = np.zeros((4, 2))"),
        _code("y.shape", shown="(4, 2)"),
    ], heading="# Chapter 6 – Decision Trees\n\nThe notebook of chapter 6.")
    assert section_of(path) == ("6", "6") and section_of(tmp_path / "10_neural_nets.ipynb") == ("10", "10")
    assert section_of(tmp_path / "5.2-convnets.ipynb") == ("5", "5.2") and section_of(tmp_path / "notes.ipynb") is None
    d = draft(path, book="b")
    assert (d.chapter, d.section, d.title) == ("6", "6", "Decision Trees")
    assert [p.id for p in d.proposals] == ["b.ch06.s6.value.y_shape", "b.ch06.s6.value.y_shape2"]
    assert d.deduplicated == 1
    code, out, printed = _run_draft(tmp_path, path, capsys, book="b")
    assert code == 0 and "validate: valid" in printed.out, printed.err
    doc = yaml.safe_load(out.read_text())
    assert (doc["chapter"], doc["section"], doc["title"]) == (6, "6", "Decision Trees")


def test_what_is_not_placed_is_listed_by_kind_with_its_reason(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("import os"),
        _code("len(os.listdir('.'))", shown="7"),
        _code("print('score', 0.93)", printed="score 0.93\n"),
        v4.new_markdown_cell("About 42.5% of them."),
    ])
    d = draft(path, book="g")
    assert not d.proposals
    kinds = {kind: [(c, t) for c, t, _ in found] for kind, found in d.unplaced_by_kind().items()}
    assert kinds == {"call": [(2, "7")], "printed": [(3, "score 0.93")], "prose": [(4, "42.5%")]}
    text = spec.render(d, tmp_path / "x.yaml")
    assert "# call (1): values a cell shows by calling something" in text


@pytest.mark.skipif(not GERON.is_dir(), reason=f"Géron's notebooks are not at {GERON}")
@pytest.mark.parametrize("name", ["04_training_linear_models", "10_neural_nets_with_keras",
                                  "11_training_deep_neural_networks"])
def test_geron_notebooks_draft_files_that_validate_as_written(tmp_path, capsys, name):
    source = GERON / f"{name}.ipynb"
    code, out, printed = _run_draft(tmp_path, source, capsys, book="hom3")
    assert code == 0 and "validate: valid" in printed.out, printed.err[-3000:]
    claims = loader.load(out)
    assert len({c.id for c in claims}) == len(claims) and not any(c.problems for c in claims)
    chapter = int(name[:2])
    assert all(c.id.startswith(f"hom3.ch{chapter:02d}.s{chapter}.") for c in claims)
    doc = yaml.safe_load(out.read_text())
    assert doc["chapter"] == chapter and doc["title"] != "Setup"
    d = draft(source, book="hom3")
    nbk = DraftNotebook(source)
    # no static claim runs every cell before its cite: each program is what its value needs
    static = [p for p in d.proposals if p.tier == "static"]
    assert all(len(p.cells) < len(nbk.program(p.cite[0][0])) for p in static)


LOG = "Epoch 1/1\n8/8 - 0s - loss: 0.5 - accuracy: 0.8125 - val_loss: 0.6 - val_accuracy: 0.75\n"


def test_a_helper_that_trains_is_a_fit_of_its_own_read_from_what_it_returns(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("import keras\nimport numpy as np"),                                                   # 1
        _code("def train(optimizer):\n    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\n"
              "    model.compile(optimizer=optimizer, loss='mse', metrics=['accuracy'])\n"
              "    return model.fit(np.zeros((8, 2)), np.zeros(8), epochs=1)"),                          # 2
        _code("history_sgd = train('sgd')", printed=LOG),                                             # 3
        _code("history_adam = train('adam')", printed=LOG),                                           # 4
    ])
    d = draft(path, book="g")
    adam = [p for p in d.proposals if p.cite[0][0] == 4]
    assert {p.measure["value"] for p in adam} == {"history_adam.history['accuracy'][-1]",
                                                  "history_adam.history['val_accuracy'][-1]"}
    assert all(p.cells == [1, 2, 4] for p in adam)  # not the training of cell 3


def test_a_function_reads_its_globals_where_it_is_called(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("import numpy as np"),                          # 1
        _code("data = np.zeros((2, 2))"),                     # 2
        _code("def prepare():\n    return data * 2"),        # 3
        _code("data = np.zeros((7, 2))"),                     # 4: what prepare() reads when cell 5 calls it
        _code("out = prepare()"),                             # 5
        _code("out.shape", shown="(7, 2)"),
    ])
    assert _by_value(draft(path, book="g"))["out.shape"].cells == [1, 2, 3, 4, 5]
