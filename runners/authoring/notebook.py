"""The notebook as the drafter reads it: its code cells, which of them a claim's program needs, the
fits, the data the cells load and what in them needs a person."""
from __future__ import annotations

import ast
import bisect
import re
from pathlib import Path

from ..claim import jupyter, notebooks
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
NUMBERED = re.compile(r"^(?:(?:Chapter|Appendix)\s+[\dA-Z]+\s*[-–—:.]?\s*|\d+(?:\.\d+)*\s*[-–—:.]?\s+)", re.I)


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

    What each code cell is (display-only, a plot or save, its statements and what each reads and
    defines, the data it loads, what needs review) is read once, here, and the statements are linked
    once, in one pass in notebook order (:meth:`_link`), each to what it needs: the statements that
    last defined (or changed in place) the names it reads, the last seeding statement of each library it
    uses, the options and import paths set before it, and the statement that last wrote a file it reads.
    A statement is a node ``(cell, k)``: the k-th top-level statement of the cell (a cell IPython must
    transform, or one that does not parse, is one node). A claim's program is what its value reaches
    through those links (:meth:`needs`), written as whole cells and lines of cells (:meth:`parts`):
    asking for it costs the length of the answer, not of the notebook, and a draft stays linear in the
    notebook's statements.

    Changed in place counts through what a name was made from: ``optimizer = SGD(model.parameters())``
    then ``optimizer.step()`` changes ``model`` too (the names a value was built from, literals aside),
    and calling a function of the notebook changes the globals its body changes."""

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
        # (nor a cell that raised in the author's run)
        self._needed = [i for i in self.code if not (display_only(self.source(i)) or _side_only(self.source(i))
                                                     or notebooks.raised(self.nb.cells[i]))]
        self._link()
        self._memo: dict = {}

    def _statements(self, i: int) -> list:
        """Cell ``i``'s statements (names.Statement), or the whole cell as one."""
        source = self.source(i)
        found = names.statements(source)
        if found is None:
            self._whole.add(i)
            found = [names.Statement(1, max(1, len(source.splitlines())), names.analyse(source))]
        return found

    def _link(self) -> None:  # noqa: C901 - one pass, one branch per kind of link
        """One pass in notebook order: each statement's links to those it needs, what loads data, what seeds."""
        self._nodes: dict[int, list] = {}   # cell -> its nodes
        self._span: dict[tuple, tuple] = {}  # node -> (first line, last line) of its cell's source
        self._whole: set = set()            # cells analysed as one node
        self._defs: dict[str, list] = {}    # name -> the nodes that define it (or may change it), in order
        self._edges: dict[tuple, tuple] = {}  # node -> the nodes it needs directly
        self._opaque: list = []             # nodes that may read and define anything (star import, exec)
        self._reads_all: set = set()        # nodes that may read any name: a call of a function that evals
        self._loads: dict[tuple, list] = {}  # node -> [names.Load]
        self._imagenet: dict[tuple, list] = {}  # node -> the `weights="imagenet"` texts it holds
        self._data: dict[tuple, set] = {}   # node -> the resources it loads (mnist, ...)
        self._review: dict[tuple, list] = {}  # node -> what a person must look at
        self._seeding: set = set()          # nodes that seed something (a library, a generator, an estimator)
        self._draws: dict = {}              # node -> (libraries whose global generator it draws on, makes an unseeded one)
        self._seeds_of: dict = {}           # node -> the libraries it seeds
        self._uses: dict = {}               # node -> the libraries it uses (their generators it may draw on)
        self._shell: set = set()            # cells whose code is shell commands or magics only
        self._unresolved: dict[tuple, list] = {}  # node -> the names it reads that nothing before it defines
        self._imports: set = set()          # nodes that only import
        last: dict = {}
        bound: dict = {}   # name -> what its import binds it to (a module, a module's name), while it is bound so
        seeds: dict = {}   # library (numpy, tensorflow, python, torch) -> the last node that seeds it
        options: list = []  # nodes that set options (print precision, float type) for what follows
        paths: list = []    # nodes that change the import path
        folders: list = []  # nodes that change the working folder
        writers: dict = {}  # a file's path -> the last node that wrote it
        from_datasets: set = set()
        functions: dict = {}  # name -> the names its body reads, while it is bound to a function the notebook defines
        changes: dict = {}    # name -> the globals a call of that function changes
        origin: dict = {}     # name -> the names its value was made from (transitively), literals aside
        constants: set = set()
        strings: dict = {}    # name -> the string literal it holds
        opaque_functions: set = set()  # functions (and classes) whose code evals or execs
        for i in self.code:
            if names.shell_only(self.source(i)):
                self._shell.add(i)
            lines = self.source(i).splitlines()
            self._nodes[i] = []
            for k, st in enumerate(self._statements(i)):
                node = (i, k)
                self._nodes[i].append(node)
                self._span[node] = (st.first, st.last)
                a = st.names
                text = "\n".join(lines[st.first - 1:st.last])
                from_datasets |= {n for n, mod in a.imported_from.items() if "datasets" in mod}
                loads = [ld for ld in a.loads if "." in ld.call or not ld.call.startswith("load_") or ld.call in from_datasets]
                links = {last[n] for n in a.reads if n in last}
                # a function it calls reads its globals as they stand now, not where it was defined
                links |= {last[m] for n in a.reads if n in functions for m in functions[n] if m in last}
                if self._opaque and any(n not in names.BUILTINS for n in a.reads):
                    links.add(self._opaque[-1])  # it may have defined any name read here
                calls_opaque = any(n in opaque_functions for n in a.reads)  # its code evals what it is given
                used = {lib for n in a.reads if n in bound for lib in _libraries(bound[n])}
                used |= {lib for n in a.reads if n in functions for m in functions[n] if m in bound
                         for lib in _libraries(bound[m])}
                # the last seeding statement of each library it uses (and does not seed itself)
                links |= {seeds[lib] for lib in used if lib in seeds and lib not in a.seeds}
                if used or a.draws:
                    self._uses[node] = used | {"python" if lib == "python" else lib for lib in a.draws}
                if any(n in bound for n in a.reads):
                    links |= set(options)  # print options and the like shape what it shows
                if a.imports:
                    links |= set(paths)    # an import path set before it
                links |= set(folders)      # the working folder, where one was changed
                for writes, literal, held in a.files:
                    for f in [*literal, *(strings[n] for n in held if n in strings)]:
                        if not writes and f in writers:
                            links.add(writers[f])
                for n in a.imports:  # a module the notebook wrote itself (%%writefile)
                    if f"{n}.py" in writers:
                        links.add(writers[f"{n}.py"])
                changed = {n for n in a.called_on if n not in a.imports and (n in a.defines or (n in last and n not in bound))}
                changed |= {m for n in a.reads if n in changes for m in changes[n] if m in last and m not in bound}
                for n in list(changed):  # changed in place: what it was made from may be changed too
                    changed |= {m for m in origin.get(n, ()) if m in last and m not in bound}
                # a change in place starts from what was there (not a name it bound itself first: a loop's `ax`)
                links |= {last[n] for n in changed - (a.defines - set(a.reads)) if n in last}
                links.discard(node)
                self._edges[node] = tuple(sorted(links))
                unresolved = [n for n in a.reads if n not in last and n not in names.BUILTINS and n not in bound]
                if unresolved:
                    self._unresolved[node] = unresolved
                for n in a.defines | changed:
                    if n in a.import_sources and bound.get(n) == a.import_sources[n]:
                        continue  # imported again as it is: the earlier import stays its definition
                    last[n] = node
                    self._defs.setdefault(n, []).append(node)
                for n in a.defines:
                    if n in a.functions:
                        functions[n] = a.functions[n]
                        changes[n] = a.changes.get(n, [])
                    else:
                        functions.pop(n, None)
                        changes.pop(n, None)
                    if n in a.import_sources:
                        bound[n] = a.import_sources[n]
                    else:
                        bound.pop(n, None)
                    made = a.derives.get(n, ())
                    origin[n] = {m for r in made if r in last and r not in bound and r not in constants and r != n
                                 for m in ({r} | origin.get(r, set()))}
                    constants.discard(n)
                    strings.pop(n, None)
                    if n in a.constants:
                        constants.add(n)
                    if n in a.strings:
                        strings[n] = a.strings[n]
                for writes, literal, held in a.files:
                    for f in [*literal, *(strings[n] for n in held if n in strings)]:
                        if writes:
                            writers[f] = node
                for call in jupyter.calls(text) if i in self._whole else ():
                    if call.method == "run_cell_magic" and call.name in jupyter.WRITES:
                        writers[call.line.split()[-1] if call.line.split() else ""] = node
                if "options" in a.settings or any(n in bound for n in a.set_on):
                    options.append(node)
                if "path" in a.settings:
                    paths.append(node)
                if "cwd" in a.settings:
                    folders.append(node)
                if a.opaque:
                    self._opaque.append(node)
                elif calls_opaque:
                    self._reads_all.add(node)  # it may read any name (not define one): everything before it
                for n in a.defines:
                    if a.opaque and n in a.functions:
                        opaque_functions.add(n)  # calling it may read anything (exec, eval in its body)
                    elif n in opaque_functions and not (a.opaque and n in a.functions):
                        opaque_functions.discard(n)
                found = {n for needle, n in DATA if needle.search(text)
                         and (n != "vgg16_weights" or "VGG16" in text)}  # another model's weights are no VGG16's
                if found:
                    self._data[node] = found
                notes = [f"cell {i} names a path on the author's machine ({m.group(1)}): substitute it "
                         "(measure.substitute) or point it at a configured resource" for m in ABSOLUTE.finditer(text)]
                if notes:
                    self._review[node] = notes
                if loads:
                    self._loads[node] = loads
                    imagenet = [m.group(0) for m in names.IMAGENET.finditer(text)]
                    if imagenet:
                        self._imagenet[node] = list(dict.fromkeys(imagenet))
                if a.imports and a.defines == a.imports and not a.reads:
                    self._imports.add(node)
                if a.seeds or a.seeded:
                    self._seeding.add(node)
                if a.draws or a.fresh:
                    self._draws[node] = (set(a.draws), a.fresh)
                if a.seeds:
                    self._seeds_of[node] = set(a.seeds)
                if a.seeds and not any(ld.network for ld in loads):  # a statement that downloads seeds no one
                    for lib in a.seeds:
                        seeds[lib] = node

        # a name read before anything defines it, that an import further down binds: the author ran that
        # import first (cells run out of order); the program runs it first too
        self._hoist: dict[tuple, tuple] = {}
        for node, unresolved in self._unresolved.items():
            found = []
            for name in unresolved:
                later = [n for n in self._defs.get(name, []) if n > node and n in self._imports]
                if later:
                    found.append(later[0])
            if found:
                self._hoist[node] = tuple(sorted(set(found)))

    def source(self, i: int) -> str:
        return self.nb.cells[i].source

    def _headings(self) -> list[str]:
        return [h for cell in self.nb.cells if cell.cell_type == "markdown"
                for h in map(_heading, cell.source.splitlines()) if h]

    def _chapter_heading(self) -> str | None:
        """The first heading that names a chapter (``Chapter 12: ...``), else the first heading (a book's
        notebooks may open with the book's own title above the chapter's)."""
        found = self._headings()
        return next((h for h in found if re.match(r"(?:Chapter|Appendix)\s+[\dA-Z]", h, re.I)), found[0] if found else None)

    def title(self) -> str:
        """The chapter's heading (a ``#`` line, or a first line all in bold, as Géron's notebooks open), without
        its chapter or section number."""
        heading = self._chapter_heading()
        if heading:
            return NUMBERED.sub("", heading).strip() or "(untitled)"
        # no heading: the file's own name, in words (``3_tabular_wine`` -> "tabular wine")
        return re.sub(r"[_\-]+", " ", re.sub(r"^[\d._\- ]+", "", self.path.stem)).strip() or "(untitled)"

    def chapter(self) -> str | None:
        """The chapter the chapter's heading names (``# Chapter 6 – ...`` 6; ``# Appendix B ...`` B), if it names one."""
        heading = self._chapter_heading()
        if not heading:
            return None
        m = re.match(r"(?:Chapter\s+)?(\d+)\b", heading, re.I)
        if m:
            return str(int(m.group(1)))
        m = re.match(r"Appendix\s+([A-Z]|\d+)\b", heading, re.I)
        return f"appendix-{m.group(1).lower()}" if m else None

    def program(self, upto: tuple) -> list:
        """Every node before ``upto`` that a later statement may need (no display-only, plot or save
        cells), and ``upto``'s cell up to it."""
        cells = self._needed[:bisect.bisect_left(self._needed, upto[0])]
        before = [n for c in cells for n in self._nodes[c]]
        return before + [n for n in self._nodes.get(upto[0], []) if n <= upto]

    def defines(self, name: str, i: int) -> bool:
        """Whether a statement of cell ``i`` defines (or may change) ``name``."""
        nodes = self._defs.get(name, [])
        k = bisect.bisect_left(nodes, (i, 0))
        return k < len(nodes) and nodes[k][0] == i

    def needs(self, cells: list = (), reads: list = (), at: int | None = None) -> list:
        """The program of ``cells`` (each whole) and of the names ``reads`` as they stand before cell
        ``at``: those statements, the statements each needs, followed back, in notebook order, as nodes
        (:meth:`parts` writes them as a selector). A statement that may read anything (star import, exec)
        brings every statement before it."""
        starts = {n for c in cells for n in self._nodes.get(c, [])}
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
                stack.extend(self._hoist.get(c, ()))
                if (self._opaque and self._is_opaque(c)) or c in self._reads_all:
                    stack.extend(self.program(c))
            self._memo[key] = sorted(seen)
        return self._memo[key]

    def parts(self, nodes: list) -> list:
        """A program's nodes as a notebook selector's items, in order: a cell's index where the program
        holds all of it, else ``(cell, first line, last line)`` for each run of its statements it holds."""
        by_cell: dict[int, list] = {}
        for node in nodes:
            by_cell.setdefault(node[0], []).append(node)
        out: list = []
        for cell in sorted(by_cell):
            held = sorted(by_cell[cell])
            if cell in self._whole or len(held) == len(self._nodes.get(cell, ())):
                out.append(cell)
                continue
            run = [held[0]]
            for node in held[1:]:
                if node[1] == run[-1][1] + 1:
                    run.append(node)
                else:
                    out.append((cell, self._span[run[0]][0], self._span[run[-1]][1]))
                    run = [node]
            out.append((cell, self._span[run[0]][0], self._span[run[-1]][1]))
        return out

    def entries(self, nodes: list) -> list[list]:
        """A program as the listing entries it runs, in order: the imports the author ran before the cells
        that use them (hoisted from further down the notebook) first, where there are any, then the rest
        in notebook order; each entry a list of :meth:`parts`."""
        first = {h for n in nodes for h in self._hoist.get(n, ()) if h in nodes}
        first = {n for n in first if any(h == n for m in nodes if m < n for h in self._hoist.get(m, ()))}
        rest = [n for n in nodes if n not in first]
        return [self.parts(sorted(first)), self.parts(rest)] if first else [self.parts(nodes)]

    @staticmethod
    def cells_of(nodes: list) -> list:
        """The cells a program's nodes are in, in order."""
        return sorted({n[0] for n in nodes})

    def _definer(self, name: str, at: int | None):
        """The last node before cell ``at`` that defines ``name`` (or, for a name none defines, the last
        node before it that may define anything), or None."""
        at = (len(self.nb.cells), 0) if at is None else (at, 0)
        nodes = self._defs.get(name, [])
        k = bisect.bisect_left(nodes, at)
        found = nodes[k - 1] if k else None
        if name in names.BUILTINS and found is None:
            return None
        j = bisect.bisect_left(self._opaque, at)
        opaque = self._opaque[j - 1] if j else None
        if opaque is not None and (found is None or opaque > found):
            return opaque
        return found

    def _is_opaque(self, c: tuple) -> bool:
        k = bisect.bisect_left(self._opaque, c)
        return k < len(self._opaque) and self._opaque[k] == c

    def imagenet(self, nodes: list) -> list:
        """The ``weights="imagenet"`` texts of ``nodes`` (in order), each once."""
        return list(dict.fromkeys(t for n in _among(self._imagenet, nodes) for t in self._imagenet[n]))

    def seeded(self, nodes: list) -> bool:
        """Whether any of ``nodes`` seeds what it draws (a seeding call, a seeded generator or estimator)."""
        return any(n in self._seeding for n in nodes)

    def with_draws(self, nodes: list) -> list:
        """A seeded program with every statement since its seeds that may draw on the seeded generators (it
        uses their library), and what those need: a seeded generator's state is every draw since its seed,
        and a program cut to what a value names may miss one (the first training loop before the second)."""
        end = max(nodes) if nodes else None
        extra = []
        for seed in [n for n in nodes if n in self._seeds_of]:
            libs = self._seeds_of[seed]
            extra += [n for n, used in self._uses.items() if seed < n < end and used & libs and n not in nodes]
        return sorted(set(nodes) | set(self._needs_nodes(extra)))

    def _needs_nodes(self, starts: list) -> list:
        """What the nodes ``starts`` need, themselves included (the walk :meth:`needs` makes)."""
        seen: set = set()
        stack = list(starts)
        while stack:
            c = stack.pop()
            if c in seen:
                continue
            seen.add(c)
            stack.extend(self._edges.get(c, ()))
            stack.extend(self._hoist.get(c, ()))
            if (self._opaque and self._is_opaque(c)) or c in self._reads_all:
                stack.extend(self.program(c))
        return sorted(seen)

    def unseeded(self, nodes: list) -> str:
        """What in the program draws random numbers no seed of it fixes (``numpy``, ``a generator made
        without a seed``), '' where nothing does: its output changes from run to run."""
        seeded = set().union(*(self._seeds_of.get(n, set()) for n in nodes))
        for n in nodes:
            libs, fresh = self._draws.get(n, (set(), False))
            if fresh:
                return "a generator made without a seed"
            if libs - seeded:
                return f"{sorted(libs - seeded)[0]}'s generator, unseeded"
        return ""

    def shell_only(self, i: int) -> bool:
        """Whether cell ``i`` is shell commands or magics only (its output is not Python's)."""
        return i in self._shell

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

    def requires(self, nodes: list) -> list:
        """The data the statements load (``nodes`` in order)."""
        return sorted(set().union(*(self._data[n] for n in _among(self._data, nodes))))

    def review(self, nodes: list, architecture: bool = False) -> list:
        """What a person must look at in the statements (``nodes`` in order): the author's paths, and the
        data they load from outside the notebook (the claim needs it; ``architecture``: the ImageNet
        weights are substituted away, so they are not needed)."""
        notes = [note for n in _among(self._review, nodes) for note in self._review[n]]
        for n in _among(self._loads, nodes):
            for ld in self._loads[n]:
                if ld.pretrained and architecture:
                    continue
                if ld.network:
                    how = ("`requires: [mnist]` provides it (the MNIST mirror)" if ld.what == "keras.datasets.mnist"
                           else "a local copy, or a resource in `requires`")
                    notes.append(f"cell {n[0]} reaches the network: `{ld.call}(...)` ({ld.what}); this claim needs it ({how})")
                else:
                    notes.append(f"cell {n[0]} loads `{ld.call}(...)` ({ld.what}, shipped with its library)")
        return notes

    def loads(self, nodes: list) -> list:
        """The data ``nodes`` (in order) load from outside the notebook: [(cell, names.Load)]."""
        return [(n[0], ld) for n in _among(self._loads, nodes) for ld in self._loads[n]]


def _libraries(source: str) -> tuple:
    """The libraries whose seeds a name bound to ``source`` (``numpy``, ``tensorflow.keras``) draws on."""
    root = source.lstrip(".").split(".")[0]
    return {"numpy": ("numpy",), "tensorflow": ("tensorflow",), "keras": ("tensorflow",),
            "random": ("python",), "torch": ("torch",)}.get(root, ())


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
