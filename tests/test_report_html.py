"""The HTML report: counts, grouping, failures first, escaping, and a real browser's view."""
import re

import pytest

import browser
from reports import html
from runners.verdict import Result, Status

ENV = {"python": "3", "tensorflow": "2", "keras": "3", "backend": "tensorflow", "device": "CPU"}


def result(claim_id, status, section="8.1", **kw):
    return Result(id=claim_id, kind="param_count", status=status, section=section, expected=1,
                  observed=2, source={"stated": "1", "cite": [{"from": "book", "quote": "q"}]},
                  environment=ENV, **kw)


RESULTS = [
    result("a.pass", Status.PASSED),
    result("b.fail", Status.FAILED, reason="2 is not 1"),
    result("c.err", Status.ERROR, traceback="Traceback ...\nValueError: boom", section="8.2"),
    result("d.skip", Status.SKIPPED, reason="no data", fix="set --data-dir", section="8.2"),
    result("e.pass", Status.PASSED, section="8.3"),
]
RUN = {"claims_dir": "claims", "tier": "static", "started": "now", "seconds": 1.0, "environment": ENV}


def test_counts_and_order():
    page = html.render(RESULTS, RUN)
    counts = dict(re.findall(r'data-status="(\w+)"><b>(\d+)</b>', page))
    assert counts == {"passed": "2", "failed": "1", "error": "1", "skipped": "1", "inconclusive": "0"}
    ids = re.findall(r'data-claim-id="([^"]+)"', page)
    # sections with failures first (8.1 has a failure, 8.2 an error, 8.3 only passes); failures first within
    assert ids == ["b.fail", "a.pass", "c.err", "d.skip", "e.pass"]
    assert "Fix: set --data-dir" in page and "ValueError: boom" in page


def test_every_text_is_escaped():
    evil = result("x<script>", Status.FAILED, reason="<img src=x onerror=alert(1)>")
    evil.source = {"stated": "1", "cite": [{"from": "book", "quote": "</blockquote><script>alert(1)</script>"}]}
    page = html.render([evil], RUN)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_values_shown_as_a_person_reads_them():
    assert html.show([None, 26, 26, 32]) == "(None, 26, 26, 32)"
    assert html.show(712202) == "712,202"
    assert html.show(None) == "—"


@pytest.mark.browser
def test_report_opens_in_headless_chromium(tmp_path):
    if browser.chromium() is None:
        if browser.required():
            pytest.fail("Chromium is required (CLAIMCHECK_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium is not installed: apt-get install chromium")
    page = html.write(RESULTS, RUN, tmp_path / "report.html")
    dom = browser.run(["--dump-dom", page.as_uri()], tmp_path / "profile")
    assert dom.returncode == 0, dom.stderr[-2000:]
    # what the browser built from the file: the counts a person sees at the top
    shown = dict((s, int(n)) for n, s in re.findall(r"<b>(\d+)</b>(\w+)</div>", dom.stdout))
    assert shown == {"failed": 1, "error": 1, "inconclusive": 0, "skipped": 1, "passed": 2}
    shot = tmp_path / "report.png"
    proc = browser.run([f"--screenshot={shot}", "--window-size=1200,900", page.as_uri()],
                       tmp_path / "profile2")
    assert proc.returncode == 0 and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_stochastic_claim_gets_a_figure_of_its_seeds():
    r = result("m.acc", Status.PASSED, reason="the 90% interval lies inside the band")
    r.details = {"summary": {"n": 3, "mean": 0.991, "values": [0.990, 0.991, 0.992],
                             "interval": [0.9893, 0.9927]}, "band": [0.9885, 0.9935], "stated": 0.991}
    page = html.render([r], RUN)
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert svg.count("<circle") == 3
    assert "allowed band" in svg and "90% interval of the mean" in svg
    assert "the 90% interval lies inside the band" in page


def test_missing_inputs_section_groups_skipped_claims_by_what_they_need():
    skipped = [result(f"s{i}", Status.SKIPPED, reason="no images", fix="pass --dogs-vs-cats DIR") for i in range(3)]
    skipped.append(result("w", Status.SKIPPED, reason="no weights", fix="pass --weights-dir DIR"))
    page = html.render(skipped + RESULTS, RUN)
    section = page[page.index('id="missing-inputs"'):page.index("</table>", page.index('id="missing-inputs"'))]
    assert section.index("no images") < section.index("no weights") < section.index("no data")
    assert "<b>3</b>" in section and "pass --dogs-vs-cats DIR" in section
