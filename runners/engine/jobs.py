"""Training runs: a :class:`Job` is one program with one seed and the values its claims read.

A job's key names what can change those values: the code that runs (each listing's digest), the
seed, the data it reads and the environment (Python, the framework versions, the device). Equal
keys share one run and one cache record. Replaying recorded runs (``claimcheck merge``), a key
is the recorded run's, found by its listings and seed.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from ..environment import machine
from ..resources.registry import fingerprint
from ..spec import values
from ..spec.listings import Program


@dataclass(frozen=True)
class Job:
    """One training run: a program, a seed, and the values its claims read."""

    program: Program
    seed: int
    requires: tuple
    values: tuple
    key: str
    label: str = ""
    cost_s: float = 0.0


class JobKeys:
    """The keys of training runs, memoised per (program, seed, requires)."""

    def __init__(self, settings, replay: list[dict] | None = None, environment_key: dict | None = None):
        self.settings = settings
        self.environment_key = environment_key
        self._replay = None if replay is None else {
            (json.dumps(r["key_parts"]["listings"], sort_keys=True), r["key_parts"]["seed"]): r["key"] for r in replay}
        self._keys: dict = {}

    def parts(self, program: Program, seed: int, requires=()) -> dict:
        if self.environment_key is None:
            env = machine.describe()
            self.environment_key = {k: env[k] for k in ("python", "tensorflow", "keras", "backend", "device")}
            self.environment_key.update(machine.frameworks())
        return {"listings": program.digest(), "seed": seed,
                "data": fingerprint(requires, self.settings), "environment": self.environment_key}

    def key(self, program: Program, seed: int, requires=()) -> str:
        memo = (program, seed, tuple(requires))
        if memo not in self._keys and self._replay is not None:
            found = self._replay.get((json.dumps(program.digest(), sort_keys=True), seed))
            self._keys[memo] = found or f"unrecorded-{seed}-{hashlib.sha256(repr(program).encode()).hexdigest()[:12]}"
        if memo not in self._keys:
            parts = self.parts(program, seed, requires)
            self._keys[memo] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]
        return self._keys[memo]

    def job(self, program, seed, requires, wanted, label="", cost_s=0.0) -> Job:
        return Job(program, seed, tuple(requires), tuple(sorted(wanted, key=values.key)),
                   self.key(program, seed, requires), label, cost_s)
