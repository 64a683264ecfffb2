"""What the subcommands share: the verify options as arguments, settings from them, ``--claims``."""
from __future__ import annotations

import argparse
import sys

from ..core import settings as settings_mod
from ..environment import numerics
from ..service.status import EXIT_USAGE


def add_options(parser: argparse.ArgumentParser, names=None) -> None:
    """The verify options (settings.OPTIONS), as arguments; None everywhere, so unset is visible."""
    for o in settings_mod.OPTIONS:
        if names is not None and o.name not in names:
            continue
        flags = [o.flag] + (["-q"] if o.name == "quiet" else [])
        kwargs = {"dest": o.name, "default": None, "help": o.help + (f" (also ${o.env})" if o.env else "")}
        if o.flag_only:
            kwargs.update(action="store_true")
            kwargs["default"] = False
        elif o.many:
            kwargs.update(action="append", metavar=o.metavar)
        else:
            kwargs.update(metavar=o.metavar, choices=o.choices)
        parser.add_argument(*flags, **kwargs)


def resolve(args, **overrides):
    try:
        numerics.pinned()  # CLAIMCHECK_CPU_ISA / CLAIMCHECK_THREADS: refused here, before anything starts
        return settings_mod.resolve(vars(args), **overrides)
    except ValueError as exc:
        print(f"claimcheck: {exc}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def key_file_arg(parser) -> None:
    """``--key-file``, as its ``Option`` row says, for a subcommand that reads a store."""
    add_options(parser, {"key_file"})


def key_file(args):
    """The ``--key-file`` given, else ``$CLAIMCHECK_KEY_FILE``'s, else None (each store's own key)."""
    return resolve(argparse.Namespace(key_file=args.key_file)).key_file


def claims_arg(parser) -> None:
    parser.add_argument("--claims", default="claims", help="spec file or folder (default: claims)")
