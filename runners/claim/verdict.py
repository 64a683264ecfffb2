"""Verdicts and result records: what one claim's run concluded."""
from __future__ import annotations

import dataclasses
import enum
from dataclasses import asdict, dataclass, field
from typing import Any

from .schema import Described, described_fields


class Status(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    INCONCLUSIVE = "inconclusive"
    ERROR = "error"
    SKIPPED = "skipped"
    KNOWN_ERRATUM = "known-erratum"  # failed, as the spec says it does (a known erratum)

    def __str__(self) -> str:  # so f-strings and reports print the word
        return self.value


# Order in which a report lists claims: what needs attention first.
ATTENTION_ORDER = [Status.FAILED, Status.ERROR, Status.INCONCLUSIVE, Status.KNOWN_ERRATUM,
                   Status.SKIPPED, Status.PASSED]
ATTENTION = {Status.FAILED, Status.ERROR, Status.INCONCLUSIVE}

# Statuses that make `claimcheck verify` exit 1 (`--fail-on` adds inconclusive).
BAD = {Status.FAILED, Status.ERROR}


@dataclass
class Verdict:
    """What a claim kind decides from a measurement."""

    status: Status
    observed: Any = None
    reason: str = ""
    details: dict = field(default_factory=dict)


@dataclass(kw_only=True)
class Result(Described):
    status: Status = Status.ERROR
    observed: Any = None
    reason: str = ""
    fix: str = ""
    traceback: str = ""
    details: dict = field(default_factory=dict)
    evidence: str = ""  # "": measured in this run; "reader runs": decided from recorded readers' runs
    duration_s: float = 0.0
    environment: dict = field(default_factory=dict)

    @classmethod
    def of(cls, claim) -> Result:
        """An ``error`` result carrying what the claim states (the run fills in the rest)."""
        result = cls(**described_fields(claim))
        if getattr(claim, "variant", None):  # a claim for a stack whose variant applied: the book's value
            result.expected = claim.written_expected
        if not result.title:
            result.title = claim.source.get("stated", "")
        return result

    @property
    def label(self) -> str:
        """The verdict as the console prints it: ``PASSED``, or for one decided from recorded runs,
        ``PASSED from 17 reader runs (not measured here)``: never a plain verdict."""
        if not self.evidence:
            if self.details.get("stack"):  # this stack beyond every readers' environment: said beside it
                return f"{self.status.value.upper()} (this stack is off the readers)"
            return self.status.value.upper()
        runs = (self.details.get("evidence") or {}).get("runs", "?")
        return f"{self.status.value.upper()} from {runs} {self.evidence} (not measured here)"

    @property
    def attention_note(self) -> str:
        """Why a verdict that is no failure still needs a look: one decided from recorded runs, not
        measured here, with the runs' repositories and commits; "" for a measured one."""
        if not self.evidence:
            stack = self.details.get("stack")
            return f"a finding about this stack, not the book: {stack}" if stack else ""
        found = self.details.get("evidence") or {}
        sources = found.get("sources") or []
        return (f"decided from {found.get('runs', '?')} {self.evidence}, not measured here"
                + (f"; runs: {', '.join(sources)}" if sources else ""))

    def to_dict(self) -> dict:
        record = asdict(self)
        record["status"] = self.status.value
        return record

    @classmethod
    def from_dict(cls, record: dict) -> Result:
        names = {f.name for f in dataclasses.fields(cls)}
        record = {k: v for k, v in record.items() if k in names}
        record["status"] = Status(record["status"])
        return cls(**record)
