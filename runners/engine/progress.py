"""What a run tells the person watching it, on stderr: the plan, each epoch, each claim's verdict."""
from __future__ import annotations

import io
import re

from ..core.formatting import one_line

ANSI = re.compile(r"\x1b\[[0-9;]*m|\x08")


class EpochProgress(io.TextIOBase):
    """Captures a listing's stdout; reports each finished epoch on ``stream`` in one line."""

    def __init__(self, label: str, stream=None):
        self.label, self.stream = label, stream
        self.buffer = io.StringIO()
        self.pending = ""
        self.epoch = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.buffer.write(text)
        self.pending += text
        while "\n" in self.pending:
            line, self.pending = self.pending.split("\n", 1)
            self._line(ANSI.sub("", line.split("\r")[-1]).strip())
        return len(text)

    def _line(self, line: str) -> None:
        if line.startswith("Epoch "):
            self.epoch = line[len("Epoch "):]
        elif self.epoch and "/step" in line and self.stream is not None:
            metrics = line.split("/step", 1)[1].strip(" -")
            print(f"    {self.label} epoch {self.epoch}: {metrics}", file=self.stream, flush=True)
            self.epoch = ""

    def getvalue(self) -> str:
        return self.buffer.getvalue()


class Progress:
    """The plan line before a run and one line per decided claim; nothing with ``--quiet``."""

    def __init__(self, settings, stream_of):
        self.settings = settings
        self._stream_of = stream_of  # the stream is looked up when printing (pytest swaps sys.stderr)

    @property
    def enabled(self) -> bool:
        return self.settings.progress

    def plan(self, *, claims: int, label: str, as_printed: bool, planned: int, cached: int, device: str,
             todo: list, shard_jobs: int | None, workers: int, in_process: bool) -> None:
        """What the run will do, before it starts: the training runs, how many are cached, the time."""
        if not self.enabled:
            return
        s = self.settings
        where = f"{len(todo)} to train on the {device}" + (
            ", in this process" if in_process else f", {workers} at a time" if workers > 1 else "")
        shard = f"; shard {s.shard[0]}/{s.shard[1]}: {shard_jobs} of them" if s.shard else ""
        estimate = sum(j.cost_s for j in todo) / max(1, workers)  # from each claim's cost on this device
        print(f"claimcheck: {claims} claim{'s' if claims != 1 else ''}, tier {s.tier}, {one_line(label, 80)}"
              f"{' (as printed)' if as_printed else ''}; {planned} training runs ({cached} "
              f"cached; {where}){shard}, estimated {estimate / 60:.1f} min of training"
              + (" [exploratory: --seeds]" if s.exploratory else ""), file=self._stream_of(), flush=True)

    def claim(self, n: int, total: int, result) -> None:
        if not self.enabled:
            return
        note = f" ({one_line(result.reason)})" if result.status.value != "passed" and result.reason else ""
        print(f"[{n}/{total}] {result.label:13} {one_line(result.id, 120)} "
              f"{result.duration_s:.2f}s{note}", file=self._stream_of(), flush=True)
