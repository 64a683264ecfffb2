"""pytest plugin: claims as test items, run by the same session as `claimcheck verify`. Opt-in.

Nothing happens unless asked: ``pytest --claimcheck claims/`` (or ``claimcheck = true`` in the
ini file) collects the spec files under the given paths, one item per claim, marked
``claimcheck`` and ``claimcheck_<tier>`` (``-m claimcheck_static``). Every verify option is
here too, as ``--claimcheck-<option>`` and the ini key ``claimcheck_<option>``
(``--claimcheck-tier static``, ``--claimcheck-data-dir DIR``, ...).

Each item measures its claim when it runs (its call phase): a failed claim is a test failure,
an error is reported as ``ERROR``, a claim that cannot run here is a skip, an inconclusive claim
its own outcome (``INCONCLUSIVE``; a failure with ``--claimcheck-fail-on inconclusive``), a
known erratum ``KNOWN ERRATUM``. At the end, the session's one finish step writes results.json,
the history, the errata draft and the report (``--claimcheck-out``). Under pytest-xdist, claims
on the same listings run in one worker (``--dist loadgroup``), each training run is trained once
(the cache's lock), and only the controller writes the results, of every claim.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from .catalog.loader import is_spec_file, load_file
from .claim.verdict import Result, Status
from .core import settings as settings_mod
from .core.tiers import TIERS
from .kinds import listings_of

_SESSION = pytest.StashKey[object]()
_RESULTS = pytest.StashKey[dict]()
_OPTIONS = [o for o in settings_mod.OPTIONS if not o.cli_only]


def pytest_addoption(parser):
    group = parser.getgroup("claimcheck", "claimcheck: a book's claims as test items")
    group.addoption("--claimcheck", action="store_true", default=False,
                    help="collect claim specs (YAML) under the given paths as test items")
    parser.addini("claimcheck", type="bool", default=False, help="collect claim specs as test items")
    for o in _OPTIONS:
        flag = "--claimcheck-" + o.flag.lstrip("-")
        if o.flag_only:
            group.addoption(flag, action="store_true", default=None, dest=f"claimcheck_{o.name}", help=o.help)
        else:
            group.addoption(flag, action="append" if o.many else "store", default=None,
                            dest=f"claimcheck_{o.name}", metavar=o.metavar, choices=o.choices, help=o.help)
        parser.addini(f"claimcheck_{o.name}", default="", help=o.help)


def enabled(config) -> bool:
    return bool(config.getoption("--claimcheck") or config.getini("claimcheck"))


def pytest_configure(config):
    config.addinivalue_line("markers", "claimcheck: a claim of a book, collected by --claimcheck")
    for tier in TIERS:
        config.addinivalue_line("markers", f"claimcheck_{tier}: a claim of the {tier} tier")
    config.stash[_RESULTS] = {}
    if enabled(config):  # the engine is imported only when asked: a plain pytest run stays light
        from .engine.devices import share_gpus
        from .engine.session import Session

        share_gpus()  # as the CLI does: workers share a GPU's memory
        settings = _settings(config)
        if settings.shard and config.getoption("numprocesses", None):
            raise pytest.UsageError("claimcheck: --claimcheck-shard runs without pytest-xdist's -n (the shard's "
                                    "training runs go --claimcheck-jobs at a time)")
        from .engine.usage import UsageError

        try:
            config.stash[_SESSION] = Session(settings, runner="pytest")
        except UsageError as exc:  # --claimcheck-shard auto/N without a job engine's index
            raise pytest.UsageError(f"claimcheck: {exc}") from None
        config.pluginmanager.register(_Results(config), "claimcheck-results")


def _settings(config):
    cli = {o.name: config.getoption(f"claimcheck_{o.name}") for o in _OPTIONS}
    ini = {o.name: config.getini(f"claimcheck_{o.name}") for o in _OPTIONS}
    roots = [Path(a.split("::")[0]) for a in config.args]
    dirs = [p for p in roots if p.is_dir()] or [p.parent for p in roots if p.is_file()]
    claims = dirs[0] if dirs else config.rootpath / "claims"
    return settings_mod.resolve(cli, ini=ini, claims=claims)


def pytest_collect_file(file_path: Path, parent):
    if enabled(parent.config) and is_spec_file(file_path) and _declares_claims(file_path):
        return ClaimFile.from_parent(parent, path=file_path)
    return None


def _declares_claims(path: Path) -> bool:
    try:
        return any(line.startswith("claims:") for line in path.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return False


def pytest_collection_modifyitems(session, config, items):
    """The CLI's checks and plan: the usage checks (a usage error ends the run before any claim), the
    training runs the selected claims share, and, with ``--claimcheck-shard i/N``, this shard's share
    (the claims left for ``claimcheck merge`` are deselected)."""
    claims = [item.claim for item in items if isinstance(item, ClaimItem)]
    if not claims or _SESSION not in config.stash:
        return
    from .engine.usage import UsageError, check_out

    claim_session = config.stash[_SESSION]
    try:
        check_out(claim_session.settings)
        claim_session.check_usage(claims)
        _, _, decided = claim_session.prepare(claims)
    except UsageError as exc:
        raise pytest.UsageError(f"claimcheck: {exc}") from None
    keep = {c.id for c in decided}
    deselected = [i for i in items if isinstance(i, ClaimItem) and i.claim.id not in keep]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [i for i in items if not (isinstance(i, ClaimItem) and i.claim.id not in keep)]


class ClaimFile(pytest.File):
    def collect(self):
        session = self.config.stash.get(_SESSION, None)
        for claim in load_file(self.path):
            if session is not None:  # the claim as it reads on this stack, from here on
                claim = session.take([claim])[0]
            item = ClaimItem.from_parent(self, name=claim.id, claim=claim)
            item.add_marker(pytest.mark.claimcheck)
            item.add_marker(getattr(pytest.mark, f"claimcheck_{claim.tier}"))
            group = hashlib.sha256(repr(sorted(listings_of(claim))).encode()).hexdigest()[:12]
            item.add_marker(pytest.mark.xdist_group(name=f"claimcheck-{group}"))
            yield item


class ClaimFailed(Exception):
    pass


class ClaimInconclusive(Exception):
    pass


class ClaimItem(pytest.Item):
    def __init__(self, *, claim, **kwargs):
        super().__init__(**kwargs)
        self.claim = claim
        self.result: Result | None = None

    def runtest(self):
        session = self.config.stash[_SESSION]
        if not hasattr(self.config, "workerinput"):
            # the whole plan at once, --claimcheck-jobs at a time (an xdist worker trains what its
            # own claims read, each run once across workers: the cache's lock)
            session.train_planned()
        self.result = session.run_claim(self.claim)
        status = self.result.status
        self.user_properties.append(("claim_status", status.value))
        if status is Status.SKIPPED:
            pytest.skip(f"{self.result.reason}; fix: {self.result.fix}" if self.result.fix else self.result.reason)
        if status in (Status.FAILED, Status.ERROR):
            raise ClaimFailed(self.result)
        if status is Status.INCONCLUSIVE and "inconclusive" in session.settings.fail_on:
            raise ClaimInconclusive(self.result)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, (ClaimFailed, ClaimInconclusive)):
            r = excinfo.value.args[0]
            lines = [f"{r.status.value}: {r.id} ({self.claim.where})",
                     f"  expected: {r.expected!r}", f"  observed: {r.observed!r}", f"  {r.reason}"]
            if r.traceback:
                lines += ["", r.traceback]
            return "\n".join(lines)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, self.claim.line, f"claim {self.claim.id}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if isinstance(item, ClaimItem) and call.when == "call" and item.result is not None:
        # plain JSON on the report: it travels from an xdist worker to the controller
        report.claimcheck_result = json.loads(json.dumps(item.result.to_dict(), default=str))


class _Results:
    """Gathers every claim's result from the reports (an xdist worker's reports too)."""

    def __init__(self, config):
        self.config = config

    def pytest_runtest_logreport(self, report):
        record = getattr(report, "claimcheck_result", None)
        if record is not None:
            self.config.stash[_RESULTS][record["id"]] = record


def pytest_report_teststatus(report, config):
    record = getattr(report, "claimcheck_result", None)
    if record is None or report.when != "call":
        return None
    if record["status"] == "inconclusive" and report.passed:
        return "inconclusive", "I", ("INCONCLUSIVE", {"yellow": True})
    if record["status"] == "known-erratum":
        return "known_erratum", "K", ("KNOWN ERRATUM", {"yellow": True})
    if record["status"] == "error":
        return "error", "E", ("ERROR", {"red": True})
    return None


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if _SESSION not in config.stash:
        return
    claim_session = config.stash[_SESSION]
    try:
        if hasattr(config, "workerinput"):
            return  # an xdist worker: the controller writes the results
        records = config.stash[_RESULTS]
        if records:
            from .service.finish import finish
            from .service.shards import finish_shard
            from .service.status import run_command

            results = sorted((Result.from_dict(r) for r in records.values()), key=lambda r: (r.file, r.line or 0))
            write = finish_shard if claim_session.settings.shard else finish
            run_command("claimcheck", lambda: write(claim_session, results), sys.stderr)
    finally:
        claim_session.close()
