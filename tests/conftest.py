import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = ROOT / "claims"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def claims_copy(tmp_path):
    """A private copy of the real claims tree, to plant values in."""
    dest = tmp_path / "claims"
    shutil.copytree(CLAIMS, dest)
    return dest


def write_spec(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(*args, cwd=None, env=None):
    """Run the real `claimcheck` command in a subprocess; returns CompletedProcess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "runners.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd or ROOT, env=full_env, timeout=900)


def verify_in_process(claims, out, *extra):
    """`claimcheck verify` in this process (Keras imported once); returns (exit, results by id)."""
    from runners.cli import main

    code = main(["verify", "--claims", str(claims), "--out", str(out), "--tier", "static", "-q", *extra])
    doc = json.loads((Path(out) / "results.json").read_text())
    return code, {r["id"]: r for r in doc["results"]}


def make_claim(tmp_path, kind, measure, expected, listing=None, claim_id="t.claim", tier="static",
               **fields):
    """Write a one-claim spec (and its listing, if given) and load it as a Claim."""
    import yaml

    from runners import specs

    folder = tmp_path / "claims"
    if listing is not None:
        write_spec(folder / "listings", "listing.py", listing)
        measure = {"listings": ["listings/listing.py"], **measure}
    doc = {"book": "test", "chapter": 8, "section": "8.1", "title": "t", "claims": [{
        "id": claim_id, "kind": kind, "tier": tier, "measure": measure, "expected": expected,
        "source": {"stated": str(expected), "cite": [{"from": "book", "quote": "q"}]}, **fields,
    }]}
    path = write_spec(folder, f"{claim_id}.yaml", yaml.safe_dump(doc, sort_keys=False))
    [claim] = specs.load_file(path)
    assert not claim.problems, claim.problems
    return claim


def run(claim, tier="static", **config):
    from runners.context import Config, RunContext
    from runners.core import run_claim

    config.setdefault("progress", False)
    return run_claim(claim, RunContext(Config(tier=tier, **config)))


CONVNET = (CLAIMS / "dlwp2/ch08/listings/listing_8_1.py").read_text()
