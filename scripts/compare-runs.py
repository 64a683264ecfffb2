"""Two verify runs' results.json, claim by claim: which verdicts differ, and for claims decided over
seeds, whether the mean is the same to the last digit (two CIs of one commit, or of two days).

    python scripts/compare-runs.py OLD/results.json NEW/results.json

Reads the files as JSON only (no MAC check: a look, not a verdict); exit 1 where anything differs.
"""
from __future__ import annotations

import json
import sys


def main(old: str, new: str) -> int:
    a = {r["id"]: r for r in json.load(open(old, encoding="utf-8"))["results"]}
    b = {r["id"]: r for r in json.load(open(new, encoding="utf-8"))["results"]}
    same = differ = seeded = seeded_same = 0
    for cid in sorted(set(a) | set(b)):
        x, y = a.get(cid), b.get(cid)
        if x is None or y is None:
            print(f"{cid}: only in {'the new' if x is None else 'the old'} run")
            differ += 1
            continue
        mean = [((r.get("details") or {}).get("summary") or {}).get("mean") for r in (x, y)]
        over_seeds = mean[0] is not None or mean[1] is not None
        seeded += over_seeds
        if x["status"] == y["status"] and mean[0] == mean[1]:
            same += 1
            seeded_same += over_seeds
        else:
            differ += 1
            print(f"{cid}: {x['status']} -> {y['status']}" + (f" (mean {mean[0]} -> {mean[1]})" if over_seeds else ""))
    print(f"{same} the same, {differ} differ; decided over seeds: {seeded_same} of {seeded} the same verdict and mean")
    return 1 if differ else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
