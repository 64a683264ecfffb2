"""`claimcheck verify`: a whole session, from loading the claims to the exit status."""
from __future__ import annotations

import sys

from ..engine.session import Session
from ..engine.usage import check_out
from .finish import finish
from .shards import finish_shard
from .status import EXIT_INTERRUPTED, run_command


def verify(settings, stream=None) -> int:
    err = stream or sys.stderr
    return run_command("claimcheck", lambda: _verify(settings, stream, err), err)


def _verify(settings, stream, err) -> int:
    session = None
    try:
        session = Session(settings, stream)
        settings = session.settings  # with --shard auto/N resolved
        check_out(settings)
        session.warm_up()  # the sandbox's server imports the framework while the claims load
        claims = session.load()
        session.check_usage(claims)
        if settings.canary:
            session.canary(claims)  # before anything else: a finding about this machine, never a verdict
        results = session.run(claims)
        status = finish_shard(session, results) if settings.shard else finish(session, results)
        if session.interrupted:
            print(f"claimcheck: interrupted (Ctrl-C): wrote the {sum(r.status.value != 'error' for r in results)} "
                  "claims decided before it; the others are errors saying so", file=err)
            return EXIT_INTERRUPTED
        return status
    finally:
        if session is not None:
            session.close()
