"""One verify run's settings and the state its claims share (executed listings)."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from runners import requirements
from runners.listings import Execution, Program, execute, working_directory
from runners.schema import TIERS

DATA_DIR_ENV = "CLAIMCHECK_DATA_DIR"


@dataclass
class Config:
    claims_dir: Path = Path("claims")
    out_dir: Path = Path("build/verify")
    tier: str = "cpu"
    data_dir: Path | None = None
    cache_dir: Path | None = None
    dogs_vs_cats: Path | None = None  # or $CLAIMCHECK_DOGS_VS_CATS
    weights_dir: Path | None = None  # or $CLAIMCHECK_WEIGHTS_DIR
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

    def execution(self, program: Program, requires=(), seed: int | None = None) -> Execution:
        """Run a program once per (program, seed) in this run; later callers share the result."""
        key = (program, seed)
        if key not in self._executions:
            workdir = self.workdir(program, seed)
            try:
                with requirements.environment(list(requires), self.config, workdir):
                    run = execute(program, seed=seed)
                run.workdir = workdir if "dogs_vs_cats" in requires else None
                self._executions[key] = run
            except Exception as exc:  # cached so every claim on it reports the same cause
                self._executions[key] = exc
        cached = self._executions[key]
        if isinstance(cached, Exception):
            raise cached
        return cached

    def workdir(self, program: Program, seed) -> Path:
        digest = hashlib.sha256(repr((program, seed)).encode()).hexdigest()[:16]
        return Path(self.config.cache_dir).resolve() / "work" / digest

    def run_of(self, claim) -> Execution:
        return self.execution(Program.of(claim), tuple(claim.requires))

    def namespace(self, claim) -> dict:
        return self.run_of(claim).namespace

    def evaluate(self, claim, expression: str):
        """An expression in the namespace the claim's program left, in its working folder."""
        from runners.expressions import evaluate

        run = self.run_of(claim)
        if run.workdir is None:
            return evaluate(expression, run)
        with working_directory(run.workdir):
            return evaluate(expression, run)
