"""The notebook as the drafter reads it: its code cells, which of them a claim's program needs, the
fits, the data the cells load and what in them needs a person."""
from __future__ import annotations

import ast
import bisect
import re
from pathlib import Path

from ..claim import notebooks
from . import names

FIT = re.compile(r"(?:(?P<var>\w+)\s*=\s*)?(?P<obj>\w+)\.fit(?:_generator)?\(")
EPOCH_LOG = re.compile(r"^\s*Epoch \d+/\d+", re.M)
METRICS = re.compile(r"metrics\s*=\s*\[\s*['\"](?P<m>\w+)['\"]")
ABSOLUTE = re.compile(r"""['"](/(?:Users|home|tmp|mnt|data)/[^'"]*|[A-Z]:\\[^'"]*)['"]""")
DATA = ((re.compile(r"(?<![\w])mnist\.load_data"), "mnist"), (re.compile(r"fashion_mnist\.load_data"), "fashion_mnist"),
        (re.compile(r"fetch_california_housing\("), "california_housing"), (re.compile(r"cifar10\.load_data"), "cifar10"),
        (re.compile("flow_from_directory"), "dogs_vs_cats"),
        (re.compile("image_dataset_from_directory"), "dogs_vs_cats"), (names.IMAGENET, "vgg16_weights"))
HEADING = re.compile(r"^(?:#+\s*(?P<h>.+?)\s*#*|\*\*(?P<b>[^*]+)\*\*|__(?P<u>[^_]+)__)$")
NUMBERED = re.compile(r"^(?:Chapter\s+\d+\s*[-–—:.]?\s*|\d+(?:\.\d+)*\s*[-–—:.]?\s+)", re.I)


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


def _side_only(source: str) -> bool:
    """Plots and saves: they change nothing a claim reads."""
    lines = [ln for ln in source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return bool(lines) and all(re.search(r"\bplt\.|\.save\(|^\s*import matplotlib|^\s*(acc|val_acc|loss|val_loss|epochs)\s*=",
                                         ln) for ln in lines)


class DraftNotebook:
    """One notebook, read with nbformat (``claim.notebooks``); cells are numbered as a cite's ``cell:``.

    What each code cell is (display-only, a plot or save, what it reads and defines, the data it
    loads, what needs review) is read once, here, and the cells are linked once, in one pass in
    notebook order, each to the cells that last defined the names it reads before it (and the last
    seeding cell of each library before it). A claim's program is then what its value's names reach
    through those links (:meth:`needs`): asking for it costs the length of the answer, not of the
    notebook, and a draft stays linear in the notebook's cells."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.nb = notebooks.read(self.path)
        self.code = [i for i, c in enumerate(self.nb.cells) if c.cell_type == "code"]
        text = "\n".join(self.nb.cells[i].source for i in self.code)
        m = METRICS.search(text)
        self.metric = m.group("m") if m else "accuracy"
        # the cells that train: a `.fit(` call, or a fit log in the output (a helper that calls fit)
        self.fits = [i for i in self.code if FIT.search(self.nb.cells[i].source)
                     or EPOCH_LOG.search(notebooks.output_text(self.nb.cells[i]))]
        # the code cells a later cell may need (no display-only, plot or save cells), in order
        self._needed = [i for i in self.code if not (display_only(self.source(i)) or _side_only(self.source(i)))]
        self._data = {i: names for i in self.code if (names := {n for needle, n in DATA if needle.search(self.source(i))})}
        self._review = {i: notes for i in self.code if (notes := [
            f"cell {i} names a path on the author's machine ({m.group(1)}): substitute it "
            "(measure.substitute) or point it at a configured resource" for m in ABSOLUTE.finditer(self.source(i))])}
        self._link()
        self._memo: dict = {}

    def _link(self) -> None:
        """One pass in notebook order: each cell's links to the cells it needs, what loads data, what seeds."""
        self._defs: dict[str, list] = {}   # name -> the cells that define it (or may change it), in order
        self._edges: dict[int, tuple] = {}  # cell -> the cells it needs directly
        self._opaque: list = []            # cells that may read and define anything (star import, exec)
        self._loads: dict[int, list] = {}  # cell -> [names.Load]
        self._imagenet: dict[int, list] = {}  # cell -> the `weights="imagenet"` texts it holds
        last: dict = {}
        bound: dict = {}   # name -> what its import binds it to (a module, a module's name), while it is bound so
        seeds: dict = {}   # library (numpy, tensorflow, python) -> the last cell that seeds it
        from_datasets: set = set()
        functions: dict = {}  # name -> the names its body reads, while it is bound to a function the notebook defines
        for i in self.code:
            a = names.analyse(self.source(i))
            from_datasets |= {n for n, mod in a.imported_from.items() if "datasets" in mod}
            loads = [ld for ld in a.loads if "." in ld.call or not ld.call.startswith("load_") or ld.call in from_datasets]
            links = {last[n] for n in a.reads if n in last}
            # a function it calls reads its globals as they stand now, not where it was defined
            links |= {last[m] for n in a.reads if n in functions for m in functions[n] if m in last}
            if self._opaque and any(n not in names.BUILTINS for n in a.reads):
                links.add(self._opaque[-1])  # it may have defined any name read here
            # the last seeding cell of each library it uses (and does not seed itself)
            links |= {seeds[lib] for n in a.reads if n in bound for lib in _libraries(bound[n])
                      if lib in seeds and lib not in a.seeds}
            self._edges[i] = tuple(sorted(links))
            changed = {n for n in a.called_on if n not in a.imports and (n in a.defines or (n in last and n not in bound))}
            for n in a.defines | changed:
                if n in a.import_sources and bound.get(n) == a.import_sources[n]:
                    continue  # imported again as it is: the earlier import stays its definition
                last[n] = i
                self._defs.setdefault(n, []).append(i)
            for n in a.defines:
                if n in a.functions:
                    functions[n] = a.functions[n]
                else:
                    functions.pop(n, None)
                if n in a.import_sources:
                    bound[n] = a.import_sources[n]
                else:
                    bound.pop(n, None)
            if a.opaque:
                self._opaque.append(i)
            if loads:
                self._loads[i] = loads
                imagenet = [m.group(0) for m in names.IMAGENET.finditer(self.source(i))]
                if imagenet:
                    self._imagenet[i] = list(dict.fromkeys(imagenet))
            if a.seeds and not any(ld.network for ld in loads):  # a seeding cell that downloads seeds no one
                for lib in a.seeds:
                    seeds[lib] = i

    def source(self, i: int) -> str:
        return self.nb.cells[i].source

    def title(self) -> str:
        """The first heading (a ``#`` line, or a first line all in bold, as Géron's notebooks open), without
        its chapter or section number."""
        for cell in self.nb.cells:
            if cell.cell_type == "markdown":
                for line in cell.source.splitlines():
                    heading = _heading(line)
                    if heading:
                        return NUMBERED.sub("", heading).strip() or "(untitled)"
        return "(untitled)"

    def chapter(self) -> str | None:
        """The chapter number the first heading names (``# Chapter 6 – Decision Trees``), if it names one."""
        for cell in self.nb.cells:
            if cell.cell_type == "markdown":
                for line in cell.source.splitlines():
                    heading = _heading(line)
                    if heading:
                        m = re.match(r"(?:Chapter\s+)?(\d+)\b", heading, re.I)
                        return str(int(m.group(1))) if m else None
        return None

    def program(self, upto: int) -> list:
        """Every code cell up to ``upto`` that a later cell may need (no display-only, plot or save cells)."""
        before = self._needed[:bisect.bisect_left(self._needed, upto)]
        return before + [upto] if self.nb.cells[upto].cell_type == "code" else before

    def defines(self, name: str, i: int) -> bool:
        """Whether cell ``i`` defines (or may change) ``name``."""
        cells = self._defs.get(name, [])
        k = bisect.bisect_left(cells, i)
        return k < len(cells) and cells[k] == i

    def needs(self, cells: list = (), reads: list = (), at: int | None = None) -> list:
        """The program of ``cells`` and of the names ``reads`` as they stand before cell ``at``: those cells,
        the cells that last defined each name they read, followed back (with the imports and seeding
        cells those need), in notebook order. A cell that may read anything (star import, exec) brings
        every cell before it."""
        starts = set(cells)
        for name in reads:
            definer = self._definer(name, at)
            if definer is not None:
                starts.add(definer)
        key = tuple(sorted(starts))
        if key not in self._memo:
            seen: set = set()
            stack = list(key)
            while stack:
                c = stack.pop()
                if c in seen:
                    continue
                seen.add(c)
                stack.extend(self._edges.get(c, ()))
                if self._opaque and self._is_opaque(c):
                    stack.extend(self.program(c))
            self._memo[key] = sorted(seen)
        return self._memo[key]

    def _definer(self, name: str, at: int | None):
        """The last cell before ``at`` that defines ``name`` (or, for a name none defines, the last cell
        before it that may define anything), or None."""
        at = len(self.nb.cells) if at is None else at
        cells = self._defs.get(name, [])
        k = bisect.bisect_left(cells, at)
        found = cells[k - 1] if k else None
        if name in names.BUILTINS and found is None:
            return None
        opaque = self._opaque[bisect.bisect_left(self._opaque, at) - 1] if bisect.bisect_left(self._opaque, at) else None
        if opaque is not None and (found is None or opaque > found):
            return opaque
        return found

    def _is_opaque(self, c: int) -> bool:
        k = bisect.bisect_left(self._opaque, c)
        return k < len(self._opaque) and self._opaque[k] == c

    def imagenet(self, cells: list) -> list:
        """The ``weights="imagenet"`` texts of ``cells`` (in order), each once."""
        return list(dict.fromkeys(t for i in _among(self._imagenet, cells) for t in self._imagenet[i]))

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

    def review(self, cells: list, architecture: bool = False) -> list:
        """What a person must look at in the cells (``cells`` in order): the author's paths, and the data
        the cells load from outside the notebook (the claim needs it; ``architecture``: the ImageNet
        weights are substituted away, so they are not needed)."""
        notes = [note for i in _among(self._review, cells) for note in self._review[i]]
        for i in _among(self._loads, cells):
            for ld in self._loads[i]:
                if ld.pretrained and architecture:
                    continue
                if ld.network:
                    how = ("`requires: [mnist]` provides it (the MNIST mirror)" if ld.what == "keras.datasets.mnist"
                           else "a local copy, or a resource in `requires`")
                    notes.append(f"cell {i} reaches the network: `{ld.call}(...)` ({ld.what}); this claim needs it ({how})")
                else:
                    notes.append(f"cell {i} loads `{ld.call}(...)` ({ld.what}, shipped with its library)")
        return notes

    def loads(self, cells: list) -> list:
        """The data ``cells`` (in order) load from outside the notebook: [(cell, names.Load)]."""
        return [(i, ld) for i in _among(self._loads, cells) for ld in self._loads[i]]


def _libraries(source: str) -> tuple:
    """The libraries whose seeds a name bound to ``source`` (``numpy``, ``tensorflow.keras``) draws on."""
    root = source.lstrip(".").split(".")[0]
    return {"numpy": ("numpy",), "tensorflow": ("tensorflow",), "keras": ("tensorflow",),
            "random": ("python",)}.get(root, ())


def _heading(line: str) -> str | None:
    m = HEADING.match(line.strip())
    return next((g for g in m.groups() if g), None) if m else None


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
