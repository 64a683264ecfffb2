"""Numbers as an output shows them: every number of a printed or displayed text, with the digits it
was printed to, and the spans whose numbers change from run to run by their nature.

An output (what a notebook cell printed and displayed, as its stored ``text/plain``) is read as the
sequence of its numbers (:func:`numbers`): integers (``60000``, ``18,496``), decimals at their
printed digits (``0.9800``, ``2.6696107387542725``, ``1.``), scientific notation (``1e-05``),
percentages (``98.5%`` reads 98.5), ``nan``/``inf`` and ``True``/``False``/``None``. Digits that are part
of a name (``float64``, ``layer1``, ``conv2d_3``), a size (``432x288``) or a unit (``5s``,
``18ms/step``) are not numbers.

A printed decimal stands for the interval its rounding covers (``0.9800``: 0.97995 to 0.98005); an
integer for itself. Two outputs agree (:func:`compare`) when they show as many numbers and each pair
agrees: the number printed to more digits lies in the other's interval (with a relative ``tolerance``
besides, where a spec gives one), and special values are equal. Text between the numbers is not compared: a label reworded, a table
re-spaced or a box drawn with other characters changes no verdict.

An output is read as a terminal leaves it (:func:`clean`: colour codes removed, a line rewritten after
``\\r`` kept as last written). Some spans change on every run by their nature and are masked before
numbers are read, each with its reason (:data:`VOLATILE`): timings (``%time``, ``%timeit``, ``1.2 s``,
``34 it/s``), memory addresses, version numbers (``1.23.0``: the environment's, not the book's),
progress bars, download logs and a figure's placeholder (``<Figure size 432x288 with 1 Axes>``: drawn,
not printed).
A stated output may also mark a number it does not compare as ``{?}`` (:data:`WILDCARD`): one that
``claimcheck draft`` saw change between two runs of the same program.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

WILDCARD = "{?}"
MAX_TEXT = 200_000  # characters of an output compared; a longer one is an error naming its length
MAX_NUMBERS = 20_000

# Spans whose numbers change from run to run by their nature: masked before numbers are read.
VOLATILE: tuple[tuple[str, re.Pattern], ...] = (
    ("a timing (%timeit)", re.compile(r"[^\n]*(?:per loop|loops? each|loops?, best of)[^\n]*")),
    ("a timing (%time)", re.compile(r"(?m)^[ \t]*(?:CPU times|Wall time)\s*:[^\n]*")),
    ("a download's log", re.compile(r"Downloading(?: data)? from \S+[^\n]*(?:\n[^\n]*\d+/\d+[^\n]*)?")),
    ("a progress bar", re.compile(r"\d+%\|[^|\n]*\|[^\n]*")),
    ("a timing", re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s?(?:ns|µs|μs|us|ms|s|sec|secs|seconds?|mins?|minutes?|hours?)"
                            r"(?:/(?:step|epoch|it|sample))?(?![\w/])")),
    ("a rate", re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s?(?:it/s|s/it|samples?/s|steps?/s|examples?/s|images?/s)")),
    ("a timing", re.compile(r"ETA:?\s*\d[\d:]*s?")),
    ("a memory address", re.compile(r"0x[0-9a-fA-F]{4,}")),
    ("a version number", re.compile(r"(?<![\w.])v?\d+\.\d+\.\d+(?:[.+-]?[A-Za-z0-9]+)*(?![\w.])")),
    ("a figure (drawn, not printed)", re.compile(r"<Figure size [^>\n]*>")),
    ("TensorFlow's tensor id (an object counter, printed until TensorFlow 2.1)",
     re.compile(r"(?<=<tf\.Tensor: )id=\d+,\s*")),
    ("NumPy's scalar type (printed since NumPy 2.0)",
     re.compile(r"(?<![\w.])np\.(?:u?int|float|complex|bool_|str_|longdouble|intp|uintp)\d*(?=\()")),
    ("NumPy's boolean scalar (np.True_, printed since NumPy 2.0)", re.compile(r"(?<=np\.True)_|(?<=np\.False)_")),
    ("NumPy's boolean scalar (np.True_, printed since NumPy 2.0)", re.compile(r"(?<![\w.])np\.(?=True|False)")),
    ("NumPy's shape of a summarized array (printed since NumPy 2.2)",
     re.compile(r",\s*shape=\(\d+(?:,\s*\d+)*,?\)(?=\s*[,)])")),
    ("a date of the environment", re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? +\d{1,2},? +\d{4}")),
    ("a clock time", re.compile(r"(?<![\w.:])\d{1,2}:\d{2}:\d{2}(?:\.\d+)?(?![\w.:])")),
)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """An output as a terminal leaves it: colour codes removed, a line rewritten after ``\\r`` kept as
    last written (a progress bar's final state), other control characters dropped."""
    text = ANSI.sub("", text)
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if "\r" in line:
            line = next((part for part in reversed(line.split("\r")) if part.strip()), "")
        lines.append(CONTROL.sub("", line))
    return "\n".join(lines)

NUMBER = re.compile(r"""
    (?<![\w.])                         # not inside a name, not after a decimal point
    (?P<sign>[-+])?
    (?:
        (?P<special>(?i:nan|inf)|True|False|None)
      | (?P<int>\d{1,3}(?:,\d{3})+(?![\d])|\d+)(?P<frac>\.\d*)?(?:[eE](?P<exp>[-+]?\d+))?(?P<pct>%)?
      | (?P<lead>\.\d+)(?:[eE](?P<exp2>[-+]?\d+))?
    )
    (?![\w])
    |(?P<wild>\{\?\})
""", re.VERBOSE)


@dataclass(frozen=True)
class Number:
    """One number of an output: its text, value and the half-width of its printed rounding."""

    text: str
    value: float | int | str | None  # a float or int; a special's lower-cased text; None for {?}
    half: float        # half the printed step (0 for an integer, or a special value)
    line: int          # 1-based line of the output it is on
    start: int         # offset in the output

    @property
    def wildcard(self) -> bool:
        return self.text == WILDCARD

    @property
    def special(self) -> bool:
        return isinstance(self.value, str)


def masked(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with its volatile spans blanked (the same length, so offsets and lines hold), and what
    was masked: [(the span, why)]."""
    found = []
    chars = list(text)
    for why, pattern in VOLATILE:
        for m in pattern.finditer("".join(chars)):
            if not m.group(0).strip():
                continue
            found.append((m.group(0).strip(), why))
            for k in range(m.start(), m.end()):
                if chars[k] != "\n":
                    chars[k] = " "
    return "".join(chars), found


def numbers(text: str) -> list[Number]:
    """The numbers of an output, in order, its volatile spans masked first."""
    if len(text) > MAX_TEXT:
        raise ValueError(f"an output of {len(text):,} characters: over the {MAX_TEXT:,} compared")
    plain, _ = masked(clean(text))
    out = []
    starts = [m.start() for m in re.finditer(r"\n", plain)]
    for m in NUMBER.finditer(plain):
        line = 1 + _count_below(starts, m.start())
        out.append(_number(m, line))
        if len(out) > MAX_NUMBERS:
            raise ValueError(f"an output of more than {MAX_NUMBERS:,} numbers")
    return out


def _count_below(sorted_offsets: list[int], at: int) -> int:
    import bisect

    return bisect.bisect_left(sorted_offsets, at)


def _number(m: re.Match, line: int) -> Number:
    text = m.group(0)
    if m.group("wild"):
        return Number(WILDCARD, None, 0.0, line, m.start())
    sign = -1 if m.group("sign") == "-" else 1
    if m.group("special"):
        word = m.group("special")
        value = word.lower() if word.lower() in ("nan", "inf") else word
        if value == "inf" and sign < 0:
            value = "-inf"
        return Number(text, value, 0.0, line, m.start())
    if m.group("lead"):
        digits, exp = m.group("lead"), m.group("exp2")
        decimals = len(digits) - 1
        value = float(digits) * 10 ** int(exp or 0)
        return Number(text, sign * value, 0.5 * 10.0 ** (int(exp or 0) - decimals), line, m.start())
    whole = m.group("int").replace(",", "")
    frac, exp = m.group("frac"), m.group("exp")
    if frac is None and exp is None:
        return Number(text, sign * int(whole), 0.0, line, m.start())
    decimals = len(frac) - 1 if frac else 0
    e = int(exp) if exp else 0
    value = float(whole + (frac or "")) * 10.0 ** e
    if frac == "." and not exp:  # NumPy's "1.": a whole value to its 8 significant digits, not 0.5-1.5
        return Number(text, sign * value, 5e-9 * max(1.0, abs(value)), line, m.start())
    return Number(text, sign * value, 0.5 * 10.0 ** (e - decimals), line, m.start())


def agree(stated: Number, measured: Number, tolerance: float = 0.0) -> bool:
    """Whether two numbers agree: ``{?}`` with anything; special values when equal; numbers when the
    one printed to more digits lies within the rounding interval of the other (``0.98`` holds 0.9849,
    not 0.9851; ``0.9800`` and ``0.9801`` differ), plus ``tolerance`` times the larger, relative."""
    if stated.wildcard or measured.wildcard:
        return True
    if stated.special or measured.special:
        return stated.value == measured.value
    a, b = stated.value, measured.value
    if isinstance(a, int) and isinstance(b, int) and not tolerance:
        return a == b
    scale = max(abs(a), abs(b))
    return abs(a - b) <= max(stated.half, measured.half) + tolerance * scale + 1e-12 * scale


@dataclass
class Comparison:
    """How a measured output compares with a stated one."""

    stated: int          # numbers the stated output shows (wildcards included)
    measured: int        # numbers the measured output shows
    compared: int        # numbers compared (the wildcards left out)
    differences: list    # [(index, stated Number, measured Number)], in order

    @property
    def agrees(self) -> bool:
        return self.stated == self.measured and not self.differences

    @property
    def largest_relative(self) -> float | None:
        """The largest relative difference of a differing pair of numbers (None where a special value or a
        count differs): float rounding is some 1e-7 (single precision), a wrong value far more."""
        if self.stated != self.measured or not self.differences:
            return None
        out = 0.0
        for _, a, b in self.differences:
            if a.special or b.special or a.wildcard or b.wildcard:
                return None
            scale = max(abs(a.value), abs(b.value))
            out = max(out, abs(a.value - b.value) / scale if scale else 0.0)
        return out


def compare(stated: str, measured: str, tolerance: float = 0.0) -> Comparison:
    """The stated output's numbers against the measured one's, pair by pair."""
    s, m = numbers(stated), numbers(measured)
    compared = sum(not n.wildcard for n in s)
    if len(s) != len(m):
        return Comparison(len(s), len(m), compared, [])
    diffs = [(k, a, b) for k, (a, b) in enumerate(zip(s, m)) if not agree(a, b, tolerance)]
    return Comparison(len(s), len(m), compared, diffs)


def explain(comparison: Comparison, stated: str, measured: str, most: int = 3) -> str:
    """A failed comparison in words: where the two outputs differ, quoting the lines."""
    if comparison.stated != comparison.measured:
        s_lines, m_lines = stated.splitlines(), measured.splitlines()
        first = _first_differing_line(s_lines, m_lines)
        where = (f"; first differing line {first + 1}: the notebook shows {_quote(s_lines, first)}, this run "
                 f"{_quote(m_lines, first)}") if first is not None else ""
        return (f"the output shows {comparison.measured} numbers where the notebook's shows "
                f"{comparison.stated}{where}")
    lines = measured.splitlines()
    parts = []
    for k, a, b in comparison.differences[:most]:
        line = lines[b.line - 1].strip() if 0 < b.line <= len(lines) else ""
        parts.append(f"number {k + 1} (line {b.line}: {_cut(line)!r}): the notebook shows {a.text}, this run {b.text}")
    more = len(comparison.differences) - most
    relative = comparison.largest_relative
    size = f"; the largest relative difference {relative:.1e}" if relative is not None else ""
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "") + \
        f" ({len(comparison.differences)} of {comparison.compared} numbers differ{size})"


def _first_differing_line(a: list, b: list):
    for k in range(max(len(a), len(b))):
        x = numbers(a[k]) if k < len(a) else []
        y = numbers(b[k]) if k < len(b) else []
        if len(x) != len(y):
            return k
    return None


def _quote(lines: list, k: int) -> str:
    return repr(_cut(lines[k].strip())) if k < len(lines) else "nothing"


def _cut(text: str, most: int = 80) -> str:
    return text if len(text) <= most else text[:most] + "..."


def with_wildcards(text: str, positions: set[int]) -> str:
    """``text`` with the numbers at ``positions`` (indexes into :func:`numbers`) written as ``{?}``."""
    found = numbers(text)
    out, last = [], 0
    for k, n in enumerate(found):
        if k in positions:
            out += [text[last:n.start], WILDCARD]
            last = n.start + len(n.text)
    return "".join(out) + text[last:]


def finite(n: Number) -> bool:
    return not n.special and not n.wildcard and math.isfinite(n.value)


def key(n: Number):
    """A number as coverage matches it: its value to nine significant digits (an integer as itself; a
    percentage as the fraction it states, ``98.5%`` as 0.985, as the claims state fractions)."""
    if n.special or n.wildcard:
        return n.value
    value = n.value / 100 if n.text.endswith("%") else n.value
    if isinstance(value, int):
        return value
    return float(f"{value:.9g}")


ROUNDING = 1e-5  # a run whose numbers all lie this close (relative) to the stated ones differs by float rounding only


def rounding_tolerance(relative: float | None) -> float | None:
    """The relative tolerance that admits a difference of float rounding (the smallest power of ten at least
    twice ``relative``), or None where the difference is larger than rounding makes (:data:`ROUNDING`)."""
    if relative is None or relative > ROUNDING:
        return None
    tolerance = 1e-9
    while tolerance < 2 * relative:
        tolerance *= 10
    return float(f"{tolerance:.0e}")
