"""Generated notebooks for `claimcheck draft`: as many display cells as asked, shaped like the book's
(claims/dlwp1/notebooks/): code cells that build something, then cells that display it (a Keras-like
``model.summary()`` table, an array's shape, a printed value), prose between them, one fit early on."""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat import v4

SUMMARY = """_________________________________________________________________
Layer (type)                 Output Shape              Param #
=================================================================
dense_{a} (Dense)              (None, 16)                144
_________________________________________________________________
dense_{b} (Dense)              (None, {k})                {p}
=================================================================
Total params: {t}
Trainable params: {t}
Non-trainable params: 0
_________________________________________________________________
"""
FIT_LOG = ("Epoch 1/2\n60000/60000 [==============================] - 8s - loss: 0.1766 - acc: 0.9440\n"
           "Epoch 2/2\n60000/60000 [==============================] - 7s - loss: 0.0462 - acc: 0.9855\n")


def _code(source: str, outputs=()) -> nbformat.NotebookNode:
    cell = v4.new_code_cell(source)
    cell.outputs = list(outputs)
    return cell


def _shown(text: str):
    return v4.new_output("execute_result", data={"text/plain": text}, execution_count=1)


def _printed(text: str):
    return v4.new_output("stream", name="stdout", text=text)


KINDS = ("shape", "summary", "print", "len")


def notebook(displays: int, kinds: tuple = KINDS) -> nbformat.NotebookNode:
    """A notebook of ``displays`` code cells with a display output (and the cells they need), of
    ``kinds`` in turn: an array and its displayed shape, a model and its summary, a printed value
    (after the fit: a metric), the prose about an array and its displayed length."""
    nb = v4.new_notebook()
    cells = [v4.new_markdown_cell("# 3.1 - A generated notebook\n\nFor `claimcheck draft`'s limits."),
             _code("import numpy as np\nfrom keras import layers, models"),
             _code("model = models.Sequential()\nmodel.add(layers.Dense(16, input_shape=(8,)))\n"
                   "model.compile(optimizer='rmsprop', loss='mse', metrics=['accuracy'])"),
             _code("history = model.fit(np.zeros((8, 8)), np.zeros((8, 16)), epochs=2)", [_printed(FIT_LOG)]),
             _code("x = np.zeros((5, 3))"), _code("x.shape", [_shown("(5, 3)")])]
    for k in range(displays):
        which = kinds[k % len(kinds)]
        if which == "shape":
            cells += [_code(f"x_{k} = np.zeros(({k + 1}, 3))"), _code(f"x_{k}.shape", [_shown(f"({k + 1}, 3)")])]
        elif which == "summary":
            cells += [_code(f"model_{k} = models.Sequential()\nmodel_{k}.add(layers.Dense(16, input_shape=(8,)))\n"
                            f"model_{k}.add(layers.Dense({k}))"),
                      _code(f"model_{k}.summary()", [_printed(SUMMARY.format(a=2 * k, b=2 * k + 1, k=k, p=17 * k,
                                                                             t=144 + 17 * k))])]
        elif which == "print":
            cells.append(_code(f"v_{k} = {k} / 7\nprint('v_{k}:', v_{k})", [_printed(f"v_{k}: {k / 7}\n")]))
        else:
            cells += [_code(f"y_{k} = list(range({k}))"),
                      v4.new_markdown_cell(f"So `y_{k}` holds {k} items, `x` is `(5, 3)`, and {100 * k / 7:.1f}% of it."),
                      _code(f"len(y_{k})", [_shown(f"{k}")])]
    nb.cells = cells
    return nb


def write(folder: Path, displays: int, name: str = "3.1-generated.ipynb", kinds: tuple = KINDS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(notebook(displays, kinds), str(path))
    return path
