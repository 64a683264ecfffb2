"""Every stochastic claim under claims/ meets the error-rate targets, at every tier's seed count."""
import pytest

from claimcheck.reports import characteristic
from claimcheck.runners import stats
from claimcheck.runners.catalog import loader
from claimcheck.runners.kinds import registry

from helpers import CLAIMS, ROOT

CLAIMS_LOADED = loader.load(CLAIMS)
TABLE = characteristic.table(CLAIMS_LOADED)


def test_every_stochastic_claim_has_a_characteristic():
    stochastic = {c.id for c in CLAIMS_LOADED if registry()[c.kind].stochastic}
    assert len(stochastic) >= 15
    assert {row["id"] for row in TABLE} == stochastic


@pytest.mark.parametrize("row", TABLE, ids=lambda r: f"{r['id']}@{r['tier']}")
def test_targets(row):
    assert row["n"] is not None, row.get("error")
    assert row["unmet"] == [], row["unmet"]
    by = {r["delta_sd"]: r for r in row["oc"]}
    assert by[1]["passed"] >= 0.85 and by[1]["failed"] <= 0.02
    assert by[2]["failed"] <= 0.05
    assert by[4]["passed"] <= 0.05 and by[6]["failed"] >= 0.90


def test_the_table_in_the_docs_is_the_commands_output():
    doc = (ROOT / "docs/operating-characteristic.md").read_text()
    assert characteristic.markdown(TABLE) in doc, "regenerate it: claimcheck oc > table, see the doc's header"


def test_the_rule_constants_are_the_documented_ones():
    doc = (ROOT / "docs/schema.md").read_text()
    assert f"K_SINGLE = {stats.K_SINGLE}" in doc and f"DRIFT_SD = {stats.DRIFT_SD}" in doc
