"""pytest plugin: claim specs become test items, run by the same core as `claimcheck verify`.

``pytest claims/`` collects every claim of every spec file under a ``claims`` folder; each is
an item marked with its tier (``-m static``), selectable with ``-k``, reported by
``--junitxml`` and spread by pytest-xdist like any test. The claim is measured in the item's
setup, so a harness or listing crash is a pytest *error*, a false claim a *failure*, a claim
that cannot run here a *skip*.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from runners import specs
from runners.context import Config, RunContext
from runners.schema import TIERS
from runners.verdict import Status

_CTX_KEY = pytest.StashKey[RunContext]()
_RESULTS_KEY = pytest.StashKey[list]()


def pytest_addoption(parser):
    group = parser.getgroup("claimcheck")
    group.addoption("--claim-tier", choices=TIERS, default="cpu",
                    help="highest claim tier to run (static, cpu, gpu); default cpu")
    group.addoption("--claim-data-dir", default=None,
                    help="local dataset mirror (also $CLAIMCHECK_DATA_DIR)")
    group.addoption("--claim-out", default=None,
                    help="also write results.json and report.html to this folder")


def pytest_configure(config):
    for tier in TIERS:
        config.addinivalue_line("markers", f"{tier}: claims of the {tier} tier")
    config.stash[_RESULTS_KEY] = []


def _is_spec(path: Path) -> bool:
    return (path.suffix == ".yaml" and "claims" in path.parts and "listings" not in path.parts
            and path.name != "coverage.yaml")


def pytest_collect_file(file_path: Path, parent):
    if _is_spec(file_path):
        return ClaimFile.from_parent(parent, path=file_path)
    return None


def _context(config) -> RunContext:
    if _CTX_KEY not in config.stash:
        data_dir = config.getoption("--claim-data-dir")
        config.stash[_CTX_KEY] = RunContext(Config(
            tier=config.getoption("--claim-tier"),
            data_dir=Path(data_dir) if data_dir else None,
            progress=False,
        ))
    return config.stash[_CTX_KEY]


def pytest_collection_modifyitems(session, config, items):
    """Plan the shared training runs for the claims that will run (one run per listings and seed)."""
    from runners.core import plan

    claims = [item.claim for item in items if isinstance(item, ClaimItem)]
    if claims:
        plan(claims, _context(config))


class ClaimFile(pytest.File):
    def collect(self):
        for claim in specs.load_file(self.path):
            item = ClaimItem.from_parent(self, name=claim.id, claim=claim)
            item.add_marker(getattr(pytest.mark, claim.tier))
            yield item


class ClaimFailed(Exception):
    pass


class ClaimBroken(Exception):
    pass


class ClaimItem(pytest.Item):
    def __init__(self, *, claim, **kwargs):
        super().__init__(**kwargs)
        self.claim = claim
        self.result = None

    def setup(self):
        from runners.core import run_claim

        self.result = run_claim(self.claim, _context(self.config))
        self.config.stash[_RESULTS_KEY].append(self.result)
        self.user_properties.append(("claim_status", self.result.status.value))
        if self.result.status is Status.ERROR:
            raise ClaimBroken(self.result)
        if self.result.status is Status.SKIPPED:
            pytest.skip(f"{self.result.reason}; fix: {self.result.fix}" if self.result.fix
                        else self.result.reason)

    def runtest(self):
        if self.result.status is Status.FAILED:
            raise ClaimFailed(self.result)
        if self.result.status is Status.INCONCLUSIVE:
            pytest.skip(f"inconclusive: {self.result.reason}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, (ClaimFailed, ClaimBroken)):
            r = excinfo.value.args[0]
            lines = [f"{r.status.value}: {r.id} ({self.claim.where})",
                     f"  expected: {r.expected!r}", f"  observed: {r.observed!r}",
                     f"  {r.reason}"]
            if r.traceback:
                lines += ["", r.traceback]
            return "\n".join(lines)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, self.claim.line, f"claim {self.claim.id}"


def pytest_sessionfinish(session, exitstatus):
    out = session.config.getoption("--claim-out", None)
    results = session.config.stash.get(_RESULTS_KEY, [])
    if out and results:
        from reports import html
        from runners import results as results_file
        from runners.environment import describe

        run = {"claims_dir": str(session.config.rootpath), "tier": session.config.getoption("--claim-tier"),
               "environment": describe(), "runner": "pytest"}
        results_file.write(results, run, Path(out) / "results.json")
        html.write(results, run, Path(out) / "report.html")
