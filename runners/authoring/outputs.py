"""Proposals read from what the code cells output: ``model.summary()`` tables (each row's shape and
parameters), a fit log's last epoch (its accuracies, stochastic), and everything else a cell shows: one
``output`` claim per cell, every number it shows compared at its printed digits. A value shown after a
fit is also kept as the metric it would be, should the program turn out not to repeat (settling.py).
What it cannot read is listed with its cell."""
from __future__ import annotations

import ast
import re

from ..claim import notebooks, printed, values
from ..claim.notebooks import squash
from .notebook import FIT, DraftNotebook, display_only
from .proposals import Draft, Proposal, slug
from .yamlwriter import Block

SUMMARY_ROW = re.compile(r"^\s*(?P<name>[A-Za-z_][\w]*) \((?P<type>[^)\s]*)\)?\s+(?P<shape>\[?\([^)]*\)\]?)\s+"
                         r"(?P<params>\d[\d,]*)")
TOTAL = re.compile(r"^\s*(?P<which>Total|Trainable|Non-trainable) params:\s*(?P<n>\d[\d,]*)")
PRINTED = re.compile(r"^(?P<label>[^:\n]{1,60}):\s*(?P<value>\S.*?)\s*$")
EPOCH = re.compile(r"^\s*Epoch (\d+)/(\d+)")
LOGGED = re.compile(r"(?<![\w])(?P<name>(?:val_)?[a-z_]+): (?P<value>\d+\.\d+)")


def read_outputs(nbk: DraftNotebook, draft: Draft) -> None:
    """Every code cell's output: a summary, a fit log, or everything else it shows (an ``output`` claim)."""
    for i in nbk.code:
        cell = nbk.nb.cells[i]
        error = notebooks.raised(cell)
        if error:
            draft.not_placed(i, squash(error)[:80], "raised", f"the cell raised in the author's run ({squash(error)[:60]})")
            continue
        out = notebooks.output_text(cell)
        if not out.strip():
            continue
        if _summaries(nbk, draft, i, out) or _fit_log(nbk, draft, i, out):
            continue
        _output(nbk, draft, i)


def _output(nbk: DraftNotebook, draft: Draft, i: int) -> None:
    """One claim on everything cell ``i`` shows, number by number (kinds/output.py); where the cell shows a
    value after a fit, the metric it would be if the program does not repeat (decided when it is settled)."""
    cell = nbk.nb.cells[i]
    text = printed.clean(notebooks.shown_output(cell)).rstrip()
    text = "\n".join(line.rstrip() for line in text.splitlines())
    try:
        found = printed.numbers(text)
    except ValueError as exc:
        draft.not_placed(i, squash(text)[:80], "shown", f"its output: {exc}")
        return
    if not found:
        return  # nothing it could compare: words, a figure, a masked timing
    if nbk.shell_only(i):
        draft.not_placed(i, squash(text)[:80], "shell", "printed by a shell command or a magic, not by Python")
        return
    cells = nbk.needs([i])
    quote = _quote(cell, text)
    p = Proposal(id=draft.claim_id("out", f"cell{i}"), kind="output", cells=cells, measure={"cell": i},
                 expected=Block(text), stated=quote[:80], cite=[(i, quote)], requires=nbk.requires(cells),
                 why=f"cell {i}: everything it shows, {_count(len(found), 'number')}, compared at their printed digits: sure")
    p.stochastic = _metric_candidates(nbk, draft, i)
    p.seeded = nbk.seeded(cells)
    p.trains = any(n[0] in nbk.fits for n in cells)
    draft.proposals.append(p)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _quote(cell, text: str) -> str:
    """A line of the stored output to cite (the first with a number, as stored), else the cell's first code line."""
    stored = squash(notebooks.output_text(cell))
    for line in text.splitlines():
        q = squash(line)
        if q and printed.numbers(line) and q in stored:
            return q[:200]
    first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
    return squash(first)[:200]


def _metric_candidates(nbk: DraftNotebook, draft: Draft, i: int) -> list:
    """The values cell ``i`` shows after a fit, each as a metric claim would read it: [(path, shown, quote,
    how)]; they become claims only where the program turns out not to repeat."""
    if not nbk.trained(i):
        return []
    cell = nbk.nb.cells[i]
    src = cell.source.strip()
    found = []
    results = [o for o in cell.get("outputs", []) if o.get("output_type") == "execute_result"]
    if results and display_only(src):
        shown = notebooks._joined(results[0].get("data", {}).get("text/plain", "")).strip()
        if isinstance(_number(shown), float) and not values.problems(src):
            found.append((src, shown, squash(shown), "displays"))
    labels = _print_args(src)
    for o in cell.get("outputs", []):
        if o.get("output_type") != "stream":
            continue
        for ln in notebooks._joined(o.get("text", "")).splitlines():
            m = PRINTED.match(ln.strip())
            label = m.group("label").strip() if m else ""
            if m and label in labels and isinstance(_number(m.group("value")), float) and not values.problems(labels[label]):
                found.append((labels[label], m.group("value"), squash(ln), f"prints `{label}:`"))
    return found


def metric_from(nbk: DraftNotebook, draft: Draft, p: Proposal, candidate) -> Proposal:
    """The metric claim of a value a cell shows after a fit (its program's run does not repeat)."""
    path, shown, quote, how = candidate
    i = p.measure["cell"]
    base = slug(path.replace(".shape[0]", "_len").replace(".shape", "_shape"))
    pid = draft.claim_id(base)
    stated = repr(_number(shown))
    return Proposal(
        id=pid, kind="metric", cells=p.cells, measure={"value": path}, expected=stated,
        stated=shown if len(shown) < 20 else stated, cite=[(i, quote)],
        why=f"cell {i}: {how} `{path}` after the fit of cell {nbk.fit_before(i)}: one run's value (its program "
            "does not repeat: stochastic): sure",
        tier="cpu", requires=p.requires, reference=f"draft.{pid}")


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
    cells = nbk.needs([i]) if nbk.defines(obj, i) else nbk.needs(reads=[obj], at=i) or nbk.needs([i])
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
