"""How much of each book's reviewed spec a fresh `claimcheck draft` proposes, notebook by notebook
(authoring/scoring.py): the figures docs/draft-score.md publishes (`tox -e bench -- -k draft_score`,
each notebook's `extra_info`). Timed too: scoring a notebook drafts it (nothing is run)."""
import pytest

from claimcheck.runners.authoring.scoring import score
from claimcheck.runners.catalog.coverage import notebooks_of
from claimcheck.runners.catalog.loader import load

from helpers import CLAIMS

CLAIMS_LOADED = load(CLAIMS)
NOTEBOOKS = sorted(notebooks_of(CLAIMS, CLAIMS_LOADED))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:24])
def test_draft_score(benchmark, path):
    result = benchmark.pedantic(score, args=(path, CLAIMS_LOADED), rounds=1, iterations=1)
    benchmark.extra_info.update(reviewed=result.reviewed, drafted=result.drafted, proposed=result.proposed,
                                kept=result.kept, recall=round(result.recall, 3),
                                precision=round(result.precision, 3))
    assert result.reviewed and result.drafted
    assert 0 <= result.proposed <= result.reviewed and 0 <= result.kept <= result.drafted
