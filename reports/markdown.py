"""Safe Markdown from what specs, listings and measurements say: nothing they hold becomes markup.

:func:`text` escapes Markdown's and HTML's active characters (no raw HTML, no link or image, no
emphasis or code span can start), folds line breaks and control characters into spaces and cuts
long values (the whole value stays in results.json); :func:`code` puts a value in a code span that
no backtick inside it can close.
"""
from __future__ import annotations

import re

MOST = 400  # characters of one value in the draft
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_ACTIVE = re.compile(r"([\\`*_\[\]|!#~])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def cut(value: str, most: int = MOST) -> str:
    return value if len(value) <= most else value[:most] + f"… ({len(value):,} characters; whole in results.json)"


def text(value, most: int = MOST) -> str:
    """``value`` as literal text of a Markdown line or table cell."""
    plain = _CONTROL.sub(" ", cut(str(value), most))
    plain = "".join(_HTML.get(ch, ch) for ch in plain)
    return _ACTIVE.sub(r"\\\1", plain)


def code(value, most: int = 200) -> str:
    """``value`` as an inline code span (its backticks cannot end it; HTML in it is shown, not run)."""
    plain = _CONTROL.sub(" ", cut(str(value), most))
    run = max((len(m) for m in re.findall(r"`+", plain)), default=0)
    fence = "`" * (run + 1)
    pad = " " if run or plain.startswith(" ") or plain.endswith(" ") else ""
    return f"{fence}{pad}{plain}{pad}{fence}"
