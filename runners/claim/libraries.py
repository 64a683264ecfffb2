"""A book's own libraries: what its code imports beyond claimcheck's, declared beside its claims.

A book folder declares them in ``claims/<book>/requirements.txt``, one plain requirement a line:
``name``, ``name[extra]``, ``name>=1.2``, ``name[extra]>=1.2,<2`` (``#`` starts a comment). Nothing
else is read: a pip option (``--index-url``, ``-e``, ``-r``), a URL, a path, a marker (``;``) or a
line continuation is refused, naming the file and the line, and so is claimcheck's own dependency
(its version is the stack's: pyproject.toml). Debian packages a library needs (graphviz's ``dot``)
are named in ``claims/<book>/apt.txt``, one a line (repo2docker's convention), which
``scripts/apt-packages.sh`` reads for the set-up and CI. ``claimcheck libraries --install`` (the
tox envs' ``commands_pre``) installs every book's requirements.

A program whose import of a module fails because it is not installed is **skipped** (the fix:
the distribution and the install line), not an error, when the module is the book's: the failing
``import`` is in the book's code (the innermost frame of the traceback is the listing or cell), or
the book's requirements.txt declares it; and when the book's code imports a framework that this
stack leaves out by its choice of backend (``import tensorflow`` on Keras 3 with JAX or PyTorch, no
TensorFlow installed). A framework a book needs beside the stack (a PyTorch book's ``torch``) is a
requirement like any other: declared in requirements.txt, installed by ``claimcheck libraries
--install`` (with the project's constraints: the CPU build), skipped where it is missing. It stays an
**error** when the module is claimcheck's (``claimcheck.*``), the standard library's, or one of
claimcheck's own dependencies and the stack's frameworks (numpy, keras, tensorflow, ...: the stack is
broken, or the spec should say ``requires: tensorflow``), when the library is installed but lacks the
submodule (its version), and when a library the book imports cannot import a module nobody declared
(that library's install is broken).
"""
from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import os
import re
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Skip
from ..core.files import FileRefused, read_bounded

FILE = "requirements.txt"
APT_FILE = "apt.txt"

# the import names whose distribution is named otherwise (or is often not obvious)
DISTRIBUTIONS = {
    "sklearn": "scikit-learn", "skimage": "scikit-image", "PIL": "Pillow", "cv2": "opencv-python",
    "yaml": "PyYAML", "bs4": "beautifulsoup4", "tensorflow_datasets": "tensorflow-datasets",
    "tensorflow_hub": "tensorflow-hub", "tensorflow_addons": "tensorflow-addons",
    "tensorflow_probability": "tensorflow-probability", "IPython": "ipython", "matplotlib": "matplotlib",
    "mpl_toolkits": "matplotlib", "pandas": "pandas", "numpy": "numpy", "scipy": "scipy",
    "seaborn": "seaborn", "statsmodels": "statsmodels", "sympy": "sympy", "nltk": "nltk", "gym": "gym",
    "gymnasium": "gymnasium", "transformers": "transformers", "datasets": "datasets", "tqdm": "tqdm",
    "dateutil": "python-dateutil", "graphviz": "graphviz", "pydot": "pydot", "h5py": "h5py",
    "xgboost": "xgboost", "lightgbm": "lightgbm", "joblib": "joblib", "requests": "requests",
    "keras_tuner": "keras-tuner", "keras_nlp": "keras-nlp", "keras_cv": "keras-cv", "sentencepiece":
    "sentencepiece", "attr": "attrs", "serial": "pyserial", "Bio": "biopython",
    "docx": "python-docx", "dotenv": "python-dotenv", "jwt": "PyJWT", "OpenSSL": "pyOpenSSL",
}
# what makes a stack (extras of pyproject.toml), besides claimcheck's own dependencies: never a book's to name
FRAMEWORKS = {"keras", "tensorflow", "tensorflow-cpu", "tf-keras"}
_FRAMEWORK_MODULES = {"keras", "tensorflow", "tf_keras"}
# frameworks a book may need beside the stack (a PyTorch book on the TensorFlow stack): its requirements
# name them like any library; where the stack's Keras runs on one, that one is the stack's own
BOOK_FRAMEWORKS = {"torch": "torch", "jax": "jax", "jaxlib": "jaxlib"}

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_SPEC = r"(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+"
REQUIREMENT = re.compile(rf"^(?P<name>{_NAME})\s*(?:\[\s*(?P<extras>{_NAME}(?:\s*,\s*{_NAME})*)\s*\])?"
                         rf"\s*(?P<specs>{_SPEC}(?:\s*,\s*{_SPEC})*)?$")


def normalized(name: str) -> str:
    """A distribution's name as pip compares it (PEP 503): ``Scikit_Learn`` -> ``scikit-learn``."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Requirement:
    name: str
    text: str  # the line as pip reads it, without its comment
    file: Path
    line: int


class RequirementsProblem(ValueError):
    """A requirements.txt line claimcheck will not hand to pip: ``FILE:LINE: why``."""


@functools.cache
def own_distributions() -> frozenset[str]:
    """claimcheck's own dependencies and what makes the stacks (Keras, TensorFlow), normalized: a book's
    requirements never name them. A framework a book may need besides (torch, jax) is not among them."""
    names = set(FRAMEWORKS)
    try:
        for req in importlib.metadata.requires("claimcheck") or ():
            if "extra == \"test\"" in req.replace("'", '"'):  # the test tools are no stack's
                continue
            name = re.match(_NAME, req.strip()).group(0)
            if normalized(name) not in BOOK_FRAMEWORKS:
                names.add(name)
    except importlib.metadata.PackageNotFoundError:  # run from a tree that is not installed
        names |= {"numpy", "pyyaml", "jinja2", "pandas", "scipy", "pillow", "filelock", "pebble", "nbformat",
                  "ipython"}
    return frozenset(normalized(n) for n in names)


def own_modules() -> set[str]:
    """The top-level modules of claimcheck's own dependencies and the frameworks."""
    own = own_distributions()
    modules = {m for m, d in DISTRIBUTIONS.items() if normalized(d) in own} | _FRAMEWORK_MODULES
    return modules | {n.replace("-", "_") for n in own}


def parse_line(raw: str, file: Path, number: int) -> Requirement | None:
    """One line of a book's requirements.txt: a Requirement, None for a blank or comment line;
    :class:`RequirementsProblem` for anything but a plain requirement."""
    text = raw.split(" #", 1)[0].split("\t#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
    if not text:
        return None
    where = f"{file}:{number}"
    if text.startswith("-"):
        why = "a pip option"
    elif "://" in text or "@" in text:
        why = "a URL or a direct reference"
    elif "/" in text or "\\" in text or text.startswith("."):
        why = "a path or a line continuation"
    elif ";" in text:
        why = "an environment marker"
    else:
        match = REQUIREMENT.match(text)
        if match is None:
            raise RequirementsProblem(f"{where}: {text!r} is not a requirement: write `name`, `name[extra]` or "
                                      "`name>=1.2,<2` (pip's requirement syntax, no options)")
        name = match.group("name")
        if normalized(name) in own_distributions():
            raise RequirementsProblem(f"{where}: {name} is claimcheck's own dependency or framework: its version "
                                      "is the stack's (pyproject.toml); leave it out")
        return Requirement(name, text, Path(file), number)
    raise RequirementsProblem(f"{where}: {text!r} is {why}: a book's requirements.txt holds plain requirements "
                              "only (`name`, `name[extra]`, `name>=1.2,<2`)")


def read(path: Path, root: Path | None = None) -> list[Requirement]:
    """The requirements of one file (inside the claims tree ``root``: by default the folder above its
    book's); :class:`RequirementsProblem` naming every bad line."""
    path = Path(path)
    try:
        tree = Path(root) if root is not None else path.absolute().parent.parent
        lines = read_bounded(path, 65_536, "a requirements.txt", tree).decode("utf-8").splitlines()
    except FileRefused as exc:
        raise RequirementsProblem(str(exc)) from None
    except UnicodeDecodeError:
        raise RequirementsProblem(f"{path}: is not UTF-8 text") from None
    found, problems = [], []
    for number, raw in enumerate(lines, 1):
        try:
            req = parse_line(raw, path, number)
        except RequirementsProblem as exc:
            problems.append(str(exc))
            continue
        if req is not None:
            found.append(req)
    if problems:
        raise RequirementsProblem("\n".join(problems))
    return found


def requirement_files(root: Path) -> tuple[list[Path], list[str]]:
    """Every book's ``<root>/<book>/requirements.txt``, and the problems: a requirements.txt
    anywhere else under ``root`` (nothing would read it) is one, never passed over in silence."""
    root = Path(root)
    books = sorted(root.glob(f"*/{FILE}"))
    strays = [p for p in sorted(root.rglob(FILE)) if p not in books and "listings" not in p.relative_to(root).parts]
    return books, [f"{p}: is not read: a book's libraries are declared in {root}/<book>/{FILE}" for p in strays]


def collect(root: Path) -> list[Requirement]:
    """Every book's requirements under the claims tree ``root``; :class:`RequirementsProblem` with
    every bad line (and misplaced file) of them all."""
    files, problems = requirement_files(root)
    found = []
    for path in files:
        try:
            found.extend(read(path, root))
        except RequirementsProblem as exc:
            problems.append(str(exc))
    if problems:
        raise RequirementsProblem("\n".join(problems))
    return found


def unsatisfied(requirements: list[Requirement]) -> list[Requirement]:
    """The requirements the running interpreter does not meet (all of them, where it cannot tell)."""
    try:
        from packaging.requirements import Requirement as Parsed
    except ImportError:  # pip will tell
        return list(requirements)
    out = []
    for req in requirements:
        try:
            have = importlib.metadata.version(req.name)
        except importlib.metadata.PackageNotFoundError:
            out.append(req)
            continue
        if not Parsed(req.text).specifier.contains(have, prereleases=True):
            out.append(req)
    return out


# -- a module that is not installed --------------------------------------------------------------

def distribution_of(module: str, declared: list[Requirement] = ()) -> str:
    """The distribution that installs ``module`` (a top-level name): the known name, else the module's."""
    top = module.split(".")[0]
    name = DISTRIBUTIONS.get(top)
    if name is None:
        try:
            name = importlib.metadata.packages_distributions().get(top, [None])[0]
        except Exception:  # a broken installed distribution's metadata: guess from the name
            name = None
    name = name or top.replace("_", "-")
    for req in declared:  # as the book spells it
        if normalized(req.name) == normalized(name):
            return req.name
    return name


def book_folder(path: Path) -> Path | None:
    """``claims/<book>`` for a file of the book (its nearest ancestor named ``claims``), else None."""
    path = Path(path).resolve()
    for folder in path.parents:
        if folder.name == "claims":
            rel = path.relative_to(folder).parts
            return folder / rel[0] if len(rel) > 1 else folder
    return None


def other_framework(top: str) -> str | None:
    """The backend this stack runs on, where ``top`` is a framework that this stack, by its choice of
    backend, does not install (TensorFlow beside Keras 3 on JAX or PyTorch); None otherwise: a
    missing framework of the stack's own backend is a broken stack, an error."""
    if top not in {"tensorflow", "jax", "torch"} or _installed(top):
        return None
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    return backend if backend in {"jax", "torch"} and backend != top else None


def _declared(book: Path | None) -> list[Requirement]:
    if book is None or not (book / FILE).is_file():
        return []
    try:
        return read(book / FILE)
    except RequirementsProblem:
        return []


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _raised_in(exc: BaseException, filename: str) -> bool:
    """Whether the innermost frame of ``exc``'s traceback (importlib's own left out) is ``filename``'s."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith("<frozen")]
    return bool(frames) and frames[-1].filename == filename


def missing_library(exc: BaseException, listing: Path) -> Skip | None:
    """The Skip for a book's module that is not installed (module, distribution, install line), or
    None where ``exc`` is no such thing (the module docstring's rule)."""
    if not isinstance(exc, ModuleNotFoundError) or not exc.name:
        return None
    top = exc.name.split(".")[0]
    other = other_framework(top)
    if other and _raised_in(exc, str(listing)):
        return Skip(f"the book's code imports {top}, which this stack does not install (Keras 3 on {other})",
                    f"verify it where {top} is installed (tox -e verify), or give the claim `requires: [{top}]`"
                    if top == "tensorflow" else f"verify it where {top} is installed")
    if top == "claimcheck" or top in sys.stdlib_module_names or top in own_modules():
        return None
    if _installed(top):  # the library is there but lacks this submodule: its version, an error
        return None
    book = book_folder(Path(str(listing).partition("#")[0]))
    declared = _declared(book)
    dist = distribution_of(top, declared)
    is_declared = any(normalized(r.name) == normalized(dist) for r in declared)
    if not (is_declared or _raised_in(exc, str(listing))):
        return None
    where = f"{book}/{FILE}" if book is not None else f"claims/<book>/{FILE}"
    reason = f"module '{exc.name}' is not installed (distribution {dist})"
    if is_declared:
        fix = f"{where} declares it: run `tox -e verify` (it installs every book's libraries) or `pip install {dist}`"
    else:
        fix = f"add `{dist}` to {where} and run `tox -e verify` (or `pip install {dist}`)"
    return Skip(reason, fix)
