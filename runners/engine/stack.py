"""The software stack a run is on: its names (for claims' ``variants``), whether listings run as printed, its label.

Measured from the environment, or, replaying a shard's recorded runs (``claimcheck merge``), read
from the shard's run record.
"""
from __future__ import annotations

from ..environment import machine


class Stack:
    def __init__(self, settings, recorded_run: dict | None = None):
        self.settings = settings
        self.recorded_run = recorded_run
        self._tags: tuple | None = None

    @property
    def tags(self) -> tuple:
        """The stack's names, most specific first: keras3-tensorflow, keras3, tensorflow."""
        if self._tags is None and self.recorded_run:
            env = self.recorded_run["environment"]
            self._tags = (env["stack"], f"keras{env['keras'].split('.')[0]}", env["backend"])
        if self._tags is None:
            self._tags = (machine.stack(), f"keras{machine.keras_major()}", machine.backend())
        return self._tags

    @property
    def as_printed(self) -> bool:
        if self.recorded_run:
            return bool(self.recorded_run.get("as_printed"))
        return self.settings.as_printed or self.tags[1] == "keras2"

    @property
    def label(self) -> str:
        return self.settings.label or self.tags[0] + ("-as-printed" if self.settings.as_printed else "")

    def environment(self) -> dict:
        """What results record they were measured on."""
        if self.recorded_run:
            return self.recorded_run["environment"]
        return machine.describe()

    def device(self) -> str:
        """Where training runs, for the plan line."""
        if self.recorded_run:
            return "recorded runs"
        return machine.accelerator() or "CPU"
