"""The environment matrix: runs of several stacks joined, differences explained, listings per stack,
rendered in a real browser."""
import json
import re

from claimcheck.reports import matrix
from claimcheck.runners.catalog import loader
from claimcheck.runners.claim.verdict import Result
from claimcheck.runners.cli import main
from claimcheck.runners.stores import results as results_file

from helpers import CLAIMS, browser

ROW = "dlwp2.ch08.convnet.summary.input_row"


def as_keras2(static_out, folder):
    """A copy of a real Keras 3 run, as a Keras 2 run of the printed code would report it."""
    doc = json.loads((static_out / "results.json").read_text())
    doc["run"].update(label="keras2-tensorflow", as_printed=True,
                      environment={**doc["run"]["environment"], "keras": "2.15.0", "stack": "keras2-tensorflow"})
    for r in doc["results"]:
        if r["id"] == ROW:
            r.update(status="passed", observed=["input_1 (InputLayer)", "[(None, 28, 28, 1)]", "0"], reason="",
                     details={})
        if r["id"] == "dlwp2.ch08.convnet.params.total":
            r.update(status="failed", observed=104203, reason="planted")
    folder.mkdir(parents=True)
    results = [Result.from_dict(r) for r in doc["results"]]  # written as a run writes it: sealed with its key
    results_file.write(results, {k: v for k, v in doc["run"].items() if k != "counts"}, folder / "results.json")
    return folder


def test_differences_are_found_and_explained(static_run, tmp_path):
    _, results, out = static_run
    assert results[ROW]["status"] == "known-erratum"  # Keras 3 prints the row otherwise
    k2 = as_keras2(out, tmp_path / "k2")
    written = matrix.write([out, k2], loader.load(CLAIMS), tmp_path / "matrix")
    differ = {r["id"]: r for r in written["differences"]}
    assert set(differ) == {ROW, "dlwp2.ch08.convnet.params.total"}
    assert [c["status"] for c in differ[ROW]["cells"]] == ["known-erratum", "passed"]
    assert any("Keras 3 names the input layer input_layer" in w for w in differ[ROW]["why"])
    listings = {row["listing"]: row["cells"] for row in written["listings"]}
    assert listings["listing_8_1.py"][0].startswith("runs with its change: `from tensorflow import keras` -> `import keras`")
    assert listings["listing_8_1.py"][1] == "runs as printed"
    assert listings["listing_8_5.py"] == ["runs as printed", "runs as printed"]  # no change needed anywhere
    assert listings["listing_8_11.py"][0].startswith("not run (tier 'gpu' claim")
    errata = (tmp_path / "matrix/errata.md").read_text()
    assert "| `listing_8_1.py` | runs with its change" in errata and f"- `{ROW}`" in errata


def test_the_command_joins_runs_and_skips_missing_folders(static_run, tmp_path, capsys):
    _, _, out = static_run
    k2 = as_keras2(out, tmp_path / "k2")
    assert main(["matrix", str(out), str(k2), str(tmp_path / "nothing"), "--claims", str(CLAIMS),
                 "--out", str(tmp_path / "m")]) == 0
    captured = capsys.readouterr()
    assert "in 2 environments" in captured.out and "2 differ" in captured.out
    assert "nothing has no results.json: left out" in captured.err
    assert main(["matrix", str(tmp_path / "nothing"), "--out", str(tmp_path / "m2")]) == 2
    edited = tmp_path / "edited"  # a results.json edited by hand after its run: refused, not joined
    edited.mkdir()
    doc = json.loads((k2 / "results.json").read_text())
    doc["results"][0]["status"] = "passed" if doc["results"][0]["status"] != "passed" else "failed"
    (edited / "results.json").write_text(json.dumps(doc))
    assert main(["matrix", str(out), str(edited), "--claims", str(CLAIMS), "--out", str(tmp_path / "m3")]) == 2
    assert "claimcheck matrix: refused" in capsys.readouterr().err and not (tmp_path / "m3/matrix.html").exists()


def test_the_matrix_renders_in_headless_chromium(static_run, tmp_path):
    _, _, out = static_run
    matrix.write([out, as_keras2(out, tmp_path / "k2")], loader.load(CLAIMS), tmp_path / "m")
    page = tmp_path / "m/matrix.html"
    dom = browser(["--dump-dom", page.as_uri()], tmp_path / "profile")
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert re.findall(r'data-environment="([^"]+)"', html) == ["keras3-tensorflow", "keras2-tensorflow"]
    assert html.count('data-difference="') == 2 and f'data-difference="{ROW}"' in html
    assert html.count('data-claim-id="') > 100
    shot = tmp_path / "matrix.png"
    proc = browser([f"--screenshot={shot}", "--window-size=1300,900", page.as_uri()], tmp_path / "profile2")
    assert proc.returncode == 0 and shot.stat().st_size > 10_000
