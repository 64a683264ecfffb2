"""Training runs: a :class:`Job` is one program with one seed and the values its claims read.

A job's key names everything that can change those values, and nothing else:

* ``listings``: each listing's digest (the book's code as it runs here), and ``seed``; for a
  notebook's program also ``beside``, the digest of the notebook's folder as its working folder
  holds it (workfolder.py: a file a cell reads);
* ``data``: the fingerprint of each resource the claim declares (``requires``) and the versions of
  the libraries that decode it (resources/registry.py); undeclared resources are no part of it;
* ``environment``: Python, TensorFlow, Keras and its backend, numpy and the backend's own packages,
  the device (a GPU's model, driver, CUDA, cuDNN, plugin and nvidia-* wheels, or the CPU's model,
  flags and threads: environment/machine.py ``device_key``), the numerics (policy, flags,
  keras.json: environment/numerics.py) and the digest of the harness code that executes and
  measures (harness.py).

A value's own key (claim/values.py) names it and, for a named check, its function's source. Equal
keys share one run and one cache record. Replaying recorded runs (``claimcheck merge``), a key is
the recorded run's, found by its listings, seed and declared resources.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..claim import values
from ..claim.listings import Program
from ..environment import machine, numerics
from ..resources.registry import fingerprint, fingerprinted
from . import harness, workfolder


def environment_key() -> dict:
    """The part of every key this process's environment gives (computed once per run)."""
    env = machine.describe()
    key = {k: env[k] for k in ("python", "tensorflow", "keras", "backend", "platform")}
    key.update(machine.frameworks())
    key["device"] = machine.device_key()
    key["numerics"] = numerics.settings(env["backend"], gpu="gpu" in key["device"])
    key["harness"] = harness.digest()
    return key


def replay_match(program: Program, seed: int, requires) -> str:
    """What finds a recorded run again, on a host that may lack its data: listings, seed, resources."""
    return json.dumps([program.digest(), seed, fingerprinted(requires)], sort_keys=True)


def recorded_match(record: dict) -> str:
    parts = record["key_parts"]
    declared = sorted(k for k in parts.get("data", {}) if ":" not in k)
    return json.dumps([parts["listings"], parts["seed"], declared], sort_keys=True)


@dataclass(frozen=True)
class Job:
    """One training run: a program, a seed, and the values its claims read."""

    program: Program
    seed: int
    requires: tuple
    values: tuple
    key: str
    label: str = ""
    cost_s: float = 0.0  # the claim's cost on this device: progress estimates and timeouts
    share_s: float = 0.0  # its declared cost at the run's tier, the same on every host: the shard split


class JobKeys:
    """The keys of training runs, memoised per (program, seed, requires)."""

    def __init__(self, settings, replay: list[dict] | None = None, environment_key: dict | None = None):
        self.settings = settings
        self.environment_key = environment_key
        self._replay = None if replay is None else {recorded_match(r): r["key"] for r in replay}
        self._keys: dict = {}

    def parts(self, program: Program, seed: int, requires=()) -> dict:
        if self.environment_key is None:
            self.environment_key = environment_key()
        parts = {"listings": program.digest(), "seed": seed,
                 "data": fingerprint(requires, self.settings), "environment": self.environment_key}
        beside = workfolder.digest(program.paths, Path(self.settings.cache_dir) / "work",
                                   [text for _, text in program.sources()])
        if beside is not None:  # a notebook's program: what its folder holds (listing files' keys stay as they were)
            parts["beside"] = beside
        return parts

    def key(self, program: Program, seed: int, requires=()) -> str:
        memo = (program, seed, tuple(requires))
        if memo not in self._keys and self._replay is not None:
            found = self._replay.get(replay_match(program, seed, requires))
            self._keys[memo] = found or f"unrecorded-{seed}-{hashlib.sha256(repr(program).encode()).hexdigest()[:12]}"
        if memo not in self._keys:
            parts = self.parts(program, seed, requires)
            self._keys[memo] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]
        return self._keys[memo]

    def job(self, program, seed, requires, wanted, label="", cost_s=0.0, share_s=0.0) -> Job:
        return Job(program, seed, tuple(requires), tuple(sorted(wanted, key=values.key)),
                   self.key(program, seed, requires), label, cost_s, share_s)
