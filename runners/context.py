"""One verify run's settings and the state its claims share (executed listings)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from runners.listings import Execution, execute
from runners.schema import TIERS

DATA_DIR_ENV = "CLAIMCHECK_DATA_DIR"


@dataclass
class Config:
    claims_dir: Path = Path("claims")
    out_dir: Path = Path("build/verify")
    tier: str = "cpu"
    data_dir: Path | None = None
    cache_dir: Path | None = None
    refresh: bool = False
    seeds: int | None = None  # overrides every stochastic claim's number of seeds
    keyword: str | None = None
    progress: bool = True

    def __post_init__(self):
        if self.tier not in TIERS:
            raise ValueError(f"tier must be one of {', '.join(TIERS)}, not {self.tier!r}")
        if self.data_dir is None and os.environ.get(DATA_DIR_ENV):  # empty: Keras' own loader
            self.data_dir = Path(os.environ[DATA_DIR_ENV])
        if self.cache_dir is None:
            self.cache_dir = Path(os.environ.get("CLAIMCHECK_CACHE_DIR", ".cache/claimcheck"))

    def includes(self, tier: str) -> bool:
        """Whether a claim of ``tier`` runs at this run's tier (static < cpu < gpu)."""
        return TIERS.index(tier) <= TIERS.index(self.tier)


@dataclass
class RunContext:
    config: Config = field(default_factory=Config)
    _executions: dict = field(default_factory=dict)
    _runs: object = None

    @property
    def runs(self):
        """The training runs shared by stochastic claims (see runners/training.py)."""
        if self._runs is None:
            from runners.training import TrainingRuns

            self._runs = TrainingRuns(self.config)
        return self._runs

    def execution(self, paths: list[Path], seed: int | None = None, patches=None) -> Execution:
        """Run listings once per (paths, seed) in this run; later callers share the result."""
        key = (tuple(str(p) for p in paths), seed)
        if key not in self._executions:
            try:
                self._executions[key] = execute(paths, seed=seed, patches=patches)
            except Exception as exc:  # cached so every claim on it reports the same cause
                self._executions[key] = exc
        cached = self._executions[key]
        if isinstance(cached, Exception):
            raise cached
        return cached

    def listing_paths(self, claim) -> list[Path]:
        return [claim.resolve(p) for p in claim.measure["listings"]]

    def namespace(self, claim) -> dict:
        return self.execution(self.listing_paths(claim)).namespace
