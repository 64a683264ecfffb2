"""The suite never writes into the user's stores: the checkout's build/history and .cache."""
import os

from helpers import ROOT, cli


def snapshot(folder):
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*")} if folder.exists() else {}


def test_a_verify_in_the_checkout_writes_only_where_the_fixture_points(isolated_stores):
    before = [snapshot(ROOT / "build/history"), snapshot(ROOT / ".cache")]
    proc = cli("verify", "--tier", "static", "-k", "dlwp2.ch08.nopool.params", "-q", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [snapshot(ROOT / "build/history"), snapshot(ROOT / ".cache")] == before
    assert list((isolated_stores / "history").glob("*.json"))  # the run went to the test's own store
    assert (isolated_stores / "out/results.json").is_file()
    assert os.environ["CLAIMCHECK_HISTORY"].startswith(str(isolated_stores))
