"""checks.py never runs in the claimcheck process: a careless or hostile one makes its own claims
errors, and `validate`, `list` and `verify` go on (issue 26, item 1)."""
import json
import os

import pytest
import yaml

from helpers import cli, write

# its module fixture verifies a whole tree once: the module on one xdist worker, not once a worker
pytestmark = pytest.mark.xdist_group("checks_boundary")

GOOD = "x = [1, 2, 3]\n"
CHECKS = {  # folder -> checks.py, each beside one claim that names it and one that does not
    "exits": "import sys\n\ndef first(x):\n    return x[0]\n\nsys.exit(0)\n",
    "hangs": "def first(x):\n    return x[0]\n\nwhile True:\n    pass\n",
    "raises": "def first(x):\n    return x[0]\n\nraise RuntimeError('a checks.py that raises on import')\n",
    "patches": ("import claimcheck.runners.kinds._base as base\nbase.Kind.agrees = lambda *a: True\n\n"
                "def first(x):\n    return x[0]\n"),
}


def spec(folder: str) -> dict:
    cite = {"stated": "1", "cite": [{"from": "book", "quote": "q"}]}
    listing = {"listings": ["good.py"]}
    return {"book": "b", "chapter": 1, "section": "1.1", "title": "t", "claims": [
        {"id": f"{folder}.named", "kind": "listing_value", "tier": "static", "expected": 1, "source": cite,
         "measure": {**listing, "value": "!function checks.first"}},
        {"id": f"{folder}.plain", "kind": "listing_value", "tier": "static", "expected": [1, 2, 3], "source": cite,
         "measure": {**listing, "value": "x"}},
        {"id": f"{folder}.false", "kind": "listing_value", "tier": "static", "expected": [9, 9], "source": cite,
         "measure": {**listing, "value": "x"}},
    ]}


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    base = tmp_path_factory.mktemp("checks-boundary")
    for folder, code in CHECKS.items():
        write(base / "claims" / folder, "checks.py", code)
        write(base / "claims" / folder, "good.py", GOOD)
        text = yaml.safe_dump(spec(folder), sort_keys=False).replace("'!function checks.first'", "!function checks.first")
        write(base / "claims" / folder, "spec.yaml", text)
    return base


def test_validate_and_list_run_no_checks_py(tree):
    for command in ("validate", "list"):
        proc = cli(command, "--claims", tree / "claims", timeout=120)
        assert proc.returncode == 0, (command, proc.stdout, proc.stderr)
    listed = cli("list", "--claims", tree / "claims", timeout=120).stdout
    assert all(f"{folder}.named" in listed for folder in CHECKS)


def test_verify_decides_every_claim_and_writes_its_outputs(tree):
    out = tree / "out"
    env = {k: v for k, v in os.environ.items() if k != "CLAIMCHECK_JOBS"}
    proc = cli("verify", "--claims", tree / "claims", "--tier", "static", "--out", out, "--no-history",
               "--timeout", "20", env=env, timeout=600)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)  # a false claim and the errors: never exit 0
    results = {r["id"]: r for r in json.loads((out / "results.json").read_text())["results"]}
    assert (out / "report.html").is_file() and (out / "errata.md").is_file()
    for folder in ("exits", "hangs", "raises"):
        assert results[f"{folder}.named"]["status"] == "error", results[f"{folder}.named"]
    assert "SystemExit" in results["exits.named"]["reason"] or "exit" in results["exits.named"]["reason"]
    assert "RuntimeError" in results["raises.named"]["reason"]
    # the patching check runs beside the program only: the claims of that program stay honest
    assert results["patches.named"]["status"] == "passed"
    for folder in CHECKS:
        assert results[f"{folder}.plain"]["status"] == "passed", results[f"{folder}.plain"]
        assert results[f"{folder}.false"]["status"] == "failed", results[f"{folder}.false"]


def test_a_check_that_exits_while_it_runs_in_this_process_is_its_claims_error(tmp_path):
    """--jobs 0 runs everything in the claimcheck process: a check calling sys.exit is still an error."""
    folder = tmp_path / "claims"
    write(folder, "checks.py", "import sys\n\ndef first(x):\n    sys.exit(0)\n")
    write(folder, "good.py", GOOD)
    text = yaml.safe_dump(spec("inproc"), sort_keys=False).replace("'!function checks.first'", "!function checks.first")
    write(folder, "spec.yaml", text)
    out = tmp_path / "out"
    proc = cli("verify", "--claims", folder, "--tier", "static", "--out", out, "--no-history", "--jobs", "0", timeout=600)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    results = {r["id"]: r for r in json.loads((out / "results.json").read_text())["results"]}
    assert results["inproc.named"]["status"] == "error" and "SystemExit" in results["inproc.named"]["reason"]
    assert results["inproc.plain"]["status"] == "passed" and results["inproc.false"]["status"] == "failed"
