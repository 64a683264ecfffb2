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


def test_a_missing_wheel_is_listed_with_the_download_before_anything_runs(tmp_path):
    """A bare Python (a venv with nothing installed) and no .whl/: every missing distribution named."""
    import venv

    venv.EnvBuilder(with_pip=False).create(tmp_path / "bare")
    env = {**os.environ, "PATH": f"{tmp_path / 'bare/bin'}:{os.environ['PATH']}", "KERAS_BACKEND": "torch",
           "CLAIMCHECK_DATA_DIR": str(tmp_path / "no-data")}
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(["bash", str(ROOT / "scripts/gpu-smoke.sh"), "--out", str(tmp_path / "smoke")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2, proc.stderr
    listed = proc.stderr.split("fetch them")[0]
    for dist in ("keras", "absl-py", "rich", "h5py", "ml-dtypes", "namex", "optree", "pebble", "filelock",
                 "jinja2", "pandas", "scipy", "pyyaml", "pillow", "torch"):
        assert f"\n  {dist}\n" in listed, (dist, proc.stderr)
    assert "pip download --no-deps --only-binary=:all: --python-version 3." in proc.stderr
    assert not (tmp_path / "smoke/verify").exists()  # nothing ran
