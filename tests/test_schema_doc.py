"""docs/schema.md against the schema: the dataclasses' rules and each kind's measure fields."""
import re

import pytest

from claimcheck.runners.claim.schema import Cite, Claim, Source, SpecFile, rules
from claimcheck.runners.kinds import registry

from helpers import ROOT

DOC = (ROOT / "docs/schema.md").read_text()


def table_after(heading: str) -> dict[str, bool]:
    """The first table after a heading: field -> required."""
    start = DOC.index(heading)
    rows = {}
    for line in DOC[start:].splitlines()[1:]:
        if line.startswith("#"):
            break
        m = re.match(r"\| `([\w-]+)` \| (yes|no) \|", line)
        if m:
            rows[m.group(1)] = m.group(2) == "yes"
        elif rows and not line.startswith("|"):
            break
    return rows


@pytest.mark.parametrize("heading, cls", [("## Files", SpecFile), ("## A claim", Claim),
                                           ("### `source`", Source), ("### `cite`", Cite)])
def test_the_documented_fields_are_the_schema(heading, cls):
    assert table_after(heading) == {name: rule.required for name, rule in rules(cls).items()}


@pytest.mark.parametrize("name", sorted(registry()))
def test_every_kind_is_documented_with_its_measure_fields(name):
    assert table_after(f"### `{name}`") == {k: r.required for k, r in registry()[name].measure_fields.items()}
