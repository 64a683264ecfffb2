"""The results store: every verify run's records, over time, and what changed between runs.

A run made with ``--seeds N`` is *exploratory*: it is stored and shown, but it is never the
previous comparable run of a later one, and its stochastic verdicts are flagged ``exploratory``,
never a new failure: the nightly verdict does not change on it.

The store is a folder of per-run JSON files (``<utc time>-<random>.json``), each written to a
temporary name and renamed into place, so concurrent runs never overwrite or half-write one
another; pandas reads the folder into one table (one row per claim per run). A folder of files
was chosen over SQLite because runs on different machines (a CI runner, a GPU box) can be
merged by copying files, and a git commit or an artifact upload carries them as they are.

Each run file is sealed with the MAC of its content and its file name, with the store's key
(seal.py, keys.py: the store's key in the key folder, never in the store, or ``--key-file``). ``table`` reads only
files that are whole, unedited, under their own name and well formed; every other ``*.json`` in the
store is *refused*, named with why in ``table(...).attrs["refused"]``, which the history command
and the report show: a truncated, hand-edited, forged, copied or renamed run is never silently
dropped, nor compared against; and while the store holds one, ``--new-failures-only`` cannot tell
what is new, so every failure fails the run (service/finish.py).
"""
from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from scipy import stats as sps

from ..claim.verdict import BAD
from . import keys, seal

MOVED_P = 0.05  # a metric "moved" when Welch's two-sample t-test gives p below this


def append(run: dict, records: list[dict], store: Path, key_file: Path | None = None) -> Path:
    """Add one run to the store; safe against concurrent writers."""
    store.mkdir(parents=True, exist_ok=True)
    key = keys.store_key(store, create=True, key_file=key_file)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    name = f"{stamp}-{uuid.uuid4().hex[:8]}.json"
    tmp = store / f".{name}.tmp"
    doc = seal.sealed({"run": run, "results": records}, key, seal.history_run(name))
    tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, store / name)
    return store / name


def values_of(record: dict) -> list[float]:
    summary = (record.get("details") or {}).get("summary") or {}
    found = summary.get("values") if isinstance(summary, dict) else None
    if not isinstance(found, list):
        return []
    return [float(v) for v in found if isinstance(v, (int, float)) and not isinstance(v, bool)]


def table(store: Path, key_file: Path | None = None) -> pd.DataFrame:
    """One row per claim per run, oldest run first."""
    rows, refused = [], []
    try:
        key, no_key = keys.store_key(store, create=False, key_file=key_file), None
    except keys.KeyProblem as exc:
        key, no_key = None, str(exc)
    for path in sorted(store.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            refused.append((path.name, f"not JSON ({exc})"))
            continue
        why = no_key or seal.problem(doc, key, seal.history_run(path.name)) or _malformed(doc)
        if why:
            refused.append((path.name, why))
            continue
        run = doc["run"]
        env = run.get("environment") or {}
        for r in doc["results"]:
            rows.append({
                "run_file": path.name, "run_id": run.get("run_id", path.stem),
                "time": run.get("started", ""), "commit": run.get("commit", "unknown"),
                "tier": run.get("tier", ""), "exploratory": bool(run.get("exploratory")),
                "seeded": "exploratory" in (r.get("details") or {}),
                "id": r["id"], "kind": r["kind"], "status": r["status"],
                "observed": r.get("observed"), "expected": r.get("expected"), "values": values_of(r),
                **{f"env.{k}": v for k, v in (r.get("environment") or env).items()},
            })
    columns = ["run_file", "run_id", "time", "commit", "tier", "exploratory", "seeded", "id", "kind", "status",
               "observed", "expected", "values"]
    df = pd.DataFrame(rows, columns=None if rows else columns)
    df.attrs["refused"] = refused
    return df


def _malformed(doc: dict) -> str | None:
    """Why a sealed run file still is not a run this store can read, or None."""
    if not isinstance(doc.get("run"), dict) or not isinstance(doc.get("results"), list):
        return "no 'run' object and 'results' list"
    if not isinstance(doc["run"].get("environment") or {}, dict):
        return "its run's 'environment' is not an object"
    for n, r in enumerate(doc["results"]):
        if not isinstance(r, dict) or not all(isinstance(r.get(k), str) for k in ("id", "kind", "status")):
            return f"result {n} has no id, kind and status"
        if not isinstance(r.get("environment") or {}, dict) or not isinstance(r.get("details") or {}, dict):
            return f"result {n} ({r['id']}): 'environment' or 'details' is not an object"
    return None


def refused(df: pd.DataFrame) -> list[tuple[str, str]]:
    """The store's files ``table`` would not read: (file name, why)."""
    return list(df.attrs.get("refused", []))


@dataclass
class Change:
    id: str
    flag: str  # new-failure, new-inconclusive, fixed, changed, moved, known-failure, unchanged, first, skipped, exploratory
    status: str
    previous_status: str | None
    reason: str
    env_diff: dict

    @property
    def new_failure(self) -> bool:
        """What the nightly reports (``--new-failures-only``): a new failure or error, or a verdict that
        turned inconclusive."""
        return self.flag in ("new-failure", "new-inconclusive")


def _env(row) -> dict:
    return {k[4:]: row[k] for k in row.index if k.startswith("env.") and not pd.isna(row[k])}


def compare(current: dict, previous: dict | None) -> Change:
    """What changed for one claim between its previous comparable record and now."""
    status = current["status"]
    if previous is None:
        flag = "new-failure" if status in {s.value for s in BAD} else "first"
        return Change(current["id"], flag, status, None, "no earlier run of this claim", {})
    env_diff = {k: [previous["env"].get(k), v] for k, v in current["env"].items()
                if previous["env"].get(k) != v and k != "platform"}
    bad = {s.value for s in BAD}
    before = previous["status"]
    if status in bad and before not in bad:
        flag, reason = "new-failure", f"{before} -> {status}"
    elif status in bad:
        flag, reason = "known-failure", f"{status} as before"
    elif before in bad:
        flag, reason = "fixed", f"{before} -> {status}"
    elif status == "inconclusive" and before != "inconclusive":  # the nightly says so: a verdict was lost
        flag, reason = "new-inconclusive", f"{before} -> inconclusive: the seeds no longer decide it"
    elif status != before:
        flag, reason = "changed", f"{before} -> {status}"
    else:
        flag, reason = "unchanged", status
    a, b = previous["values"], current["values"]
    if flag in ("unchanged", "changed", "fixed", "known-failure") and len(a) >= 2 and len(b) >= 2:
        test = sps.ttest_ind(b, a, equal_var=False)
        if test.pvalue < MOVED_P:
            shift = sum(b) / len(b) - sum(a) / len(a)
            reason += (f"; values moved by {shift:+.4f} (Welch t-test p={test.pvalue:.3g}, "
                       f"{len(a)} vs {len(b)} seeds)")
            if flag == "unchanged":
                flag = "moved"
    if env_diff and flag not in ("unchanged",):
        reason += "; environment: " + ", ".join(f"{k} {v[0]} -> {v[1]}" for k, v in env_diff.items())
    return Change(current["id"], flag, status, before, reason, env_diff)


def changes(df: pd.DataFrame, run_id: str | None = None) -> list[Change]:
    """Each claim of a run (default: the newest) against its previous comparable record.

    Comparable: the claim's latest earlier record that ran (not skipped).
    """
    if df.empty:
        return []
    runs = list(dict.fromkeys(df["run_id"]))
    run_id = run_id or runs[-1]
    exploratory = set(df.loc[df["exploratory"].astype(bool), "run_id"]) if "exploratory" in df else set()
    earlier = set(runs[:runs.index(run_id)]) - exploratory
    out = []
    for _, row in df[df["run_id"] == run_id].iterrows():
        past = df[(df["id"] == row["id"]) & df["run_id"].isin(earlier) & (df["status"] != "skipped")]
        previous = None
        if not past.empty:
            p = past.iloc[-1]
            previous = {"status": p["status"], "values": p["values"], "env": _env(p)}
        current = {"id": row["id"], "status": row["status"], "values": row["values"], "env": _env(row)}
        if row["status"] == "skipped":
            out.append(Change(row["id"], "skipped", "skipped", previous and previous["status"], "skipped", {}))
        elif row.get("seeded"):
            out.append(Change(row["id"], "exploratory", row["status"], previous and previous["status"],
                              "exploratory run (--seeds): not compared", {}))
        else:
            out.append(compare(current, previous))
    return out


def series(df: pd.DataFrame, claim_id: str) -> list[dict]:
    """A claim's record in each run, oldest first: for sparklines and the history command."""
    rows = df[df["id"] == claim_id]
    return [{"run_id": r["run_id"], "time": r["time"], "status": r["status"], "observed": r["observed"],
             "backend": r.get("env.backend")} for _, r in rows.iterrows()]
