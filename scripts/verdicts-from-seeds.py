"""Stochastic verdicts recomputed from a run's recorded seeds, without training: before (the run's
results.json, decided by the code that ran) and after (this checkout's rule on the same seeds).

    python scripts/verdicts-from-seeds.py ../fresh/build/verify/results.json [--markdown]

For each stochastic result measured in that run (not one decided from readers' runs alone), the
seeds' values (details.runs) go through this checkout's kind: its reference (screened by the
outlier rule), stats.judge_mean, its band and which stated values would pass. A known erratum
keeps its status (the engine sets it over the rule's failed). Also the probes issue 25 asks for:
stated values the seeds clearly contradict.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent))

from claimcheck.runners import stats  # noqa: E402
from claimcheck.runners.catalog import loader  # noqa: E402
from claimcheck.runners.kinds import (  # noqa: E402
    _stochastic,
    comparison,
    registry,  # noqa: E402
)

CTX = SimpleNamespace(settings=SimpleNamespace(exploratory=False))


def seeds_of(result: dict):
    runs = result["details"]["runs"]
    if isinstance(runs, dict):
        return [r["value"] for r in runs["a"]], [r["value"] for r in runs["b"]]
    return [r["value"] for r in runs], None


def recompute(claim, result: dict, stated=None):
    kind = registry()[claim.kind]
    interval, ref = kind.scale(claim)
    if stated is not None:
        interval = stated
    a, b = seeds_of(result)
    per_seed = comparison.POOLED[claim.measure["statistic"]](a, b) if b is not None else a
    return _stochastic.verdict_over_seeds(claim, CTX, interval, ref, per_seed, {}, "the mean")


def rows(results_file: str) -> list[dict]:
    claims = {c.id: c for c in loader.load(ROOT / "claims")}
    out = []
    for r in json.loads(Path(results_file).read_text())["results"]:
        d = r.get("details") or {}
        if "summary" not in d or "band" not in d or d.get("evidence") or r["id"] not in claims:
            continue
        claim = claims[r["id"]]
        v = recompute(claim, r)
        status = str(v.status)
        if r["status"] == "known-erratum" and status == "failed":
            status = "known-erratum"
        out.append({"id": r["id"], "before_band": d["band"], "before": r["status"], "after_band": v.details["band"],
                    "after": status, "observed": v.observed, "passes_for": v.details["passes_for"]["text"],
                    "excluded": v.details["reference"].get("excluded", [])})
    return out


def probes(results_file: str) -> list[tuple]:
    """Stated values the seeds clearly contradict (issue 25): each must fail."""
    claims = {c.id: c for c in loader.load(ROOT / "claims")}
    results = {r["id"]: r for r in json.loads(Path(results_file).read_text())["results"]}
    out = []
    for cid, texts in (("dlwp1.ch05.convnet.error-reduction", ("0%", "30%")),
                       ("dlwp1.ch05.convnet.beats-dense", ("0.0%",))):
        if cid in results:
            for text in texts:
                v = recompute(claims[cid], results[cid], stats.parse_stated(text))
                out.append((cid, text, str(v.status), v.details["band"]))
    return out


# tests/test_mnist_claims.py's stated values near and far from what the code gives (the values that
# verified the rule before), on the seeds of the claims that run the same listings
HOLDOUT = {("dlwp2.ch02.dense.test_acc.printed", "mnist.dense.test_acc"): {
               "0.9785": {"passed"}, "0.9715": {"failed", "inconclusive"}, "0.967": {"failed"}, "0.90": {"failed"}},
           ("dlwp2.ch08.convnet.test_acc.printed", "mnist.convnet.test_acc"): {
               "0.991": {"passed"}, "0.988": {"failed", "inconclusive"}, "0.987": {"failed"}, "0.999": {"failed"}}}


def holdout(results_file: str) -> list[tuple]:
    """(claim, stated, status, allowed) for each value of tests/test_mnist_claims.py's set."""
    import dataclasses

    claims = {c.id: c for c in loader.load(ROOT / "claims")}
    results = {r["id"]: r for r in json.loads(Path(results_file).read_text())["results"]}
    out = []
    for (cid, reference), values in HOLDOUT.items():
        claim = dataclasses.replace(claims[cid], reference=reference)
        for text, allowed in values.items():
            status = str(recompute(claim, results[cid], stats.parse_stated(text)).status)
            out.append((cid, reference, text, status, allowed))
    return out


def markdown(table: list[dict]) -> str:
    lines = ["| claim | band before | verdict before | band after | verdict after | passes here for stated values |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in table:
        lines.append(f"| `{r['id']}` | [{r['before_band'][0]:.4f}, {r['before_band'][1]:.4f}] | {r['before']} "
                     f"| [{r['after_band'][0]:.4f}, {r['after_band'][1]:.4f}] | {r['after']} "
                     f"| {r['passes_for'].removeprefix('passes here for stated values ')} |")
    return "\n".join(lines)


if __name__ == "__main__":
    source = sys.argv[1] if len(sys.argv) > 1 else str(ROOT.parent / "fresh/build/verify/results.json")
    table = rows(source)
    print(markdown(table))
    print()
    for cid, text, status, band in probes(source):
        print(f"probe: {cid} stated {text}: {status} (band [{band[0]:.4f}, {band[1]:.4f}])")
    for cid, reference, text, status, allowed in holdout(source):
        print(f"holdout: {text} on {cid}'s seeds against {reference}: {status} "
              f"({'right' if status in allowed else 'WRONG'}: {' or '.join(sorted(allowed))})")
    for r in table:
        for e in r["excluded"]:
            print(f"excluded from {r['id']}'s reference: {e}")
