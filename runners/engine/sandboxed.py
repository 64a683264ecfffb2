"""The claims a run decides in the sandbox, and the bookkeeping of them.

A claim that runs a program of its own (not training runs) is decided in the sandbox
(sandbox.py): the claims that share one program go to one process together. A run sends all of
them at once (:meth:`SandboxedClaims.run`) and hands the results out claim by claim
(:meth:`SandboxedClaims.result`); the pytest plugin, which asks claim by claim, gets a claim's group
decided when it first asks for one of them.
"""
from __future__ import annotations

import os

from ..claim.values import FunctionRef
from ..claim.variants import ClaimOnStack
from ..claim.verdict import Result
from ..kinds import registry
from . import confine
from .context import RunContext
from .deciding import confirm
from .sandbox import Sandbox


class SandboxedClaims:
    def __init__(self, context: RunContext):
        self.context = context
        self._sandbox: Sandbox | None = None
        self._waiting: list[ClaimOnStack] = []  # planned here, not yet sent to the sandbox
        self._results: dict[str, Result] = {}  # decided there, not yet handed out
        self._confinement: confine.Confinement | None = None

    @property
    def confinement(self) -> confine.Confinement:
        """Whether the programs run confined (confine.py), and why not where they do not."""
        if self._confinement is None:
            self._confinement = confine.status(self.context.settings, self.context.executor.in_process)
        return self._confinement

    @property
    def sandbox(self) -> Sandbox:
        if self._sandbox is None:
            # static programs are small: two at a time (or --jobs, where more) keeps the cores busy
            workers = max(self.context.executor.worker_count(), min(2, os.cpu_count() or 1))
            self._sandbox = Sandbox(self.context.settings, workers=workers, confinement=self.confinement)
        return self._sandbox

    def start(self) -> None:
        """Start the sandbox's fork server early, unless nothing will run in it."""
        if not self.context.replaying and not self.context.executor.in_process:
            self.sandbox.start()

    def wants(self, claim: ClaimOnStack) -> bool:
        """Whether the claim runs a program of its own (decided in the sandbox), rather than reading
        training runs, or nothing (a broken or skipped claim, decided in the session's process).
        ``--jobs 0``: none is."""
        ctx = self.context
        if ctx.replaying or ctx.executor.in_process or claim.problems:
            return False
        kind = registry().get(claim.kind)
        return kind is not None and not kind.trains(claim) and ctx.planner.usable(claim)

    def expect(self, claims: list[ClaimOnStack]) -> None:
        """The planned claims, of which those the sandbox decides wait for their first request."""
        self._waiting = [c for c in claims if self.wants(c)]

    def holds(self, claim: ClaimOnStack) -> bool:
        """Whether the claim's result came back from the sandbox and waits to be handed out."""
        return claim.id in self._results

    def _program_of(self, claim: ClaimOnStack):
        """What a claim's process runs: its program, its resources, and the checks.py files it names
        (a named check runs beside the program: claims that name one get a process of their own, so a
        checks.py that exits or hangs on import takes only its own claims with it)."""
        try:
            kind = registry()[claim.kind]
            checks = sorted({str(m["value"].path) for m in kind.measurements(claim)
                             if isinstance(m, dict) and isinstance(m.get("value"), FunctionRef)})
            return (self.context.program(claim), tuple(claim.requires), tuple(checks))
        except Exception:  # a claim whose program cannot even be named runs alone, and says why
            return ("alone", claim.id)

    def run(self, claims: list[ClaimOnStack], on_group=None) -> None:
        """Decide ``claims`` in the sandbox, one process per program they share; each result is
        confirmed here by its kind's rule; ``on_group(results)`` as each group comes back."""
        sent = {c.id for c in claims}
        self._waiting = [c for c in self._waiting if c.id not in sent]
        if not claims:
            return
        groups: dict = {}
        for claim in claims:
            groups.setdefault(self._program_of(claim), []).append(claim)
        by_id = {c.id: c for c in claims}

        def confirmed(results):
            made = [confirm(by_id[r.id], r) if r.id in by_id else r for r in results]  # made here, not sent
            for result in made:
                self._results[result.id] = result  # kept at once: Ctrl-C keeps it
            if on_group is not None:
                on_group(made)  # the console shows what was made here, never what a process sent

        # what run_groups returns are the results as sent: each is kept above, made here from its claim
        self.sandbox.run_groups(list(groups.values()), self.context.stack.as_printed, confirmed)

    def result(self, claim: ClaimOnStack) -> Result | None:
        """The claim's result from the sandbox (its group decided now, if not yet), or None for a
        claim the sandbox does not decide."""
        if claim.id not in self._results:
            if not self.wants(claim):
                return None
            key = self._program_of(claim)
            group = [c for c in self._waiting if c.id != claim.id and self._program_of(c) == key]
            self.run([claim, *group])
        return self._results.pop(claim.id)

    def forget_waiting(self) -> None:
        """No claim waits any more (a run that sent them all)."""
        self._waiting = []

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
