"""The HTML report: counts, what needs attention, sections in book order, escaping, a real browser."""
import re

import pytest

from claimcheck.reports import html
from claimcheck.runners.claim.verdict import Result, Status
from claimcheck.runners.core.formatting import show

from helpers import browser

ENV = {"python": "3", "tensorflow": "2", "keras": "3", "backend": "tensorflow", "device": "CPU",
       "stack": "keras3-tensorflow"}


def result(claim_id, status, section="8.1", **kw):
    return Result(id=claim_id, kind="param_count", status=status, section=section, expected=1,
                  observed=2, source={"stated": "1", "cite": [{"from": "book", "quote": "q"}]},
                  environment=ENV, **kw)


RESULTS = [
    result("e.pass", Status.PASSED, section="8.3"),
    result("a.pass", Status.PASSED),
    result("b.fail", Status.FAILED, reason="2 is not 1"),
    result("c.err", Status.ERROR, traceback="Traceback ...\nValueError: boom", section="8.2"),
    result("d.skip", Status.SKIPPED, reason="no data", fix="set --data-dir", section="8.2"),
    result("f.inc", Status.INCONCLUSIVE, reason="straddles", section="8.10"),
    result("g.pass", Status.PASSED, section="2.1"),
]
RUN = {"claims_dir": "claims", "tier": "static", "started": "now", "seconds": 1.0, "environment": ENV}


def test_counts_attention_first_and_sections_in_book_order():
    page = html.render(RESULTS, RUN)
    counts = dict(re.findall(r'data-status="([\w-]+)"><b>(\d+)</b>', page))
    assert counts == {"passed": "3", "failed": "1", "error": "1", "skipped": "1", "inconclusive": "1",
                      "known-erratum": "0"}
    attention = re.findall(r'data-attention-id="([^"]+)" data-status="([\w-]+)"', page)
    assert attention == [("b.fail", "failed"), ("c.err", "error"), ("f.inc", "inconclusive")]
    sections = re.findall(r'<tr data-section="([^"]+)" data-book="[^"]*">', page)
    assert sections == ["2.1", "8.1", "8.2", "8.3", "8.10"]
    ids = re.findall(r'<tr class="claim-[\w-]+" id="claim-[^"]+" data-claim-id="([^"]+)"', page)
    assert ids == ["g.pass", "b.fail", "a.pass", "c.err", "e.pass", "f.inc"]  # failures first within a section
    assert "Fix: set --data-dir" not in page  # skipped claims are folded by reason...
    assert 'data-skipped="1"' in page and "How to run them: set --data-dir" in page  # ...with the fix
    assert "ValueError: boom" in page


def test_two_books_sections_are_apart_each_in_book_order():
    """The first edition's 2.1 and the second's are two sections; books by id, each in book order."""
    two = [result("x.one", Status.PASSED, section="2.1", book="dlwp2"), result("y.one", Status.PASSED, section="5.1",
           book="dlwp1"), result("z.one", Status.FAILED, section="2.1", book="dlwp1")]
    page = html.render(two, RUN)
    assert re.findall(r'<tr data-section="([^"]+)" data-book="([^"]*)">', page) == [
        ("2.1", "dlwp1"), ("5.1", "dlwp1"), ("2.1", "dlwp2")]
    assert 'id="section-dlwp1-2.1"' in page and 'id="section-dlwp2-2.1"' in page


def test_a_per_section_summary():
    page = html.render(RESULTS, RUN)
    start = page.index('<tr data-section="8.2" ')
    row = page[start:page.index("</tr>", start)]
    assert re.findall(r'data-status="([\w-]+)">(\d+)<', row) == [
        ("failed", "0"), ("error", "1"), ("inconclusive", "0"), ("known-erratum", "0"), ("skipped", "1"),
        ("passed", "0"), ("evidence", "0")]


def test_every_text_is_escaped():
    evil = result("x<script>", Status.FAILED, reason="<img src=x onerror=alert(1)>")
    evil.source = {"stated": "1", "cite": [{"from": "book", "quote": "</blockquote><script>alert(1)</script>"}]}
    page = html.render([evil], RUN)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_values_shown_as_a_person_reads_them():
    assert show([None, 26, 26, 32]) == "(None, 26, 26, 32)"
    assert show(712202) == "712,202"
    assert show(None) == "—"


def test_a_stochastic_claim_shows_its_seeds_and_its_error_rates():
    r = result("m.acc", Status.PASSED, reason="the 90% interval lies inside the band")
    oc = [{"delta_sd": d, "passed": p, "failed": f, "inconclusive": 1 - p - f}
          for d, p, f in ((0, 1.0, 0.0), (1, 0.99, 0.0), (2, 0.86, 0.0), (4, 0.0, 0.24), (6, 0.0, 1.0), (8, 0.0, 1.0))]
    r.details = {"summary": {"n": 3, "mean": 0.991, "values": [0.990, 0.991, 0.992], "interval": [0.9893, 0.9927]},
                 "band": [0.9885, 0.9935], "stated": 0.991, "operating_characteristic": oc,
                 "reference": {"name": "ref", "sd": 0.0006, "runs": 3, "seeds": [100, 101, 102], "source": "ko-runs"},
                 "targets": "not met with a reference of 3 runs: at 1 sd P(passed) = 0.736, target >= 0.85"}
    page = html.render([r], RUN)
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert svg.count("<circle") == 3 and "allowed band" in svg and "90% interval of the mean" in svg
    table = page[page.index('data-oc-for="m.acc"'):page.index("</table>", page.index('data-oc-for="m.acc"'))]
    assert "0.86" in table and "0.24" in table and "reference sd 0.0006" in table
    assert "ref: 3 runs, seeds 100-102, ko-runs" in table  # the reference beside its characteristic
    assert 'data-targets-for="m.acc">error-rate targets: not met with a reference of 3 runs' in page


def test_an_exploratory_run_says_so():
    assert 'id="exploratory"' in html.render(RESULTS, {**RUN, "exploratory": True, "seeds": 2})
    assert 'id="exploratory"' not in html.render(RESULTS, RUN)


@pytest.mark.browser
def test_report_opens_in_headless_chromium(tmp_path):
    page = html.write(RESULTS, RUN, tmp_path / "report.html")
    dom = browser(["--dump-dom", page.as_uri()], tmp_path / "profile")
    assert dom.returncode == 0, dom.stderr[-2000:]
    # what the browser built from the file: the counts a person sees at the top, and what needs attention
    shown = {s: int(n) for n, s in re.findall(r"<b>(\d+)</b>([\w-]+)</div>", dom.stdout)}
    assert shown == {"failed": 1, "error": 1, "inconclusive": 1, "known-erratum": 0, "skipped": 1, "passed": 3}
    assert dom.stdout.index('id="attention"') < dom.stdout.index('id="section-summary"')
    shot = tmp_path / "report.png"
    proc = browser([f"--screenshot={shot}", "--window-size=1200,900", page.as_uri()], tmp_path / "profile2")
    assert proc.returncode == 0 and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
