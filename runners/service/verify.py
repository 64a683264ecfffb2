"""`claimcheck verify`: a whole session, from loading the claims to the exit status."""
from __future__ import annotations

import sys

from ..engine.session import Session
from ..engine.usage import UsageError
from .finish import finish
from .shards import finish_shard
from .status import EXIT_USAGE


def verify(settings, stream=None) -> int:
    session = Session(settings, stream)
    try:
        claims = session.load()
        session.check_usage(claims)
        results = session.run(claims)
        if settings.shard:
            return finish_shard(session, results)
        return finish(session, results)
    except UsageError as exc:
        print(f"claimcheck: {exc}", file=stream or sys.stderr)
        return EXIT_USAGE
    finally:
        session.close()
