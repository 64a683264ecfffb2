"""How long the whole structural tier takes, TensorFlow's import included (goal: under 30 s)."""
import json

from conftest import run_cli


def test_static_tier_wall_time(benchmark, tmp_path):
    out = tmp_path / "out"
    proc = benchmark.pedantic(run_cli, args=("verify", "--tier", "static", "--out", out, "-q"),
                              rounds=1, iterations=1)
    assert proc.returncode == 0, proc.stderr[-2000:]
    counts = json.loads((out / "results.json").read_text())["run"]["counts"]
    assert counts["passed"] > 40 and counts["failed"] == counts["error"] == 0
    benchmark.extra_info["claims"] = counts["passed"]
