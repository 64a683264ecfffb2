"""What a result records of its machine: the stack, and a GPU's name, count, driver, CUDA, cuDNN."""
import pytest

from claimcheck.runners.environment import machine


def test_the_stack_of_this_run():
    env = machine.describe()
    assert env["stack"] == f"keras{machine.keras_major()}-{machine.backend()}"
    assert env["device"].startswith("CPU") or "gpu" in env


@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_a_gpu_is_recorded_whatever_the_backend(monkeypatch, backend):
    found = {"name": "NVIDIA H100 80GB HBM3", "count": 1, "cuda": "12.5", "cudnn": "9"}
    monkeypatch.setattr(machine, "backend", lambda: backend)
    monkeypatch.setattr(machine, f"_gpus_{backend}", lambda: dict(found))
    monkeypatch.setattr(machine, "_driver", lambda: "580.159.04")
    monkeypatch.setattr(machine, "_no_gpu_here", lambda: False)  # a machine with a GPU's device files
    machine.gpus.cache_clear()
    machine.describe.cache_clear()
    try:
        env = machine.describe()
        assert env["device"] == "NVIDIA H100 80GB HBM3"
        assert env["gpu"] == {**found, "driver": "580.159.04"}
        assert machine.accelerator() == "NVIDIA H100 80GB HBM3"
    finally:
        machine.gpus.cache_clear()
        machine.describe.cache_clear()


def test_a_broken_driver_is_no_gpu_not_a_crash(monkeypatch):
    def broken():
        raise RuntimeError("CUDA driver version is insufficient")

    monkeypatch.setattr(machine, f"_gpus_{machine.backend()}", broken)
    monkeypatch.setattr(machine, "_no_gpu_here", lambda: False)
    machine.gpus.cache_clear()
    try:
        assert machine.gpus() is None and machine.accelerator() is None
    finally:
        machine.gpus.cache_clear()


def test_the_stack_is_named_without_importing_the_framework(tmp_path, monkeypatch):
    """The claimcheck process runs no book code: it names Keras' version and backend from the installed
    metadata and Keras' own configuration (KERAS_BACKEND, keras.json), as Keras decides at its import."""
    import subprocess
    import sys

    code = ("import sys, json; from claimcheck.runners.environment import machine; d = machine.describe(); "
            "print(json.dumps([d['stack'], d['keras'], 'keras' in sys.modules, 'tensorflow' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    import json

    stack, version, keras_imported, tf_imported = json.loads(out.stdout.strip().splitlines()[-1])
    assert stack.startswith("keras") and version and not keras_imported and not tf_imported
    (tmp_path / ".keras").mkdir()
    (tmp_path / ".keras" / "keras.json").write_text('{"backend": "jax"}')
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    monkeypatch.delenv("KERAS_HOME", raising=False)
    if machine.keras_major() >= 3:
        assert machine.backend() == "jax"
        monkeypatch.setenv("KERAS_BACKEND", "torch")
        assert machine.backend() == "torch"
