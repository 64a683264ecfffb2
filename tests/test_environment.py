"""What a result records of its machine: the stack, and a GPU's name, count, driver, CUDA, cuDNN."""
import pytest

from claimcheck.runners import environment


def test_the_stack_of_this_run():
    env = environment.describe()
    assert env["stack"] == f"keras{environment.keras_major()}-{environment.backend()}"
    assert env["device"].startswith("CPU") or "gpu" in env


@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_a_gpu_is_recorded_whatever_the_backend(monkeypatch, backend):
    found = {"name": "NVIDIA H100 80GB HBM3", "count": 1, "cuda": "12.5", "cudnn": "9"}
    monkeypatch.setattr(environment, "backend", lambda: backend)
    monkeypatch.setattr(environment, f"_gpus_{backend}", lambda: dict(found))
    monkeypatch.setattr(environment, "_driver", lambda: "580.159.04")
    environment.gpus.cache_clear()
    environment.describe.cache_clear()
    try:
        env = environment.describe()
        assert env["device"] == "NVIDIA H100 80GB HBM3"
        assert env["gpu"] == {**found, "driver": "580.159.04"}
        assert environment.accelerator() == "NVIDIA H100 80GB HBM3"
    finally:
        environment.gpus.cache_clear()
        environment.describe.cache_clear()


def test_a_broken_driver_is_no_gpu_not_a_crash(monkeypatch):
    def broken():
        raise RuntimeError("CUDA driver version is insufficient")

    monkeypatch.setattr(environment, f"_gpus_{environment.backend()}", broken)
    environment.gpus.cache_clear()
    try:
        assert environment.gpus() is None and environment.accelerator() is None
    finally:
        environment.gpus.cache_clear()
