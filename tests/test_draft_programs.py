"""`claimcheck draft`: a drafted claim's program is the statements its value needs (names read with ast,
followed back to the statements that define or change them, with their imports, the seeding statements
of the libraries they use, the options set before them and the files they read), not every cell before
it: a cell that also does more is written as its lines (`4:2`); data loaders stay out of programs that do
not need them; a draft of another author's notebook (`NN_name.ipynb`) names its chapter, keeps its ids
unique and validates as written."""
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
    code = draft_command.run(Namespace(notebook=str(notebook), out=str(out), book=book, force=True, no_run=True,
                                       timeout=60.0))
    return code, out, capsys.readouterr()


def _programs(d):
    """{the cell an output claim compares: its program, as the spec writes it ("1,2,4:2")}."""
    return {p.measure["cell"]: spec._cells(d.source.parts(p.cells)) for p in d.proposals if p.kind == "output"}


def test_a_value_needs_its_import_definition_and_seed_not_the_download_between(tmp_path):
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
    programs = _programs(d)
    assert programs[6] == "1-3,6"  # not 4 or 5
    shape = next(p for p in d.proposals if p.measure.get("cell") == 6)
    assert not any("network" in r for r in shape.review)
    images = next(p for p in d.proposals if p.measure.get("cell") == 8)
    assert programs[8] == "4,7-8"  # the claim that needs the download has it, and says so
    assert any("cell 4 reaches the network" in r and "tfds.load" in r and "mnist" in r for r in images.review)


def test_a_seed_beside_a_data_load_comes_without_the_load(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("import numpy as np\nimport tensorflow_datasets as tfds"),       # 1
        _code("ds = tfds.load('mnist')\nnp.random.seed(0)\nslow = sum(range(10**8))"),  # 2: a load, a seed, a loop
        _code("noise = np.random.rand(3)\nnoise.round(2)", shown="array([0.55, 0.72, 0.6 ])"),  # 3
    ])
    d = draft(path, book="g")
    assert _programs(d)[3] == "1:1,2:2,3"  # numpy's import and the seed's line: no download, no loop
    [p] = d.proposals
    assert p.seeded and not p.requires and not p.review


def test_a_file_saved_by_one_cell_and_loaded_by_another_is_followed(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("import numpy as np"),                                       # 1
        _code("a = np.arange(4)\nnp.save('a.npy', a)"),                     # 2: writes the file
        _code("other = 5"),                                                # 3
        _code("b = np.load('a.npy')\nb.sum()", shown="6"),                  # 4: reads it
        _code("path = 'model.txt'\nopen(path, 'w').write('7')"),            # 5: through a name
        _code("int(open('model.txt').read()) + 1", shown="8"),             # 6
    ])
    programs = _programs(draft(path, book="g"))
    assert programs[4] == "1-2,4" and programs[6] == "5-6"


def test_an_import_run_before_the_cell_that_uses_it_runs_first(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("x = np.ones(3)\nx.sum()", shown="3.0"),   # 1: np imported by cell 2, which the author ran first
        _code("import numpy as np"),                   # 2
    ])
    d = draft(path, book="g")
    [p] = d.proposals
    assert d.source.entries(p.cells) == [[2], [1]]
    doc = spec.spec_document(d, tmp_path / "x.yaml")
    assert doc["claims"][0]["measure"]["listings"] == ["3.1-programs.ipynb#2", "3.1-programs.ipynb#1"]


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
    assert nbk.cells_of(nbk.needs(reads=["model"], at=9)) == [1, 2, 4]
    assert nbk.cells_of(nbk.needs(reads=["weights"], at=7)) == [1, 2, 4, 6]
    assert nbk.parts(nbk.needs(reads=["plt"], at=9)) == [(5, 1, 1)]  # plt.plot changed nothing a claim reads
    assert _programs(draft(path, book="g"))[7] == "1-2,4,6-7"


def test_changing_an_object_changes_what_it_was_made_from(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("import torch"),                                                    # 1
        _code("torch.manual_seed(1)\nmodel = torch.nn.Linear(2, 1)\nrate = 0.1"),  # 2
        _code("opt = torch.optim.SGD(model.parameters(), lr=rate)"),              # 3
        _code("model(torch.ones(1, 2)).sum().backward()\nopt.step()"),           # 4: changes model through opt
        _code("x = 3"),                                                           # 5
        _code("print(model.bias.item() < 1)", printed="True\n"),                 # 6
    ])
    assert _programs(draft(path, book="g"))[6] == "1-4,6"


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
    programs = _programs(draft(path, book="g"))
    assert programs == {3: "1-3", 6: "1,4,6", 8: "1,4-5,8", 9: "1,4,7,9"}


def test_magics_parse_and_a_star_import_brings_every_cell_before_it(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("%matplotlib inline\nimport numpy as np"),                # 1
        _code("%%time\nz = np.ones((3, 2))"),                          # 2: its body runs as Python
        _code("!pip install nothing\nw = 1"),                          # 3
        _code("z.shape", shown="(3, 2)"),                              # 4
        _code("from os.path import *\nv = np.ones((1, 1))"),           # 5
        _code("v.shape", shown="(1, 1)"),                              # 6
    ])
    programs = _programs(draft(path, book="g"))
    assert programs[4] == "1-2,4"
    assert programs[6] == "1-3,5-6"  # it may define anything: everything before it
    assert names.analyse("exec('q = 1')").opaque and not names.analyse("q = 1").opaque


def test_seeding_statements_come_with_the_statements_that_draw_on_their_library(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("import numpy as np\nimport tensorflow as tf\nimport torch"),   # 1
        _code("np.random.seed(1)"),                                           # 2
        _code("tf.random.set_seed(2)\ntorch.manual_seed(3)"),                  # 3
        _code("p = np.random.rand(2)"),                                       # 4: numpy's seed
        _code("q = tf.random.uniform((3,))"),                                 # 5: tensorflow's seed
        _code("r = [1, 2]"),                                                  # 6: no library: no seed
        _code("t = torch.rand(2)"),                                           # 7: torch's seed
        _code("p.shape", shown="(2,)"),
        _code("q.shape", shown="(3,)"),
        _code("len(r)", shown="2"),
        _code("t.shape", shown="torch.Size([2])"),
    ])
    programs = _programs(draft(path, book="g"))
    assert programs == {8: "1:1,2,4,8", 9: "1:2,3:1,5,9", 10: "6,10", 11: "1:3,3:2,7,11"}


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
    assert all(d.source.cells_of(p.cells) == [1, 2] for p in shapes)


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
    assert [p.id for p in d.proposals] == ["b.ch06.s6.out.cell3", "b.ch06.s6.out.cell5"]
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
        _code("!ls | wc -l", printed="12\n"),
        _code("1 / 0"),
    ])
    nb = nbformat.read(str(path), as_version=4)
    nb.cells[6].outputs = [v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])]
    nbformat.write(nb, str(path))
    d = draft(path, book="g")
    assert [p.measure["cell"] for p in d.proposals] == [2, 3]  # every output that shows a number is a claim
    kinds = {kind: [(c, t) for c, t, _ in found] for kind, found in d.unplaced_by_kind().items()}
    assert kinds == {"raised": [(6, "ZeroDivisionError: division by zero")], "shell": [(5, "12")],
                     "prose": [(4, "42.5%")]}
    text = spec.render(d, tmp_path / "x.yaml")
    assert "# shell (1): output of a shell command or a magic" in text


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
    nbk = d.source
    # no static claim runs every statement before its cite: each program is what its value needs
    static = [p for p in d.proposals if p.tier == "static"]
    assert static and all(len(p.cells) < len(nbk.program((p.cite[0][0], 0))) for p in static)


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
    assert all(d.source.cells_of(p.cells) == [1, 2, 4] for p in adam)  # not the training of cell 3


def test_a_function_reads_its_globals_where_it_is_called(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("import numpy as np"),                          # 1
        _code("data = np.zeros((2, 2))"),                     # 2
        _code("def prepare():\n    return data * 2"),        # 3
        _code("data = np.zeros((7, 2))"),                     # 4: what prepare() reads when cell 5 calls it
        _code("out = prepare()"),                             # 5
        _code("out.shape", shown="(7, 2)"),                   # 6
        _code("def grow():\n    data.resize((9, 2), refcheck=False)"),  # 7: changes data when called
        _code("grow()"),                                      # 8
        _code("data.shape", shown="(9, 2)"),                  # 9
    ])
    programs = _programs(draft(path, book="g"))
    assert programs[6] == "1-6" and programs[9] == "1,4,7-9"


def test_a_prose_number_is_matched_only_to_a_value_of_the_quantity_its_sentence_names(tmp_path):
    log = "Epoch 1/1\n8/8 - 0s - loss: 0.0812 - accuracy: 0.9812\n"
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("import keras\nimport numpy as np\nmodel = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])"),
        _code("model.compile(loss='mse', metrics=['accuracy'])\nhistory = model.fit(np.zeros((8, 2)), np.zeros(8))",
              printed=log),
        v4.new_markdown_cell("The accuracy reaches 98.1% after one epoch."),
        v4.new_markdown_cell("About 98.1% of the images are cats."),  # a share of the data, not the accuracy
        v4.new_markdown_cell("The loss falls by 98.1%."),              # another quantity named
    ])
    d = draft(path, book="g")
    prose = [p for p in d.proposals if p.prose]
    assert [p.cite[0][0] for p in prose] == [3, 4]  # the sentence naming accuracy, and the one naming none
    assert (5, "98.1%") in {(c, t) for c, t, _ in d.unplaced}


def test_another_models_imagenet_weights_are_no_vgg16_weights(tmp_path):
    path = _write(tmp_path / "3.1-programs.ipynb", [
        _code("import keras\nbase = keras.applications.Xception(weights='imagenet', include_top=False)"),
        _code("len(base.layers)", shown="132"),
        _code("vgg = keras.applications.VGG16(weights='imagenet')"),
        _code("len(vgg.layers)", shown="23"),
    ])
    d = draft(path, book="g")
    by_cell = {p.measure["cell"]: p for p in d.proposals}
    assert "vgg16_weights" not in by_cell[2].requires and by_cell[4].requires == ["vgg16_weights"]
