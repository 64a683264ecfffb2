"""Drafting claims from a notebook's stored outputs and prose, for an author to review (`claimcheck draft`).

What it proposes, each with the cells that produce it and the cell it cites:

* every row of a ``model.summary()`` table: the layer's output shape and parameters, and the
  totals (static claims on the model's own cells: those that build it, and the imports before);
* what a cell displays or prints: a shape (``train_images.shape``), a length (``len(x)``, read as
  ``x.shape[0]``), an array's first and last entries and dtype, a number printed by name
  (``print('test_acc:', test_acc)``, a bare ``test_acc``);
* a fit log's last epoch: its accuracies (``acc``, ``val_acc``), read from the history;
* the prose's numbers that match one of those values (``97.8%`` for ``0.9777``), marked with what
  they matched and how sure the match is.

A number after a fit is a stochastic claim (tier ``cpu``, seeds, a reference): its reference is
written ``source: pending`` with the command that records it, so the drafted claim is skipped, with
that command as the fix, until it is recorded. Everything it cannot place is listed with its cell.
Nothing here runs the notebook.
"""
from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..claim import notebooks, values
from .coverage import find_numbers

SUMMARY_ROW = re.compile(r"^\s*(?P<name>[A-Za-z_][\w]*) \((?P<type>[^)\s]*)\)?\s+(?P<shape>\[?\([^)]*\)\]?)\s+"
                         r"(?P<params>\d[\d,]*)")
TOTAL = re.compile(r"^\s*(?P<which>Total|Trainable|Non-trainable) params:\s*(?P<n>\d[\d,]*)")
PRINTED = re.compile(r"^(?P<label>[^:\n]{1,60}):\s*(?P<value>\S.*?)\s*$")
EPOCH = re.compile(r"^\s*Epoch (\d+)/(\d+)")
LOGGED = re.compile(r"(?<![\w])(?P<name>(?:val_)?[a-z_]+): (?P<value>\d+\.\d+)")
FIT = re.compile(r"(?:(?P<var>\w+)\s*=\s*)?(?P<obj>\w+)\.fit(?:_generator)?\(")
METRICS = re.compile(r"metrics\s*=\s*\[\s*['\"](?P<m>\w+)['\"]")
ABSOLUTE = re.compile(r"""['"](/(?:Users|home|tmp|mnt|data)/[^'"]*|[A-Z]:\\[^'"]*)['"]""")
DATA = (("mnist.load_data", "mnist"), ("flow_from_directory", "dogs_vs_cats"),
        ("image_dataset_from_directory", "dogs_vs_cats"), ("weights='imagenet'", "vgg16_weights"),
        ('weights="imagenet"', "vgg16_weights"))


@dataclass
class Proposal:
    id: str
    kind: str
    cells: list            # the program: code cells, in order
    measure: dict          # the kind's fields besides the listings
    expected: object
    stated: str
    cite: list             # [(cell, quote)]
    why: str               # what it was read from / matched to, and how sure
    tier: str = "static"
    requires: list = field(default_factory=list)
    reference: str = ""
    review: list = field(default_factory=list)  # what the author must look at
    prose: bool = False  # a prose number matched to another proposal's value


@dataclass
class Draft:
    notebook: Path
    book: str
    chapter: str
    section: str
    title: str
    proposals: list = field(default_factory=list)
    unplaced: list = field(default_factory=list)  # [(cell, text, why)]

    @property
    def references(self) -> dict:
        return {p.reference: p for p in self.proposals if p.reference and not p.prose}


def _squash(text: str) -> str:
    return " ".join(str(text).split())


def _shape(text: str) -> list:
    inner = text.strip("[]() ")
    return [None if p.strip() == "None" else int(p) for p in inner.split(",") if p.strip()]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_") or "value"


def _display_only(source: str) -> bool:
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


class _Notebook:
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

    def program(self, upto: int) -> list:
        """Every code cell up to ``upto`` that a later cell may need (no display-only, plot or save cells)."""
        return [i for i in self.code if i <= upto and (i == upto or not (
            _display_only(self.source(i)) or _side_only(self.source(i))))]

    def model_cells(self, obj: str, upto: int) -> list:
        """The cells that build ``obj`` (``obj = ...``, ``obj.add(...)``) before ``upto``, and the imports before them."""
        builds = [i for i in self.code if i < upto and re.search(rf"^\s*{obj}\s*(=|\.add\()", self.source(i), re.M)]
        if not builds:
            return self.program(upto)
        imports = [i for i in self.code if i < builds[0] and _imports_only(self.source(i))]
        return imports + builds

    def trained(self, i: int) -> bool:
        return any(f <= i for f in self.fits)

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


def _id(draft: Draft, *parts: str) -> str:
    """``book.ch05.s5_2.<parts>``: the section keeps two notebooks of one chapter apart."""
    chapter = f"ch{int(draft.chapter):02d}" if draft.chapter.isdigit() else _slug(draft.chapter)
    return ".".join([draft.book, chapter, "s" + _slug(draft.section), *(_slug(p) for p in parts)])


def _section(path: Path) -> tuple[str, str]:
    m = re.match(r"^(\d+)\.(\d+)", path.name)
    return (m.group(1), f"{m.group(1)}.{m.group(2)}") if m else ("0", "0")


def _title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return re.sub(r"^#+\s*(\d+(\.\d+)*\s*-\s*)?", "", line).strip()
    return "(untitled)"


def _summaries(nbk: _Notebook, draft: Draft, i: int, out: str) -> bool:
    if "Total params" not in out:
        return False
    m = re.search(r"(\w+)\.summary\(\)", nbk.source(i))
    obj = m.group(1) if m else "model"
    cells = nbk.model_cells(obj, i)
    rows = [r for r in (SUMMARY_ROW.match(ln.replace("│", " ").replace("┃", " ")) for ln in out.splitlines()) if r]
    tag = f"cell{i}"
    for n, row in enumerate(rows):
        name, shape, params = row.group("name"), row.group("shape"), int(row.group("params").replace(",", ""))
        line = _squash(row.group(0))
        draft.proposals.append(Proposal(
            _id(draft, obj, tag, name, "shape"), "output_shape", cells, {"object": obj, "layer": n}, _shape(shape),
            shape, [(i, line)], f"cell {i}: {obj}.summary(), row {n} ({name}): sure"))
        draft.proposals.append(Proposal(
            _id(draft, obj, tag, name, "params"), "param_count", cells, {"object": obj, "layer": n}, params,
            f"{params:,}", [(i, line)], f"cell {i}: {obj}.summary(), row {n} ({name}): sure"))
    for ln in out.splitlines():
        t = TOTAL.match(ln)
        if t:
            which = {"Total": "total", "Trainable": "trainable", "Non-trainable": "non_trainable"}[t.group("which")]
            n = int(t.group("n").replace(",", ""))
            draft.proposals.append(Proposal(
                _id(draft, obj, tag, "params", which), "param_count", cells, {"object": obj, "which": which}, n,
                f"{n:,}", [(i, _squash(t.group(0)))], f"cell {i}: {obj}.summary(), {t.group('which')} params: sure"))
    return True


def _number(text: str):
    try:
        v = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        return None
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _value_claim(nbk: _Notebook, draft: Draft, i: int, expr: str, shown: str, quote: str, how: str) -> bool:
    """A value a cell shows: a shape, a length, an array's ends, a number."""
    shown = shown.strip()
    cells = nbk.program(i)
    if _display_only(nbk.source(i)) and len(cells) > 1:
        cells = cells[:-1]  # the cell only shows the value the claim reads itself
    requires = nbk.requires(cells)
    length = re.fullmatch(r"len\((\w+)\)", expr.strip())
    path = f"{length.group(1)}.shape[0]" if length else expr.strip()
    if values.problems(path):
        draft.unplaced.append((i, _squash(shown)[:80], f"{how} `{expr.strip()}`: not a value path a claim can read "
                               "(a call); write a named check (checks.py) for it"))
        return False
    base = _slug(path.replace(".shape[0]", "_len").replace(".shape", "_shape"))
    if re.fullmatch(r"\[?\(\s*(?:None|\d+)\s*(?:,\s*(?:None|\d+)\s*)*,?\s*\)\]?", shown):
        draft.proposals.append(Proposal(_id(draft, "value", base), "listing_value", cells, {"value": path},
                                        _shape(shown), shown, [(i, quote)], f"cell {i}: {how} `{expr.strip()}`: sure",
                                        requires=requires))
        return True
    arr = re.fullmatch(r"array\(\[(?P<body>.*)\],\s*dtype=(?P<dtype>\w+)\)", _squash(shown))
    if arr:
        parts = [p.strip() for p in arr.group("body").split(",")]
        if "..." in parts:
            k = parts.index("...")
            head, tail = parts[:k], parts[k + 1:]
            for what, items, sl in (("head", head, f"[:{len(head)}]"), ("tail", tail, f"[-{len(tail)}:]")):
                vals = [_number(p) for p in items]
                if items and None not in vals:
                    draft.proposals.append(Proposal(
                        _id(draft, "value", base, what), "listing_value", cells, {"value": path + sl}, vals,
                        _squash(shown), [(i, _squash(shown))], f"cell {i}: {how} `{expr.strip()}`, its {what}: sure",
                        requires=requires))
        draft.proposals.append(Proposal(
            _id(draft, "value", base, "dtype"), "listing_value", cells, {"value": path + ".dtype.name"},
            arr.group("dtype"), f"dtype={arr.group('dtype')}", [(i, _squash(shown))],
            f"cell {i}: {how} `{expr.strip()}`, its dtype: sure", requires=requires))
        return True
    number = _number(shown)
    if number is None:
        draft.unplaced.append((i, _squash(shown)[:80], f"{how} `{expr.strip()}`: not a shape, array or number"))
        return False
    if nbk.trained(i) and isinstance(number, float):
        stated = repr(number)
        p = Proposal(_id(draft, base), "metric", nbk.program(i), {"value": path}, stated, shown if len(shown) < 20 else stated,
                     [(i, quote)], f"cell {i}: {how} `{expr.strip()}` after the fit of cell {max(f for f in nbk.fits if f <= i)}: "
                     "one run's value (stochastic): sure", tier="cpu", requires=nbk.requires(nbk.program(i)))
        p.reference = f"draft.{p.id}"
        draft.proposals.append(p)
        return True
    draft.proposals.append(Proposal(_id(draft, "value", base), "listing_value", cells, {"value": path}, number,
                                    shown, [(i, quote)], f"cell {i}: {how} `{expr.strip()}`: sure", requires=requires))
    return True


def _print_args(source: str) -> dict:
    """``print('label:', expr)`` -> {label: expr}, for every such print in a cell."""
    out = {}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return out
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
                and len(node.args) == 2 and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            out[node.args[0].value.strip().rstrip(":").strip()] = ast.unparse(node.args[1])
    return out


def _fit_log(nbk: _Notebook, draft: Draft, i: int, out: str) -> bool:
    lines = out.replace("\r", "\n").splitlines()
    epochs = [(n, int(m.group(1)), int(m.group(2))) for n, ln in enumerate(lines) if (m := EPOCH.match(ln))]
    if not epochs:
        return False
    n, last, total = epochs[-1]
    fit = FIT.search(nbk.source(i))
    holder = fit.group("var") if fit and fit.group("var") else f"{fit.group('obj') if fit else 'model'}.history"
    logged = []
    for ln in lines[n + 1:]:
        logged = [(m.group("name"), m.group("value"), ln) for m in LOGGED.finditer(ln)]
        if logged:
            break
    if last != total:
        draft.unplaced.append((i, f"Epoch {last}/{total}", "the stored fit log stops before its last epoch"))
        return True
    for name, value, ln in logged:
        if name not in ("acc", "val_acc", "accuracy", "val_accuracy"):
            continue
        key = name.replace("accuracy", "acc").replace("acc", nbk.metric)
        path = f"{holder}.history['{key}'][-1]"
        p = Proposal(_id(draft, "fit", f"cell{i}", name), "metric", nbk.program(i), {"value": path}, value,
                     f"{name}: {value}", [(i, _squash(f"Epoch {last}/{total}\n{ln}")[:200])],
                     f"cell {i}: the fit log's last epoch ({last}/{total}), `{name}` (read as history['{key}']): sure",
                     tier="cpu", requires=nbk.requires(nbk.program(i)))
        p.reference = f"draft.{p.id}"
        draft.proposals.append(p)
    return True


def _outputs(nbk: _Notebook, draft: Draft) -> None:
    for i in nbk.code:
        cell = nbk.nb.cells[i]
        out = notebooks.output_text(cell)
        if not out.strip():
            continue
        if _summaries(nbk, draft, i, out) or _fit_log(nbk, draft, i, out):
            continue
        src = cell.source.strip()
        results = [o for o in cell.get("outputs", []) if o.get("output_type") == "execute_result"]
        if results and _display_only(src) or (results and re.fullmatch(r"len\(\w+\)", src)):
            shown = results[0].get("data", {}).get("text/plain", "")
            _value_claim(nbk, draft, i, src, shown, _squash(shown), "displays")
            continue
        printed = _print_args(src)
        for o in cell.get("outputs", []):
            if o.get("output_type") != "stream":
                continue
            for ln in o.get("text", "").splitlines():
                m = PRINTED.match(ln.strip())
                label = m.group("label").strip() if m else ""
                if m and label in printed:
                    _value_claim(nbk, draft, i, printed[label], m.group("value"), _squash(ln), f"prints `{label}:`")
                elif ln.strip() and find_numbers(ln):
                    draft.unplaced.append((i, _squash(ln)[:80], "printed text no value path produces"))


def _sentence(text: str, token: str) -> str:
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z*`(\[])", _squash(text)):
        if token in sentence:
            return sentence
    return token


def _digits(text: str) -> int:
    t = text.rstrip("% ").strip()
    return len(t.split(".")[1]) if "." in t else 0


def _prose(nbk: _Notebook, draft: Draft) -> None:
    """Each number of the markdown cells: matched to a drafted value, or listed as not placed."""
    numeric = [p for p in draft.proposals if p.kind == "metric"]
    shapes = [p for p in draft.proposals if p.kind in ("output_shape", "listing_value")]
    for i, cell in enumerate(nbk.nb.cells):
        if cell.cell_type != "markdown":
            continue
        for num in find_numbers(cell.source):
            sentence = _sentence(cell.source, num.text)
            if num.kind in ("percent", "decimal"):
                value = num.value
                scale = 2 if num.kind == "percent" else 0
                digits = _digits(num.text) + scale
                found = [(p, float(p.expected)) for p in numeric if round(float(p.expected), digits) == round(value, digits)]
                near = [(p, float(p.expected)) for p in numeric if abs(float(p.expected) - value) <= 0.005]
                if found:
                    p, observed = sorted(found, key=lambda pv: abs(pv[0].cite[0][0] - i))[0]
                    sure = "sure" if len(found) == 1 else f"unsure: {len(found)} values match, took the nearest cell's"
                    how = "the same digits" if _digits(num.text) + scale == _digits(p.stated.split(": ")[-1]) \
                        else f"{p.expected} rounded to {num.text}"
                    _prose_claim(draft, p, i, num.text, sentence, f"cell {i}: prose {num.text} matches {p.id} "
                                 f"({how}): {sure}")
                elif near:
                    p, observed = sorted(near, key=lambda pv: abs(pv[1] - value))[0]
                    _prose_claim(draft, p, i, num.text, sentence, f"cell {i}: prose {num.text} is near {p.id} "
                                 f"({p.expected}), not its rounding: unsure (the prose and the output disagree?)")
                else:
                    draft.unplaced.append((i, num.text, f"prose: matches no drafted value ({_squash(sentence)[:70]})"))
            elif num.kind == "shape":
                v = list(num.value)
                match = [p for p in shapes if isinstance(p.expected, list) and (p.expected == v or (
                    p.expected[:1] == [None] and p.expected[1:] == v))]
                if match:
                    match[0].cite.append((i, sentence))
                    match[0].why += f"; prose {num.text} (cell {i}) cited: {'sure' if len(match) == 1 else 'unsure'}"
                else:
                    draft.unplaced.append((i, num.text, f"prose: a shape no drafted value has ({_squash(sentence)[:70]})"))
            else:
                draft.unplaced.append((i, num.text, f"prose: a {num.kind} ({_squash(sentence)[:70]})"))


def _prose_claim(draft: Draft, p: Proposal, cell: int, text: str, sentence: str, why: str) -> None:
    base = p.id + ".prose"
    taken = {q.id for q in draft.proposals}
    pid, n = base, 2
    while pid in taken:
        pid, n = f"{base}{n}", n + 1
    draft.proposals.append(Proposal(pid, p.kind, p.cells, dict(p.measure), text, text, [(cell, sentence)], why,
                                    tier=p.tier, requires=list(p.requires), reference=p.reference, prose=True))


def _one_program_per_fit(nbk: _Notebook, d: Draft) -> None:
    """The values read after one fit come from one program (the cells up to the last of them), so
    they share their training runs."""
    by_fit: dict = {}
    for p in d.proposals:
        if p.kind == "metric":
            fit = max(f for f in nbk.fits if f <= p.cite[0][0])
            later = [f for f in nbk.fits if f > fit]
            by_fit.setdefault((fit, later[0] if later else None), []).append(p)
    for group in by_fit.values():
        cells = nbk.program(max(p.cite[0][0] for p in group))
        for p in group:
            p.cells = cells


def draft(path: Path, book: str = "draft") -> Draft:
    """The proposed claims of one notebook (nothing is run)."""
    nbk = _Notebook(Path(path))
    chapter, section = _section(Path(path))
    d = Draft(Path(path), book, chapter, section, _title(nbk.nb))
    _outputs(nbk, d)
    _one_program_per_fit(nbk, d)
    _prose(nbk, d)
    for p in d.proposals:
        p.review = nbk.review(p.cells)
        if p.kind == "metric" and p.tier == "cpu":
            p.requires = sorted(set(p.requires))
    return d


# --- writing ------------------------------------------------------------------------------------

def _j(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _cells(cells: list) -> str:
    """3,5,6,7 -> '3,5-7'."""
    out, start, prev = [], None, None
    for c in cells + [None]:
        if start is None:
            start = prev = c
        elif c is not None and c == prev + 1:
            prev = c
        else:
            out.append(str(start) if start == prev else f"{start}-{prev}")
            start = prev = c
    return ",".join(out)


def render(d: Draft, spec_path: Path) -> str:
    """The spec file's text: valid YAML (JSON values in flow style) with a comment on every claim."""
    rel = os.path.relpath(Path(d.notebook).resolve(), Path(spec_path).resolve().parent)
    lines = [f"# Drafted by `claimcheck draft {d.notebook.name}`: {len(d.proposals)} proposed claims for an author",
             "# to review. Each says what it was read from and how sure the match is; `review:` lines need a",
             "# person. Metrics are one run's values: their references are pending (references.yaml beside",
             "# this file) and the claims are skipped until each is recorded with the command there.",
             f"book: {_j(d.book)}", f"chapter: {d.chapter}", f"section: {_j(d.section)}", f"title: {_j(d.title)}",
             f"notebook: {_j(rel)}", "", "claims:"]
    for p in d.proposals:
        lines.append(f"  # {p.why}")
        lines += [f"  # review: {r}" for r in p.review]
        measure = {"listings": [f"{rel}#{_cells(p.cells)}"], **p.measure}
        if p.kind == "metric":
            measure["seeds"] = {"cpu": 5, "gpu": 10}
        lines.append(f"  - id: {p.id}")
        lines.append(f"    kind: {p.kind}")
        lines.append(f"    tier: {p.tier}")
        if p.requires:
            lines.append(f"    requires: {_j(p.requires)}")
        lines.append(f"    measure: {_j(measure)}")
        lines.append(f"    expected: {_j(p.expected)}")
        if p.reference:
            lines.append(f"    reference: {p.reference}")
        lines.append("    source:")
        lines.append(f"      stated: {_j(p.stated)}")
        lines.append("      cite:")
        lines += [f"        - {{from: notebook, cell: {c}, quote: {_j(q)}}}" for c, q in p.cite]
        lines.append("")
    if d.unplaced:
        lines.append(f"# Not placed ({len(d.unplaced)}): numbers of the prose and outputs no proposal above checks.")
        lines += [f"#   cell {c}: {t}: {why}" for c, t, why in d.unplaced]
    return "\n".join(lines) + "\n"


def reference_entries(d: Draft, spec_path: Path) -> list[tuple[str, str]]:
    """(name, YAML text) of each drafted metric's reference: pending, with the command that records it."""
    out = []
    for name, p in d.references.items():
        command = f"claimcheck reference {p.id} --name {name} --runs 10 --claims {spec_path}"
        out.append((name, "\n".join([f"  {name}:", "    source: pending", f"    note: {_j('drafted from ' + p.why)}",
                                      f"    command: {_j(command)}"]) + "\n"))
    return out


def render_references(d: Draft, spec_path: Path) -> str:
    """A references.yaml of the drafted metrics' pending references."""
    return "references:\n" + "".join(text for _, text in reference_entries(d, spec_path))
