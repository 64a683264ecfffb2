"""``python -m claimcheck.runners.cli``: the `claimcheck` command without its console script."""
import sys

from . import main

sys.exit(main())
