"""`claimcheck verify`: a whole session, from loading the claims to the exit status."""
from __future__ import annotations

import sys
import traceback

from ..engine.session import Session
from ..engine.usage import UsageError, check_out
from .finish import finish
from .shards import finish_shard
from .status import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE


def verify(settings, stream=None) -> int:
    err = stream or sys.stderr
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
    except KeyboardInterrupt:
        print("claimcheck: interrupted (Ctrl-C) before any claim was decided; nothing written", file=err)
        return EXIT_INTERRUPTED
    except UsageError as exc:
        print(f"claimcheck: {exc}", file=err)
        return EXIT_USAGE
    except Exception:  # a fault of claimcheck itself: its own exit status, never a verdict on the book
        print(f"claimcheck: internal error (exit {EXIT_INTERNAL}), please report it:\n{traceback.format_exc()}",
              file=err)
        return EXIT_INTERNAL
    finally:
        if session is not None:
            session.close()
