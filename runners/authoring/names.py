"""What one code cell reads and defines, read with ``ast`` (after IPython's input transformer, so that
magics parse): the drafter follows a value's names back through the cells that define them
(:mod:`.notebook`), so that a claim's program is the cells its value needs.

A cell's analysis is conservative where it cannot be sure:

* a name is *defined* by an assignment, an import, a ``def``/``class``, a loop or ``with`` target, a
  ``del``, and also by anything that may change its object in place: an assignment to one of its
  attributes or items (``model.trainable = False``, ``d['k'] = v``), an augmented assignment, and a
  method call on it (``model.compile(...)``, ``model.fit(...)``, ``xs.append(x)``), unless the method
  is one known to only read (:data:`READ_ONLY`) or the name is a module (the notebook decides that:
  a call on ``plt`` or ``np`` changes no value a claim reads);
* a name is *read* where it is loaded before the cell defines it (names a function body reads count
  as read where the function is defined);
* ``from x import *`` and ``exec``/``eval``/``globals()`` make the cell *opaque*: it may read and
  define anything, so a program that holds it holds every cell before it.

Besides names, a cell's analysis notes its seeding calls (``np.random.seed``, ``tf.random.set_seed``,
``keras.utils.set_random_seed``, ``random.seed``) and the data it loads from outside the notebook
(:class:`Load`): Keras' dataset loaders, scikit-learn's ``fetch_*``/``load_*``, ``tfds.load``,
``urlretrieve``, ``get_file``, ``from_pretrained`` and ``weights="imagenet"``.
"""
from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass, field

from ..claim import jupyter

BUILTINS = frozenset(dir(builtins)) | {"get_ipython", "display", "__name__", "__file__"}
# methods that change nothing a claim reads (numpy, pandas, Keras, str, dict): a call to one is no definition
READ_ONLY = frozenset({
    "summary", "predict", "predict_proba", "predict_on_batch", "get_weights", "get_layer", "get_config",
    "count_params", "reshape", "astype", "copy", "mean", "sum", "std", "var", "min", "max", "argmax", "argmin",
    "round", "head", "tail", "describe", "info", "to_numpy", "numpy", "item", "tolist", "keys", "values",
    "items", "get", "format", "split", "join", "startswith", "endswith", "lower", "upper", "strip", "dot",
    "ravel", "flatten", "transpose", "squeeze", "any", "all", "nonzero", "cumsum", "prod", "clip", "plot",
    "score", "decision_function", "transform", "inverse_transform", "value_counts", "corr", "groupby",
    # PyTorch: what reads a module or a tensor (and returns a new one)
    "parameters", "named_parameters", "state_dict", "children", "named_children", "modules", "named_modules",
    "buffers", "size", "dim", "numel", "detach", "view", "view_as", "unsqueeze", "permute", "contiguous", "float",
    "double", "long", "int", "half", "bool", "clone", "t", "sigmoid", "softmax", "exp", "log", "abs", "pow", "sqrt",
    "matmul", "mm", "norm", "eq", "ne", "gt", "lt", "ge", "le", "type", "expand", "repeat", "chunk",
    "cumprod", "topk", "sort", "argsort", "unique", "to_dense", "nelement", "element_size", "storage", "stride",
    "is_contiguous", "data_ptr", "cpu",
    # pandas, NumPy, scikit-learn: methods that return a new object
    "to_string", "to_dict", "to_list", "sort_values", "sort_index", "nlargest", "nsmallest", "isnull", "isna",
    "notnull", "notna", "count", "median", "quantile", "idxmax", "idxmin", "nunique", "pivot_table",
    "agg", "aggregate", "apply", "applymap", "map", "query", "select_dtypes", "sample", "get_params",
    "get_feature_names_out", "predict_log_proba", "staged_predict", "cov", "diagonal", "trace", "conj",
    "isin", "between", "rolling", "resample", "shift", "diff", "pct_change", "rank",
    "cummax", "cummin", "memory_usage", "equals", "dropna", "fillna", "drop", "rename",
    "reset_index", "set_index", "merge", "concat", "stack", "unstack", "melt", "explode", "reindex",
    "swapaxes", "tobytes", "searchsorted", "compress", "take", "choose",
})
OPAQUE_CALLS = frozenset({"exec", "eval", "globals", "locals", "vars"})
# the seeding calls, and the library each seeds (keras.utils.set_random_seed seeds numpy, tensorflow and python)
SEEDS = (("numpy", re.compile(r"(^|\.)random\.seed$")), ("tensorflow", re.compile(r"(^|\.)random\.set_seed$")),
         ("keras", re.compile(r"(^|\.)set_random_seed$")),
         ("torch", re.compile(r"(^|\.)(?:manual_seed|manual_seed_all)$")))
# a generator or an estimator given its seed (``default_rng(42)``, ``RandomState(0)``, ``random_state=42``)
SEEDED_CALLS = re.compile(r"(^|\.)(?:default_rng|RandomState|Generator|PRNGKey|key)$")
SEED_KEYWORDS = frozenset({"random_state", "seed", "random_seed"})
# draws from a library's global generator (unseeded unless the program seeds that library)
DRAWS = (("numpy", re.compile(r"^(?:np|numpy|onp)\.random\.(?:rand|randn|randint|random|random_sample|choice|normal|uniform|"
                              r"shuffle|permutation|binomial|poisson|exponential|beta|gamma|multivariate_normal)$")),
         ("python", re.compile(r"^random\.(?:random|randint|randrange|choice|choices|shuffle|uniform|gauss|sample)$")),
         ("torch", re.compile(r"(^|\.)(?:rand|randn|randint|randperm|rand_like|randn_like|normal|bernoulli|"
                              r"multinomial)$")),
         ("tensorflow", re.compile(r"(^|\.)random\.(?:uniform|normal|shuffle|categorical|truncated_normal)$")))
# a generator made without a seed draws differently on every run
FRESH = re.compile(r"(^|\.)(?:default_rng|RandomState|Generator)$")
NETWORK_LAST = ("urlretrieve", "get_file", "from_pretrained")
# calls that change what later statements see: options (printing precision), the import path, the folder
SETTINGS = ((re.compile(r"(^|\.)set_printoptions$"), "options"), (re.compile(r"(^|\.)set_option$"), "options"),
            (re.compile(r"(^|\.)(?:path\.insert|path\.append|path\.extend)$"), "path"),
            (re.compile(r"(^|\.)chdir$"), "cwd"), (re.compile(r"(^|\.)set_floatx$"), "options"),
            (re.compile(r"(^|\.)set_default_dtype$"), "options"), (re.compile(r"(^|\.)filterwarnings$"), None))
WRITES_FILE = re.compile(r"save|dump|write|^to_|export|savefig|store|savez|imwrite|copy|move|download", re.I)
IMAGENET = re.compile(r"""weights\s*=\s*(['"])imagenet\1""")


@dataclass(frozen=True)
class Load:
    """Data a cell loads from outside the notebook: what it is, and whether it comes over the network."""
    what: str       # ``keras.datasets.fashion_mnist``, ``sklearn.datasets.fetch_california_housing``, ...
    call: str       # the call as written (its function's dotted name)
    network: bool   # False for what a library ships (scikit-learn's ``load_iris``)
    pretrained: bool = False  # ``weights="imagenet"``: the architecture needs no download (substitutable)


@dataclass
class CellNames:
    """One cell's analysis (see the module's docstring)."""
    reads: list = field(default_factory=list)       # names loaded before the cell defines them, in order
    defines: set = field(default_factory=set)       # names bound (assigned, imported, def, del, ...)
    imports: set = field(default_factory=set)       # names bound by an import
    called_on: set = field(default_factory=set)     # names a method that may change them is called on
    seeds: set = field(default_factory=set)         # the libraries it seeds: numpy, tensorflow, python
    loads: list = field(default_factory=list)       # [Load]
    imported_from: dict = field(default_factory=dict)  # name -> the module it was imported from
    import_sources: dict = field(default_factory=dict)  # name -> what it is bound to (``numpy``, ``sklearn.datasets.load_iris``)
    functions: dict = field(default_factory=dict)   # a function it defines -> the names its body reads (when called)
    seeded: bool = False                            # a generator or estimator given a constant seed
    draws: set = field(default_factory=set)         # libraries whose global generator it draws from
    fresh: bool = False                             # it makes a generator without a seed
    derives: dict = field(default_factory=dict)     # name -> the names its assigned value was made from
    constants: set = field(default_factory=set)     # names bound to a literal (nothing else can hold it)
    strings: dict = field(default_factory=dict)     # name -> the string literal bound to it
    changes: dict = field(default_factory=dict)     # a function it defines -> the globals its body changes
    settings: set = field(default_factory=set)      # what it sets for later statements: 'path', 'cwd', a library's options
    set_on: set = field(default_factory=set)        # names whose attributes or items it assigns (options on a module)
    files: list = field(default_factory=list)       # [(writes, [literal paths], [names that may hold one])]
    opaque: bool = False                            # star import, exec: may read and define anything
    parsed: bool = True                             # False: the cell is not Python even after IPython's transform


def analyse(source: str) -> CellNames:
    """The names one cell reads and defines, its seeding calls and the data it loads."""
    out = CellNames()
    tree = _parse(source)
    if tree is None:
        out.parsed = False
        return out
    _Walker(out).block(tree.body)
    return out


def expression_reads(expr: str) -> list:
    """The names an expression (a claim's value path) reads, in order."""
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError:
        return []
    out = CellNames()
    _Walker(out).expr(tree.body)
    return out.reads


def _parse(source: str):
    try:
        return ast.parse(source)
    except SyntaxError:
        pass
    try:
        python = jupyter.to_python(source)
        tree = ast.parse(python)
    except (SyntaxError, ValueError):
        return None
    found = jupyter.calls(python)
    bodies = [ast.parse(jupyter.to_python(c.body)).body for c in found
              if c.method == "run_cell_magic" and c.name in jupyter.RUNS_BODY and _parses(jupyter.to_python(c.body))]
    # `%time x = f()`, `%timeit g(x)`: the statement a line magic runs
    statements = [jupyter.magic_statement(c.name, c.line) for c in found
                  if c.method == "run_line_magic" and c.name in jupyter.RUNS_STATEMENT]
    bodies += [ast.parse(st).body for st in statements if _parses(st)]
    tree.body += [stmt for body in bodies for stmt in body]
    return tree


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
        return True
    except SyntaxError:
        return False


def dotted(node) -> str:
    """``tf.keras.datasets.mnist.load_data`` for that attribute chain ('' where it is not one)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return ""


def _root(node):
    """The name an attribute/item chain starts from (``model`` of ``model.layers[0].trainable``), or None."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


class _Walker:
    """Walks a cell's statements in the order they run, the cell's scope only (function bodies are read
    where they are defined, their own names apart)."""

    def __init__(self, out: CellNames):
        self.out = out
        self.bound: set = set()  # what the cell has defined so far
        self.seen_reads: set = set()
        self.declared_global: set = set()
        self._changed_inside: list = []

    def read(self, name: str) -> None:
        if name not in self.bound and name not in self.seen_reads:
            self.seen_reads.add(name)
            self.out.reads.append(name)

    def bind(self, name: str) -> None:
        self.bound.add(name)
        self.out.defines.add(name)

    def block(self, stmts) -> None:
        for s in stmts:
            self.stmt(s)

    def stmt(self, s) -> None:  # noqa: C901 - one branch per kind of statement
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for d in s.decorator_list:
                self.expr(d)
            if isinstance(s, ast.ClassDef):
                for b in [*s.bases, *(k.value for k in s.keywords)]:
                    self.expr(b)
                self.out.functions[s.name] = self.scope(s.body, set())  # making one runs its methods' code
                self.out.changes[s.name] = self._changed_inside
            else:
                self.arguments(s.args)
                self.out.functions[s.name] = self.scope(s.body, _params(s.args))
                self.out.changes[s.name] = self._changed_inside
            self.bind(s.name)
        elif isinstance(s, (ast.Import, ast.ImportFrom)):
            for a in s.names:
                if a.name == "*":
                    self.out.opaque = True
                    continue
                name = a.asname or a.name.split(".")[0]
                self.bind(name)
                self.out.imports.add(name)
                if isinstance(s, ast.ImportFrom):
                    module = "." * s.level + (s.module or "")
                    self.out.imported_from[name] = module
                    self.out.import_sources[name] = f"{module}.{a.name}"
                else:
                    self.out.import_sources[name] = a.name if a.asname else name
        elif isinstance(s, ast.Assign):
            self.expr(s.value)
            for t in s.targets:
                self.target(t)
                if isinstance(t, ast.Name):
                    self._derived(t.id, s.value)
        elif isinstance(s, (ast.AugAssign, ast.AnnAssign)):
            if s.value is not None:
                self.expr(s.value)
            if isinstance(s, ast.AugAssign) and isinstance(s.target, ast.Name):
                self.read(s.target.id)
            self.target(s.target)
        elif isinstance(s, (ast.For, ast.AsyncFor)):
            self.expr(s.iter)
            self.target(s.target)
            self.block(s.body)
            self.block(s.orelse)
        elif isinstance(s, (ast.While, ast.If)):
            self.expr(s.test)
            self.block(s.body)
            self.block(s.orelse)
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            for item in s.items:
                self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.target(item.optional_vars)
            self.block(s.body)
        elif isinstance(s, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            self.block(s.body)
            for h in s.handlers:
                if h.type is not None:
                    self.expr(h.type)
                if h.name:
                    self.bind(h.name)
                self.block(h.body)
            self.block(s.orelse)
            self.block(s.finalbody)
        elif isinstance(s, ast.Delete):
            for t in s.targets:
                self.target(t)
        elif isinstance(s, (ast.Global, ast.Nonlocal)):
            self.declared_global |= set(s.names)
        elif isinstance(s, (ast.Pass, ast.Break, ast.Continue)):
            pass
        else:  # Expr, Return, Raise, Assert, Match and the rest: what they read
            for child in ast.iter_child_nodes(s):
                if isinstance(child, ast.expr):
                    self.expr(child)
                elif isinstance(child, ast.stmt):
                    self.stmt(child)
                else:
                    for node in ast.walk(child):
                        if isinstance(node, ast.expr):
                            self.expr(node)
                            break

    def _derived(self, name: str, value) -> None:
        """What a name assigned ``value`` is made from (so that changing it in place may change them), or
        that it holds a literal."""
        if _literal(value):
            self.out.constants.add(name)
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                self.out.strings[name] = value.value
            return
        made = {n.id for n in ast.walk(value) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        self.out.derives[name] = made - BUILTINS - {name}

    def _file_call(self, name: str, last: str, e: ast.Call) -> None:
        """A call that names a file (a literal path, or a name that may hold one): written or read."""
        args = [*e.args, *(k.value for k in e.keywords)]
        literal = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str) and _pathlike(a.value)]
        held = [a.id for a in args if isinstance(a, ast.Name)]
        if not literal and not held:
            return
        if last == "open" or name == "open":
            mode = next((a.value for a in [*e.args[1:2], *(k.value for k in e.keywords if k.arg == "mode")]
                         if isinstance(a, ast.Constant) and isinstance(a.value, str)), "r")
            writes = any(c in mode for c in "wax")
        else:
            writes = bool(WRITES_FILE.search(last or name))
        self.out.files.append((writes, literal, held))

    def target(self, t) -> None:
        """An assignment's target: a name is bound; an attribute or item changes the object it starts from."""
        if isinstance(t, ast.Name):
            self.bind(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                self.target(e)
        elif isinstance(t, ast.Starred):
            self.target(t.value)
        elif isinstance(t, (ast.Attribute, ast.Subscript)):
            root = _root(t)
            if isinstance(t, ast.Subscript):
                self.expr(t.slice)
            inner = t.value
            self.expr(inner)
            if root:
                self.out.called_on.add(root)  # changed in place: defined, unless it is a module
                self.out.set_on.add(root)     # on a module: an option set (pd.options.display...)

    def arguments(self, args) -> None:
        for d in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.expr(d)

    def scope(self, body, params: set) -> list:
        """A function or class body: the names it reads that it does not bind itself are read here (and
        returned: a cell that calls the function reads them too, as they stand then)."""
        inner = CellNames()
        walker = _Walker(inner)
        walker.bound |= params
        walker.block(body)
        local = inner.defines | params
        free = [name for name in inner.reads if name not in local]
        for name in free:
            self.read(name)
        self.out.loads += inner.loads  # a function that downloads: the cell that defines it is the one to flag
        self.out.opaque |= inner.opaque
        # the globals a call of it may change: those its body changes in place or declares global
        self._changed_inside = sorted((inner.called_on - local) | (inner.defines & walker.declared_global))
        self.out.files += inner.files
        return free

    def expr(self, e) -> None:
        if e is None:
            return
        if isinstance(e, ast.Name):
            if isinstance(e.ctx, ast.Load):
                self.read(e.id)
            else:
                self.bind(e.id)
            return
        if isinstance(e, ast.Lambda):
            self.arguments(e.args)
            self.scope([ast.Expr(e.body)], _params(e.args))
            return
        if isinstance(e, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            self.comprehension(e)
            return
        if isinstance(e, ast.NamedExpr):
            self.expr(e.value)
            self.bind(e.target.id)
            return
        if isinstance(e, ast.Call):
            self.call(e)
        for child in ast.iter_child_nodes(e):
            if isinstance(child, ast.expr):
                self.expr(child)
            elif isinstance(child, (ast.keyword, ast.comprehension)):
                self.expr(child.value if isinstance(child, ast.keyword) else child.iter)

    def comprehension(self, e) -> None:
        gens = e.generators
        self.expr(gens[0].iter)
        inner = CellNames()
        walker = _Walker(inner)
        for k, g in enumerate(gens):
            if k:
                walker.expr(g.iter)
            walker.target(g.target)
            for cond in g.ifs:
                walker.expr(cond)
        for part in ([e.key, e.value] if isinstance(e, ast.DictComp) else [e.elt]):
            walker.expr(part)
        for name in inner.reads:
            if name not in inner.defines:
                self.read(name)
        self.out.opaque |= inner.opaque  # eval() in a comprehension is eval() all the same
        self.out.loads += inner.loads
        self.out.seeds |= inner.seeds
        self.out.seeded |= inner.seeded
        self.out.draws |= inner.draws
        self.out.fresh |= inner.fresh
        self.out.called_on |= {n for n in inner.called_on if n not in inner.defines}
        self.out.files += inner.files

    def call(self, e: ast.Call) -> None:
        name = dotted(e.func)
        last = name.rsplit(".", 1)[-1] if name else ""
        if name in OPAQUE_CALLS:
            self.out.opaque = True
        for lib, pattern in SEEDS:
            if pattern.search(name):
                self.out.seeds |= ({"numpy", "tensorflow", "python"} if lib == "keras"
                                   else {lib if name != "random.seed" else "python"})
        for lib, pattern in DRAWS:
            if pattern.search(name) and not (lib == "torch" and not name.startswith(("torch.", "th."))):
                self.out.draws.add(lib)
        if FRESH.search(name) and not e.args and not any(kw.arg in SEED_KEYWORDS | {"seed"} for kw in e.keywords):
            self.out.fresh = True
        if (SEEDED_CALLS.search(name) and e.args and isinstance(e.args[0], ast.Constant)) or any(
                kw.arg in SEED_KEYWORDS and isinstance(kw.value, ast.Constant) and kw.value.value is not None
                for kw in e.keywords):
            self.out.seeded = True
        load = _load(name, last, e)
        if load:
            self.out.loads.append(load)
        setting = _setting(name)
        if setting:
            self.out.settings.add(setting)
        self._file_call(name, last, e)
        inplace = any(kw.arg == "inplace" and isinstance(kw.value, ast.Constant) and kw.value.value is True
                      for kw in e.keywords)
        if isinstance(e.func, ast.Attribute) and (e.func.attr not in READ_ONLY or inplace):
            root = _root(e.func.value)
            if root:
                self.out.called_on.add(root)


def _params(args) -> set:
    names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    return names


def _load(name: str, last: str, e: ast.Call):
    """The data a call loads from outside the notebook, if it is one of the loaders the drafter knows."""
    for kw in e.keywords:
        if kw.arg == "weights" and isinstance(kw.value, ast.Constant) and kw.value.value == "imagenet":
            return Load(f"{last or 'a model'}'s ImageNet weights", name or last, True, pretrained=True)
    m = re.search(r"(?:^|\.)datasets\.(\w+)\.load_data$", name)
    if m:
        return Load(f"keras.datasets.{m.group(1)}", name, True)
    if last.startswith("fetch_"):
        return Load(f"sklearn.datasets.{last}", name, True)
    if last.startswith("load_") and ("datasets." in name or name == last):
        return Load(f"sklearn.datasets.{last}", name, False)  # decided against the import by the notebook
    if name in ("tfds.load", "tensorflow_datasets.load"):
        arg = e.args[0].value if e.args and isinstance(e.args[0], ast.Constant) else "?"
        return Load(f"tensorflow_datasets: {arg}", name, True)
    if last in NETWORK_LAST:
        consts = [a.value for a in [*e.args, *(k.value for k in e.keywords)]
                  if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        return Load(f"{last}: {consts[-1] if consts else '?'}", name, True)
    return None



def shell_only(source: str) -> bool:
    """Whether a cell is shell commands or magics that run no Python (claim/jupyter.py)."""
    return jupyter.shell_only(source)


def _setting(name: str) -> str | None:
    for pattern, what in SETTINGS:
        if pattern.search(name):
            return what
    return None


def _literal(node) -> bool:
    """A value that holds no other object: a constant, or numbers and strings put together."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_literal(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp):
        return _literal(node.operand)
    if isinstance(node, ast.BinOp):
        return _literal(node.left) and _literal(node.right)
    return False


def _pathlike(text: str) -> bool:
    """A string that names a file: a path with a folder or an extension, no spaces or format fields."""
    return bool(re.fullmatch(r"[\w./\\-]+", text)) and ("/" in text or re.search(r"\.[A-Za-z0-9]{1,6}$", text) is not None)


@dataclass
class Statement:
    """One top-level statement of a cell: its lines (1-based, of the cell's source) and its analysis."""

    first: int
    last: int
    names: CellNames


def statements(source: str) -> list[Statement] | None:
    """A cell's top-level statements, each analysed apart (so that a program takes of a cell only the
    statements a value needs: the seed beside a data load, not the load); None where the cell is analysed
    whole: IPython changes its text (a magic, a shell line) or it does not parse."""
    try:
        tree = ast.parse(source)
        python = jupyter.to_python(source)
        if python not in (source, source + "\n") and ast.dump(ast.parse(python)) != ast.dump(tree):
            return None  # IPython changes what runs (a magic, a shell line)
    except (SyntaxError, ValueError):
        return None
    out = []
    for stmt in tree.body:
        names = CellNames()
        _Walker(names).stmt(stmt)
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))])
        out.append(Statement(first, stmt.end_lineno or stmt.lineno, names))
    return out
