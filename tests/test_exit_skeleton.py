"""One exit skeleton (issue 37, item 1): commands raise how they end, and one function
(service/status.run_command) turns every way out into its exit status and one message."""
from __future__ import annotations

import io
import re

import pytest

from claimcheck.runners.engine.usage import UsageError
from claimcheck.runners.service import status

from helpers import ROOT, cli


def _raise(exc):
    def body():
        raise exc
    return body


@pytest.mark.parametrize("body, code, said", [
    (lambda: 0, 0, ""),
    (lambda: 1, 1, ""),
    (_raise(UsageError("--x 3: wrong")), 2, "claimcheck t: --x 3: wrong\n"),
    (_raise(status.Ended("runs failed", status.EXIT_BAD_CLAIMS)), 1, "claimcheck t: runs failed\n"),
    (_raise(KeyboardInterrupt()), 130, "claimcheck t: interrupted (Ctrl-C) before it finished; nothing written\n"),
    (_raise(ZeroDivisionError("planted")), 3, "claimcheck t: internal error (exit 3), please report it:"),
])
def test_every_way_out_becomes_its_exit_status_and_one_message(body, code, said):
    stream = io.StringIO()
    assert status.run_command("claimcheck t", body, stream) == code
    assert stream.getvalue().startswith(said) and (said or stream.getvalue() == "")
    if code == 3:
        assert "ZeroDivisionError: planted" in stream.getvalue()  # the traceback, for the report


def test_no_command_maps_its_own_way_out():
    """EXIT_USAGE and the internal-error message are written in service/status.py alone: a command that
    printed and returned a code of its own (merge did 12 times, reference 6) is found here."""
    found = []
    for path in sorted((ROOT / "runners").rglob("*.py")):
        text = path.read_text()
        if path.name == "status.py" and path.parent.name == "service":
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if re.search(r"return EXIT_(USAGE|INTERNAL)\b|print\(.*internal error \(exit", line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert found == [], "\n".join(found)


def test_the_front_ends_say_their_name_and_exit_2_on_a_usage_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for args, said in ((("history", "--store", empty), "claimcheck history: no runs in"),
                       (("merge", empty, "--out", tmp_path / "out"), "claimcheck merge: "),
                       (("errata", "--results", tmp_path / "none.json"), "claimcheck errata: "),
                       (("matrix", empty, "--out", tmp_path / "m.html"), "claimcheck matrix: no run to join"),
                       (("reference", "x", "--name", "y", "--from-seed", "0"), "claimcheck reference: --from-seed 0")):
        done = cli(*args)
        assert done.returncode == 2, (args, done.stderr[-1500:])
        assert said in done.stderr and "Traceback" not in done.stderr, (args, done.stderr[-1500:])
