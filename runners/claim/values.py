"""What a claim reads after its listings ran: a path into their namespace, or a named check.

A spec's ``value`` is one of two things, and nothing in a spec is run through ``eval``:

* a **path**: a variable the listings leave, then attributes and indexes:
  ``test_acc``, ``model.history.history['accuracy'][-1]``, ``train_images.shape``,
  ``history.history['val_loss'][:10]``. Names, ``.attr``, ``[int]``, ``['key']`` and
  ``[a:b]`` only; no name or attribute that starts with ``_`` (private, dunder), and no step that
  reaches a module or ends on a function: a path reads the program's data, nothing else.
* a **named check**, ``!function checks.peak_val_accuracy``: a function in ``checks.py``
  beside the spec file, and nowhere else. Its parameters name what it reads: the listings' variables by name,
  and ``stdout`` (what they printed) and ``workdir`` (the folder they ran in). The checks are
  plain, linted and tested Python (tests/test_checks.py).
"""
from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import inspect
import types
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ClaimError

MAX_PATH = 300  # characters of a value path; the book's longest is under 60
CHECKS_MODULE = "checks"  # the one module a !function may name: checks.py beside the spec


@dataclass(frozen=True)
class FunctionRef:
    """``!function module.name``: a function in ``module.py`` of the spec's folder."""

    module: str
    name: str
    folder: str

    @property
    def path(self) -> Path:
        return Path(self.folder) / f"{self.module.replace('.', '/')}.py"

    def __str__(self) -> str:
        return f"!function {self.module}.{self.name}"

    def problem(self) -> str | None:
        """Why this reference may not be loaded: only a public function of the checks.py beside the spec."""
        if self.module != CHECKS_MODULE:
            return (f"{self}: a named check lives in {CHECKS_MODULE}.py beside the spec "
                    f"(`!function {CHECKS_MODULE}.NAME`), not in '{self.module}'")
        if not self.name.isidentifier() or self.name.startswith("_"):
            return f"{self}: '{self.name}' is not the name of a public function"
        return None

    def load(self):
        problem = self.problem()
        if problem:
            raise ClaimError(problem)
        return _load_function(str(self.path), self.name, file_stamp(self.path))

    @property
    def key(self) -> str:
        """Names the check and its code: the function's own source and that of the module-level
        names it uses (helpers, constants, imports), so an edited check is a new value and an edit
        to an unrelated function of the same checks.py is not."""
        return f"{self}#{_function_digest(str(self.path), self.name, file_stamp(self.path))}"


@functools.lru_cache(maxsize=256)
def _function_digest(path: str, name: str, stamp) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
        tree = ast.parse(text)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return "missing" if stamp is None else "unreadable"
    defined: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.Import, ast.ImportFrom)):
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, ast.AnnAssign) else []
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [(a.asname or a.name).split(".")[0] for a in node.names]
            for n in names:
                defined[n] = node
    if name not in defined:
        return "undefined"
    seen, todo, parts = set(), [name], []
    while todo:
        current = todo.pop()
        if current in seen or current not in defined:
            continue
        seen.add(current)
        node = defined[current]
        decorators = [ast.get_source_segment(text, d) or "" for d in getattr(node, "decorator_list", [])]
        parts.append(f"{current}\0{'@'.join(decorators)}\0{ast.get_source_segment(text, node) or ''}")
        todo.extend(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
    return hashlib.sha256("\0".join(sorted(parts)).encode()).hexdigest()[:12]


@functools.lru_cache(maxsize=256)
def _declared(path: str, name: str, stamp) -> str:
    """What is wrong with ``name`` as a named check of ``path``, read from the source ("" if nothing).
    checks.py is the book's code's neighbour: it runs only beside the program (in the sandbox or a
    worker), never here, so a check that exits, hangs or raises on import makes its own claims errors
    and cannot stop or bend the run that loads the specs."""
    if stamp is None:
        return f"check module not found: {path}"
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=path)
    except SyntaxError as exc:
        return f"{path}:{exc.lineno}: not Python: {exc.msg}"
    except (OSError, UnicodeDecodeError, ValueError, RecursionError, MemoryError) as exc:
        return f"{path}: unreadable: {type(exc).__name__}: {exc}"
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    if not defs:
        return f"{path} defines no function '{name}' (a `def {name}(...)` at the top level of the file)"
    args = defs[-1].args
    if args.posonlyargs or args.vararg or args.kwarg:
        return f"!function {CHECKS_MODULE}.{name} ({path}:{defs[-1].lineno}) must take named parameters only (no *args or **kwargs)"
    return ""


def describe(value) -> str:
    """A value in words an author reads: a path as written (``'test_acc'``); a named check by the
    first sentence of its docstring ("the training accuracy fit's progress bar prints for the last
    epoch"), read from the source without running it, else its name."""
    if not isinstance(value, FunctionRef):
        return f"'{value}'"
    return _docstring(str(value.path), value.name, file_stamp(value.path)) or f"the check {value.name}"


@functools.lru_cache(maxsize=256)
def _docstring(path: str, name: str, stamp) -> str | None:
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            doc = (ast.get_docstring(node) or "").strip()
            first = doc.split("\n\n")[0].replace("\n", " ").split(". ")[0].split(" (")[0].rstrip(".:")
            first = first.replace("``", "")
            return (first[0].lower() + first[1:]) if first else None
    return None


def file_stamp(path: Path):
    """What changes when a file does (its modification time, size and inode), or None if it is gone."""
    try:
        st = Path(path).stat()
        return (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        return None


@functools.cache
def _load_module(path: str, stamp):
    if stamp is None:
        raise ClaimError(f"check module not found: {path}")
    name = "claimcheck_checks_" + hashlib.sha256(path.encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def _load_function(path: str, name: str, stamp):
    fn = getattr(_load_module(path, stamp), name, None)
    if not callable(fn):
        raise ClaimError(f"{path} defines no function '{name}'")
    return fn


def key(value) -> str:
    """What a value is recorded under in a training run's record."""
    return value.key if isinstance(value, FunctionRef) else str(value)


# --- paths ----------------------------------------------------------------------------------

def _public(name: str, text: str) -> None:
    if name.startswith("_"):
        raise ClaimError(f"value '{_cut(text)}': '{name}' is private; a path reads public names only")


def _cut(text: str, most: int = 80) -> str:
    return text if len(text) <= most else text[:most] + "..."


def parse_path(text: str) -> ast.expr:
    """The AST of a path; ClaimError when it is anything more than names, attributes, indexes."""
    if len(text) > MAX_PATH:
        raise ClaimError(f"value '{_cut(text)}' is {len(text):,} characters: over the {MAX_PATH} a path may have; "
                         "write a named check (!function checks.name) instead")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError) as exc:
        raise ClaimError(f"value '{_cut(text)}' is not a path: {getattr(exc, 'msg', exc)}") from None
    except (RecursionError, MemoryError):
        raise ClaimError(f"value '{_cut(text)}' is nested too deeply to be a path") from None
    node = tree
    while not isinstance(node, ast.Name):
        if isinstance(node, ast.Attribute):
            _public(node.attr, text)
            node = node.value
        elif isinstance(node, ast.Subscript):
            _index(node.slice, text)
            node = node.value
        else:
            raise ClaimError(f"value '{_cut(text)}' is not a path (names, .attributes and [indexes] only); "
                             "write a named check (!function checks.name) for anything else")
    _public(node.id, text)
    return tree


def _constant(node, text):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, str)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and isinstance(node.operand.value, int):
        return -node.operand.value
    raise ClaimError(f"value '{text}': an index must be a whole number, a quoted key or a slice")


def _index(node, text):
    if isinstance(node, ast.Slice):
        if node.step is not None:
            raise ClaimError(f"value '{text}': slices take no step")
        return slice(*(None if part is None else _constant(part, text) for part in (node.lower, node.upper)))
    return _constant(node, text)


def _data(value, text: str, step: str):
    """``value`` where it is the program's data; a module or a function is not."""
    if isinstance(value, types.ModuleType):
        raise ClaimError(f"value '{_cut(text)}': '{step}' is a module; a path reads the program's data, not modules")
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType, type)):
        raise ClaimError(f"value '{_cut(text)}': '{step}' is {'a class' if isinstance(value, type) else 'a function'}; "
                         "a path reads the program's data")
    return value


def _walk(node, namespace: dict, text: str):
    if isinstance(node, ast.Name):
        if node.id not in namespace:
            public = ", ".join(sorted(k for k in namespace if not k.startswith("_"))[:40])
            raise ClaimError(f"the listings define no '{node.id}' (they define: {public})")
        return _data(namespace[node.id], text, node.id)
    base = _walk(node.value, namespace, text)
    try:
        if isinstance(node, ast.Attribute):
            return _data(getattr(base, node.attr), text, node.attr)
        return _data(base[_index(node.slice, text)], text, ast.unparse(node))
    except (AttributeError, IndexError, KeyError, TypeError) as exc:
        raise ClaimError(f"cannot read '{_cut(text)}' after the listings ran: {type(exc).__name__}: {exc}") from exc


# --- checking and evaluating ----------------------------------------------------------------

def problems(value, where: str = "measure.value") -> list[str]:
    """What is wrong with a value spec, without running the listings."""
    if isinstance(value, FunctionRef):
        if value.problem():
            return [f"{where}: {value.problem()}"]
        found = _declared(str(value.path), value.name, file_stamp(value.path))
        return [f"{where}: {found}"] if found else []
    if not isinstance(value, str):
        return [f"{where}: a path such as test_acc or a !function check, got {value!r}"]
    try:
        parse_path(value)
    except ClaimError as exc:
        return [f"{where}: {exc}"]
    return []


def evaluate(value, namespace: dict, stdout: str = "", workdir: Path | None = None):
    """The value after the listings ran, from their namespace (and output, and folder)."""
    if isinstance(value, FunctionRef):
        try:
            fn = value.load()
        except ClaimError:
            raise
        except (Exception, SystemExit) as exc:  # checks.py raised or exited while it was imported
            raise ClaimError(f"importing {value.path} for {value} raised {type(exc).__name__}: {exc}") from exc
        special = {"stdout": stdout, "workdir": workdir}
        kwargs = {}
        for name, param in inspect.signature(fn).parameters.items():
            if name in special:
                kwargs[name] = special[name]
            elif name in namespace:
                kwargs[name] = namespace[name]
            elif param.default is inspect.Parameter.empty:
                raise ClaimError(f"{value} reads '{name}', which the listings do not define")
        try:
            return fn(**kwargs)
        except ClaimError:
            raise
        except (Exception, SystemExit) as exc:  # a check that exits is its claim's error, never the run's end
            raise ClaimError(f"{value} raised {type(exc).__name__}: {exc}") from exc
    return _walk(parse_path(value), namespace, value)
