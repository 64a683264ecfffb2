"""Proposals read from what the code cells output: ``model.summary()`` tables, values a cell displays or
prints by name, a fit log's last epoch. What it cannot read is listed with its cell."""
from __future__ import annotations

import ast
import re

from ..catalog.coverage import find_numbers
from ..claim import notebooks, values
from ..claim.notebooks import squash
from . import names
from .notebook import FIT, DraftNotebook, display_only
from .proposals import Draft, Proposal, slug

SUMMARY_ROW = re.compile(r"^\s*(?P<name>[A-Za-z_][\w]*) \((?P<type>[^)\s]*)\)?\s+(?P<shape>\[?\([^)]*\)\]?)\s+"
                         r"(?P<params>\d[\d,]*)")
TOTAL = re.compile(r"^\s*(?P<which>Total|Trainable|Non-trainable) params:\s*(?P<n>\d[\d,]*)")
PRINTED = re.compile(r"^(?P<label>[^:\n]{1,60}):\s*(?P<value>\S.*?)\s*$")
EPOCH = re.compile(r"^\s*Epoch (\d+)/(\d+)")
LOGGED = re.compile(r"(?<![\w])(?P<name>(?:val_)?[a-z_]+): (?P<value>\d+\.\d+)")
SHAPE = re.compile(r"\[?\(\s*(?:None|\d+)\s*(?:,\s*(?:None|\d+)\s*)*,?\s*\)\]?")
ARRAY = re.compile(r"array\(\[(?P<body>.*)\],\s*dtype=(?P<dtype>\w+)\)")


def read_outputs(nbk: DraftNotebook, draft: Draft) -> None:
    """Every code cell's output: a summary, a fit log, a displayed value or printed values."""
    for i in nbk.code:
        cell = nbk.nb.cells[i]
        out = notebooks.output_text(cell)
        if not out.strip():
            continue
        if _summaries(nbk, draft, i, out) or _fit_log(nbk, draft, i, out):
            continue
        src = cell.source.strip()
        results = [o for o in cell.get("outputs", []) if o.get("output_type") == "execute_result"]
        if results and display_only(src) or (results and re.fullmatch(r"len\(\w+\)", src)):
            shown = results[0].get("data", {}).get("text/plain", "")
            _value_claim(nbk, draft, i, src, shown, squash(shown), "displays")
            continue
        printed = _print_args(src)
        for o in cell.get("outputs", []):
            if o.get("output_type") != "stream":
                continue
            for ln in o.get("text", "").splitlines():
                m = PRINTED.match(ln.strip())
                label = m.group("label").strip() if m else ""
                if m and label in printed:
                    _value_claim(nbk, draft, i, printed[label], m.group("value"), squash(ln), f"prints `{label}:`")
                elif ln.strip() and find_numbers(ln):
                    draft.not_placed(i, squash(ln)[:80], "printed", "printed text no value path produces")


def _shape(text: str) -> list:
    inner = text.strip("[]() ")
    return [None if p.strip() == "None" else int(p) for p in inner.split(",") if p.strip()]


def _number(text: str):
    try:
        v = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        return None
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _summaries(nbk: DraftNotebook, draft: Draft, i: int, out: str) -> bool:
    if "Total params" not in out:
        return False
    m = re.search(r"(\w+)\.summary\(\)", nbk.source(i))
    obj = m.group(1) if m else "model"
    # the cells that build it (the summary cell only where it builds or changes it too)
    cells = nbk.needs([i]) if nbk.defines(obj, i) else nbk.needs(reads=[obj], at=i) or [i]
    rows = [r for r in (SUMMARY_ROW.match(ln.replace("│", " ").replace("┃", " ")) for ln in out.splitlines()) if r]
    tag = f"cell{i}"
    for n, row in enumerate(rows):
        name, shape, params = row.group("name"), row.group("shape"), int(row.group("params").replace(",", ""))
        line = squash(row.group(0))
        why = f"cell {i}: {obj}.summary(), row {n} ({name}): sure"
        draft.proposals.append(Proposal(
            id=draft.claim_id(obj, tag, name, "shape"), kind="output_shape", cells=cells,
            measure={"object": obj, "layer": n}, expected=_shape(shape), stated=shape, cite=[(i, line)], why=why))
        draft.proposals.append(Proposal(
            id=draft.claim_id(obj, tag, name, "params"), kind="param_count", cells=cells,
            measure={"object": obj, "layer": n}, expected=params, stated=f"{params:,}", cite=[(i, line)], why=why))
    for ln in out.splitlines():
        t = TOTAL.match(ln)
        if t:
            which = {"Total": "total", "Trainable": "trainable", "Non-trainable": "non_trainable"}[t.group("which")]
            n = int(t.group("n").replace(",", ""))
            draft.proposals.append(Proposal(
                id=draft.claim_id(obj, tag, "params", which), kind="param_count", cells=cells,
                measure={"object": obj, "which": which}, expected=n, stated=f"{n:,}", cite=[(i, squash(t.group(0)))],
                why=f"cell {i}: {obj}.summary(), {t.group('which')} params: sure"))
    return True


def _value_claim(nbk: DraftNotebook, draft: Draft, i: int, expr: str, shown: str, quote: str, how: str) -> bool:
    """A value a cell shows: a shape, a length, an array's ends, a number."""
    shown, expr = shown.strip(), expr.strip()
    if display_only(nbk.source(i)):  # the cell only shows the value the claim reads itself
        cells = nbk.needs(reads=names.expression_reads(nbk.source(i)), at=i) or [i]
    else:
        cells = nbk.needs([i])
    requires = nbk.requires(cells)
    length = re.fullmatch(r"len\((\w+)\)", expr)
    path = f"{length.group(1)}.shape[0]" if length else expr
    if values.problems(path):
        draft.not_placed(i, squash(shown)[:80], "call", f"{how} `{expr}`: not a value path a claim can read "
                         "(a call); write a named check (checks.py) for it")
        return False
    base = slug(path.replace(".shape[0]", "_len").replace(".shape", "_shape"))
    if SHAPE.fullmatch(shown):
        draft.proposals.append(Proposal(
            id=draft.claim_id("value", base), kind="listing_value", cells=cells, measure={"value": path},
            expected=_shape(shown), stated=shown, cite=[(i, quote)], why=f"cell {i}: {how} `{expr}`: sure",
            requires=requires))
        return True
    arr = ARRAY.fullmatch(squash(shown))
    if arr:
        _array_claims(draft, i, cells, requires, path, base, shown, arr, f"{how} `{expr}`")
        return True
    number = _number(shown)
    if number is None:
        draft.not_placed(i, squash(shown)[:80], "shown", f"{how} `{expr}`: not a shape, array or number")
        return False
    if nbk.trained(i) and isinstance(number, float):
        stated = repr(number)
        pid = draft.claim_id(base)
        program = cells
        draft.proposals.append(Proposal(
            id=pid, kind="metric", cells=program, measure={"value": path}, expected=stated,
            stated=shown if len(shown) < 20 else stated, cite=[(i, quote)],
            why=f"cell {i}: {how} `{expr}` after the fit of cell {nbk.fit_before(i)}: one run's value (stochastic): sure",
            tier="cpu", requires=nbk.requires(program), reference=f"draft.{pid}"))
        return True
    draft.proposals.append(Proposal(
        id=draft.claim_id("value", base), kind="listing_value", cells=cells, measure={"value": path},
        expected=number, stated=shown, cite=[(i, quote)], why=f"cell {i}: {how} `{expr}`: sure", requires=requires))
    return True


def _array_claims(draft: Draft, i: int, cells: list, requires: list, path: str, base: str, shown: str, arr,
                  how: str) -> None:
    """An array shown with ``...``: its head, its tail (where they are numbers) and its dtype."""
    quote = squash(shown)
    parts = [p.strip() for p in arr.group("body").split(",")]
    if "..." in parts:
        k = parts.index("...")
        head, tail = parts[:k], parts[k + 1:]
        for what, items, sl in (("head", head, f"[:{len(head)}]"), ("tail", tail, f"[-{len(tail)}:]")):
            vals = [_number(p) for p in items]
            if items and None not in vals:
                draft.proposals.append(Proposal(
                    id=draft.claim_id("value", base, what), kind="listing_value", cells=cells,
                    measure={"value": path + sl}, expected=vals, stated=quote, cite=[(i, quote)],
                    why=f"cell {i}: {how}, its {what}: sure", requires=requires))
    dtype = arr.group("dtype")
    draft.proposals.append(Proposal(
        id=draft.claim_id("value", base, "dtype"), kind="listing_value", cells=cells,
        measure={"value": path + ".dtype.name"}, expected=dtype, stated=f"dtype={dtype}", cite=[(i, quote)],
        why=f"cell {i}: {how}, its dtype: sure", requires=requires))


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


def _assigned_call(source: str) -> str | None:
    """The name a cell's last statement assigns a call's result to (``h = train(model)``), if it does."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return None
    last = body[-1] if body else None
    if (isinstance(last, ast.Assign) and len(last.targets) == 1 and isinstance(last.targets[0], ast.Name)
            and isinstance(last.value, ast.Call)):
        return last.targets[0].id
    return None


def _fit_log(nbk: DraftNotebook, draft: Draft, i: int, out: str) -> bool:
    lines = out.replace("\r", "\n").splitlines()
    epochs = [(n, int(m.group(1)), int(m.group(2))) for n, ln in enumerate(lines) if (m := EPOCH.match(ln))]
    if not epochs:
        return False
    n, last, total = epochs[-1]
    fit = FIT.search(nbk.source(i))
    returned = None if fit else _assigned_call(nbk.source(i))  # `history_x = train(optimizer)`: a helper that fits
    holder = (fit.group("var") if fit and fit.group("var") else returned
              or f"{fit.group('obj') if fit else 'model'}.history")
    logged = []
    for ln in lines[n + 1:]:
        logged = [(m.group("name"), m.group("value"), ln) for m in LOGGED.finditer(ln)]
        if logged:
            break
    if last != total:
        draft.not_placed(i, f"Epoch {last}/{total}", "fit log", "the stored fit log stops before its last epoch")
        return True
    program = nbk.needs([i])
    for name, value, ln in logged:
        if name not in ("acc", "val_acc", "accuracy", "val_accuracy"):
            continue
        key = name.replace("accuracy", "acc").replace("acc", nbk.metric)
        pid = draft.claim_id("fit", f"cell{i}", name)
        draft.proposals.append(Proposal(
            id=pid, kind="metric", cells=program, measure={"value": f"{holder}.history['{key}'][-1]"}, expected=value,
            stated=f"{name}: {value}", cite=[(i, squash(f"Epoch {last}/{total}\n{ln}")[:200])],
            why=f"cell {i}: the fit log's last epoch ({last}/{total}), `{name}` (read as history['{key}']): sure",
            tier="cpu", requires=nbk.requires(program), reference=f"draft.{pid}"))
    return True
