"""The notebook as the drafter reads it: its code cells, which of them a claim's program needs, the
fits, the data the cells load and what in them needs a person."""
from __future__ import annotations

import ast
import bisect
import re
from pathlib import Path

from ..claim import notebooks

FIT = re.compile(r"(?:(?P<var>\w+)\s*=\s*)?(?P<obj>\w+)\.fit(?:_generator)?\(")
METRICS = re.compile(r"metrics\s*=\s*\[\s*['\"](?P<m>\w+)['\"]")
ABSOLUTE = re.compile(r"""['"](/(?:Users|home|tmp|mnt|data)/[^'"]*|[A-Z]:\\[^'"]*)['"]""")
BUILDS = re.compile(r"^\s*(\w+)\s*(?:=|\.add\()", re.M)  # a line that assigns a name or adds to it
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
    """One notebook, read with nbformat (``claim.notebooks``); cells are numbered as a cite's ``cell:``.

    What each code cell is (display-only, a plot or save, imports only, what it assigns, the data it
    loads, what needs review) is read once, here, so that asking for the program of a cell costs the
    length of the answer, not of the notebook: a draft is linear in the notebook's cells."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.nb = notebooks.read(self.path)
        self.code = [i for i, c in enumerate(self.nb.cells) if c.cell_type == "code"]
        text = "\n".join(self.nb.cells[i].source for i in self.code)
        m = METRICS.search(text)
        self.metric = m.group("m") if m else "accuracy"
        self.fits = [i for i in self.code if FIT.search(self.nb.cells[i].source)]
        # the code cells a later cell may need (no display-only, plot or save cells), in order
        self._needed = [i for i in self.code if not (display_only(self.source(i)) or _side_only(self.source(i)))]
        self._imports = [i for i in self.code if _imports_only(self.source(i))]
        self._builds: dict[str, list] = {}  # name -> the cells that assign it or add to it, in order
        for i in self.code:
            for name in dict.fromkeys(BUILDS.findall(self.source(i))):
                self._builds.setdefault(name, []).append(i)
        self._data = {i: names for i in self.code if (names := {n for needle, n in DATA if needle in self.source(i)})}
        self._review = {i: notes for i in self.code if (notes := [
            f"cell {i} names a path on the author's machine ({m.group(1)}): substitute it "
            "(measure.substitute) or point it at a configured resource" for m in ABSOLUTE.finditer(self.source(i))])}

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
        before = self._needed[:bisect.bisect_left(self._needed, upto)]
        return before + [upto] if self.nb.cells[upto].cell_type == "code" else before

    def model_cells(self, obj: str, upto: int) -> list:
        """The cells that build ``obj`` (``obj = ...``, ``obj.add(...)``) before ``upto``, and the imports before them."""
        cells = self._builds.get(obj, [])
        builds = cells[:bisect.bisect_left(cells, upto)]
        if not builds:
            return self.program(upto)
        return self._imports[:bisect.bisect_left(self._imports, builds[0])] + builds

    def trained(self, i: int) -> bool:
        return bool(self.fits) and self.fits[0] <= i

    def fit_before(self, i: int) -> int:
        """The last fit at or before cell ``i``."""
        k = bisect.bisect_right(self.fits, i)
        if not k:
            raise ValueError(f"no fit at or before cell {i}")
        return self.fits[k - 1]

    def fit_after(self, fit: int) -> int | None:
        """The first fit after cell ``fit``, if any."""
        k = bisect.bisect_right(self.fits, fit)
        return self.fits[k] if k < len(self.fits) else None

    def requires(self, cells: list) -> list:
        """The data the cells load (``cells`` in order)."""
        return sorted(set().union(*(self._data[i] for i in _among(self._data, cells))))

    def review(self, cells: list) -> list:
        """What a person must look at in the cells (``cells`` in order)."""
        return [note for i in _among(self._review, cells) for note in self._review[i]]


def _among(marked: dict, cells: list) -> list:
    """The cells of ``cells`` (in order) that ``marked`` has an entry for, in the time of the shorter of the two."""
    if len(marked) < len(cells):
        found = []
        for i in sorted(marked):
            k = bisect.bisect_left(cells, i)
            if k < len(cells) and cells[k] == i:
                found.append(i)
        return found
    return [i for i in cells if i in marked]
