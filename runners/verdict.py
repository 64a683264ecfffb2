"""Verdicts and result records: what one claim's run concluded."""
from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any


class Status(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    ERROR = "error"
    INCONCLUSIVE = "inconclusive"

    def __str__(self) -> str:  # so f-strings and reports print the word
        return self.value


# Order in which a report lists claims: what needs attention first.
ATTENTION_ORDER = [Status.FAILED, Status.ERROR, Status.INCONCLUSIVE, Status.SKIPPED, Status.PASSED]

# Statuses that make `claimcheck verify` exit non-zero.
BAD = {Status.FAILED, Status.ERROR}


@dataclass
class Verdict:
    """What a claim kind decides from a measurement."""

    status: Status
    observed: Any = None
    reason: str = ""
    details: dict = field(default_factory=dict)


class Skip(Exception):
    """Raised where a claim cannot run here; carries the reason and the fix."""

    def __init__(self, reason: str, fix: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.fix = fix


class ClaimError(Exception):
    """A problem with the spec or the harness (never a failure of the book)."""


@dataclass
class Result:
    id: str
    kind: str
    status: Status
    expected: Any = None
    observed: Any = None
    tolerance: Any = None
    reason: str = ""
    fix: str = ""
    traceback: str = ""
    details: dict = field(default_factory=dict)
    source: dict = field(default_factory=dict)
    section: str = ""
    section_title: str = ""
    book: str = ""
    chapter: str = ""
    title: str = ""
    tier: str = ""
    file: str = ""
    line: int | None = None
    duration_s: float = 0.0
    environment: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        record = asdict(self)
        record["status"] = self.status.value
        return record

    @classmethod
    def from_dict(cls, record: dict) -> "Result":
        record = dict(record)
        record["status"] = Status(record["status"])
        return cls(**record)
