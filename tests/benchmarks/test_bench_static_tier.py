"""How long the whole structural tier takes, TensorFlow's import included (goal: under 30 s)."""
from helpers import cli, results_of


def test_static_tier_wall_time(benchmark, tmp_path):
    out = tmp_path / "out"
    proc = benchmark.pedantic(cli, args=("verify", "--tier", "static", "--out", out, "-q", "--no-history"),
                              rounds=1, iterations=1)
    assert proc.returncode == 0, proc.stderr[-2000:]
    statuses = [r["status"] for r in results_of(out).values()]
    assert statuses.count("passed") > 40 and "failed" not in statuses and "error" not in statuses
    benchmark.extra_info["claims"] = statuses.count("passed")
