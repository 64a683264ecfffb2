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
    machine.gpus.cache_clear()
    try:
        assert machine.gpus() is None and machine.accelerator() is None
    finally:
        machine.gpus.cache_clear()
