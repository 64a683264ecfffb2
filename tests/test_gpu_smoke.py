"""The offline GPU smoke script, on its CPU path (--allow-cpu): installs nothing it does not carry,
runs claimcheck from the tree, and prints the device, the time per run and the utilisation."""
import os
import subprocess

from helpers import MIRROR, ROOT, needs_mirror


@needs_mirror
def test_the_cpu_path_runs_and_reports(tmp_path, mnist_cache):
    env = {**os.environ, "CLAIMCHECK_DATA_DIR": str(MIRROR), "KERAS_BACKEND": "tensorflow",
           "PATH": f"{os.path.dirname(os.sys.executable)}:{os.environ['PATH']}"}
    proc = subprocess.run(["bash", str(ROOT / "scripts/gpu-smoke.sh"), "--allow-cpu", "--seeds", "2",
                           "--jobs-per-gpu", "2", "-k", "dlwp2.ch02.dense.test_acc.printed",
                           "--out", str(tmp_path / "smoke"), "--cache-dir", str(mnist_cache)],
                          capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    out = proc.stdout
    assert "device recorded: CPU:" in out and "tensorflow backend" in out
    assert "dlwp2.ch02.dense.test_acc.printed:" in out and "2 runs, seconds per run" in out
    assert "gpu utilisation: n/a (no nvidia-smi on this machine)" in out
    assert (tmp_path / "smoke/verify/results.json").is_file()
