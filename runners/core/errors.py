"""The two ways a claim stops short of a verdict: it cannot run here, or something other than the book is wrong."""
from __future__ import annotations


class Skip(Exception):
    """Raised where a claim cannot run here; carries the reason and the fix."""

    def __init__(self, reason: str, fix: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.fix = fix


class ClaimError(Exception):
    """A problem with the spec or the harness (never a failure of the book)."""


def utf8_text(data: bytes, where: str, hint: str) -> str:
    """``data`` as UTF-8 text; a ClaimError naming ``where`` and the line of the first bad byte otherwise."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ClaimError(f"{where}:{line} is not UTF-8 (byte 0x{data[exc.start]:02x}); {hint}") from None
