"""The one YAML writer of drafted files: PyYAML's safe dumper, so what it writes is valid YAML by
construction and loads back as the document it was given.

Mappings and lists are written in block style, except those wrapped in :class:`Flow` (a claim's
``measure``, a cite), written on one line; a list of a top-level key is indented under it. Every
string stays on one line (one with a line break is double-quoted, the break escaped), except a
:class:`Block` (an output's text), written as a literal block indented under its key: so that
:func:`with_comments`, the one step the library cannot do, can put whole comment lines before the
items of the top-level list without landing inside a value (a block's lines are indented deeper than
an item's ``  - ``).
"""
from __future__ import annotations

import re

import yaml

BREAKS = re.compile(r"[\r\n\x85\u2028\u2029]+")  # what YAML reads as a line break


class Flow(dict):
    """A mapping written on one line: ``{from: notebook, cell: 3, quote: ...}``."""


class FlowList(list):
    """A list written on one line: ``[null, 26, 26, 32]``."""


class Block(str):
    """A text of several lines written as a literal block (``|``), its lines as they are; a text the
    block style cannot hold exactly (a line ending in a space, a control character) is double-quoted."""


class Shared(str):
    """A string written once, with its anchor (``&anchor``), and as its alias (``*anchor``) wherever
    else the same object appears. Nothing else is ever written as an alias."""

    def __new__(cls, value: str, anchor: str):
        self = super().__new__(cls, value)
        self.anchor = anchor
        return self


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)  # a key's list indented under it, as people write it

    def ignore_aliases(self, data) -> bool:
        return not isinstance(data, Shared)

    def represent_data(self, data):
        node = super().represent_data(data)
        if isinstance(data, Shared):
            self.anchor_names[id(node)] = data.anchor
        return node

    def generate_anchor(self, node) -> str:
        return self.anchor_names[id(node)]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.anchor_names: dict = {}


def _str(dumper, value: str):
    style = '"' if BREAKS.search(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _block(dumper, value: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(Block, _block)
_Dumper.add_representer(Shared, _str)
_Dumper.add_representer(Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True))
_Dumper.add_representer(FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def dump(document) -> str:
    """``document`` as YAML text, keys in their given order, Unicode as it is, no line folded."""
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=float("inf"))


def comment(text: str) -> str:
    """One comment line: ``# text``, its line breaks made spaces (a break would end the comment)."""
    return "# " + BREAKS.sub(" ", text) if text else "#"


def with_comments(text: str, header: list[str], items: list[list[str]], footer: list[str]) -> str:
    """``text`` (from :func:`dump`) with comment lines: ``header`` first, each of ``items`` before the
    item of the top-level list it belongs to (in order; a blank line between items), ``footer`` last."""
    lines = text.splitlines()
    starts = [n for n, ln in enumerate(lines) if ln.startswith("  - ")]
    if len(starts) != len(items):
        raise ValueError(f"{len(items)} items' comments for {len(starts)} items of the top-level list")
    out = [comment(c) for c in header]
    done = 0
    for k, (n, notes) in enumerate(zip(starts, items)):
        out += lines[done:n] + [""] * (k > 0) + ["  " + comment(c) for c in notes]
        done = n
    out += lines[done:] + ([""] + [comment(c) for c in footer] if footer else [])
    return "\n".join(out) + "\n"
