"""The notebook as the drafter reads it: its code cells, which of them a claim's program needs, the
fits, the data the cells load and what in them needs a person."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from ..claim import notebooks

FIT = re.compile(r"(?:(?P<var>\w+)\s*=\s*)?(?P<obj>\w+)\.fit(?:_generator)?\(")
METRICS = re.compile(r"metrics\s*=\s*\[\s*['\"](?P<m>\w+)['\"]")
ABSOLUTE = re.compile(r"""['"](/(?:Users|home|tmp|mnt|data)/[^'"]*|[A-Z]:\\[^'"]*)['"]""")
DATA = (("mnist.load_data", "mnist"), ("flow_from_directory", "dogs_vs_cats"),
        ("image_dataset_from_directory", "dogs_vs_cats"), ("weights='imagenet'", "vgg16_weights"),
        ('weights="imagenet"', "vgg16_weights"))


def display_only(source: str) -> bool:
    """A cell that only shows a value (``train_images.shape``): no program needs it."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return False
    value = tree.body[0].value
    return not isinstance(value, ast.Call) or (isinstance(value.func, ast.Name) and value.func.id == "len")


def _imports_only(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return bool(tree.body) and all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body)


def _side_only(source: str) -> bool:
    """Plots and saves: they change nothing a claim reads."""
    lines = [ln for ln in source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return bool(lines) and all(re.search(r"\bplt\.|\.save\(|^\s*import matplotlib|^\s*(acc|val_acc|loss|val_loss|epochs)\s*=",
                                         ln) for ln in lines)


class DraftNotebook:
    """One notebook, read with nbformat (``claim.notebooks``); cells are numbered as a cite's ``cell:``."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.nb = notebooks.read(self.path)
        self.code = [i for i, c in enumerate(self.nb.cells) if c.cell_type == "code"]
        text = "\n".join(self.nb.cells[i].source for i in self.code)
        m = METRICS.search(text)
        self.metric = m.group("m") if m else "accuracy"
        self.fits = [i for i in self.code if FIT.search(self.nb.cells[i].source)]

    def source(self, i: int) -> str:
        return self.nb.cells[i].source

    def title(self) -> str:
        """The first markdown heading, without its section number."""
        for cell in self.nb.cells:
            if cell.cell_type == "markdown":
                for line in cell.source.splitlines():
                    if line.startswith("#"):
                        return re.sub(r"^#+\s*(\d+(\.\d+)*\s*-\s*)?", "", line).strip()
        return "(untitled)"

    def program(self, upto: int) -> list:
        """Every code cell up to ``upto`` that a later cell may need (no display-only, plot or save cells)."""
        return [i for i in self.code if i <= upto and (i == upto or not (
            display_only(self.source(i)) or _side_only(self.source(i))))]

    def model_cells(self, obj: str, upto: int) -> list:
        """The cells that build ``obj`` (``obj = ...``, ``obj.add(...)``) before ``upto``, and the imports before them."""
        builds = [i for i in self.code if i < upto and re.search(rf"^\s*{obj}\s*(=|\.add\()", self.source(i), re.M)]
        if not builds:
            return self.program(upto)
        imports = [i for i in self.code if i < builds[0] and _imports_only(self.source(i))]
        return imports + builds

    def trained(self, i: int) -> bool:
        return any(f <= i for f in self.fits)

    def fit_before(self, i: int) -> int:
        """The last fit at or before cell ``i``."""
        return max(f for f in self.fits if f <= i)

    def requires(self, cells: list) -> list:
        text = "\n".join(self.source(i) for i in cells)
        return sorted({name for needle, name in DATA if needle in text})

    def review(self, cells: list) -> list:
        out = []
        for i in cells:
            for m in ABSOLUTE.finditer(self.source(i)):
                out.append(f"cell {i} names a path on the author's machine ({m.group(1)}): substitute it "
                           "(measure.substitute) or point it at a configured resource")
        return out
