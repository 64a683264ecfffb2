"""Bad input: each problem gets a message naming the file and claim; verify runs the rest."""
import json
import textwrap

from claimcheck.runners.catalog import loader
from claimcheck.runners.catalog.validation import problems_of

from helpers import LISTINGS, write

write_spec = write

HEADER = textwrap.dedent("""\
    book: test
    chapter: 8
    section: "8.1"
    title: Test section
    claims:
""")

GOOD = """\
  - id: good.total
    kind: param_count
    tier: static
    measure: {listings: [%(listing)s], object: model}
    expected: 104202
    source: {stated: "104,202", cite: [{from: book, quote: "Total params: 104,202"}]}
"""


def listing_path(tmp_path):
    """The book's listing 8.1, copied into the test's claims tree (a spec names listings inside its tree)."""
    write(tmp_path / "claims" / "listings", "listing_8_1.py", (LISTINGS / "listing_8_1.py").read_text())
    return "listings/listing_8_1.py"


def spec(tmp_path, body: str, name="s.yaml"):
    return write_spec(tmp_path / "claims", name, HEADER + textwrap.indent(textwrap.dedent(body), "  "))


def good(tmp_path):
    return GOOD % {"listing": listing_path(tmp_path)}


def problems(tmp_path):
    return [str(p) for p in problems_of(loader.load(tmp_path / "claims"))]


UNKNOWN_KIND = """\
- id: odd.kind
  kind: flux_capacity
  tier: static
  measure: {}
  expected: 1
  source: {stated: "1", cite: [{from: book, quote: "q"}]}
"""


def test_valid_spec_has_no_problems(tmp_path):
    write_spec(tmp_path / "claims", "s.yaml", HEADER + good(tmp_path))
    assert problems(tmp_path) == []


def test_malformed_yaml_names_file_and_line(tmp_path):
    path = write_spec(tmp_path / "claims", "bad.yaml", HEADER + "  - id: a: b\n    kind: x\n")
    found = problems(tmp_path)
    assert len(found) == 1
    assert str(path) in found[0] and "malformed YAML" in found[0]
    assert f"{path}:6" in found[0]


def test_unknown_kind(tmp_path):
    spec(tmp_path, UNKNOWN_KIND)
    [msg] = problems(tmp_path)
    assert "[odd.kind]" in msg and "unknown kind 'flux_capacity'" in msg and "s.yaml:6" in msg


def test_missing_and_mistyped_fields(tmp_path):
    spec(tmp_path, """\
        - id: broken.fields
          kind: param_count
          tier: sometimes
          measure: {listings: x.py, object: model}
          source: {cite: []}
        """)
    found = "\n".join(problems(tmp_path))
    assert "missing required field 'expected'" in found
    assert "tier: 'sometimes' is not one of static, cpu, gpu" in found
    assert "measure.listings: expected a list of strings" in found
    assert "source: missing required field 'stated'" in found
    assert all("[broken.fields]" in line for line in problems(tmp_path))


def test_mistyped_measure_field_is_reported_by_kind(tmp_path):
    spec(tmp_path, """\
        - id: broken.measure
          kind: output_shape
          tier: static
          measure: {listings: [a.py], object: model, layer: [1, 2]}
          expected: "(None, 10)"
          source: {stated: "x", cite: [{from: book, quote: "q"}]}
        """)
    found = "\n".join(problems(tmp_path))
    assert "measure.layer: expected str or int" in found
    assert "expected: a shape" in found


def test_missing_listing_file(tmp_path):
    spec(tmp_path, """\
        - id: no.listing
          kind: param_count
          tier: static
          measure: {listings: [listings/nowhere.py], object: model}
          expected: 1
          source: {stated: "1", cite: [{from: book, quote: "q"}]}
        """)
    [msg] = problems(tmp_path)
    assert "[no.listing]" in msg and "file not found" in msg and "nowhere.py" in msg


def test_duplicate_ids(tmp_path):
    write_spec(tmp_path / "claims", "a.yaml", HEADER + good(tmp_path))
    write_spec(tmp_path / "claims", "b.yaml", HEADER + good(tmp_path))
    first, second = problems(tmp_path)  # both places are named, and neither claim runs
    assert "a.yaml:6: [good.total] duplicate id 'good.total': also defined at" in first and "b.yaml:6" in first
    assert "b.yaml:6: [good.total] duplicate id 'good.total': also defined at" in second and "a.yaml:6" in second


def test_validate_command_exits_nonzero_and_lists_every_problem(tmp_path, capsys):
    from claimcheck.runners.cli import main

    spec(tmp_path, UNKNOWN_KIND)
    write_spec(tmp_path / "claims", "bad.yaml", "claims: [\n")
    assert main(["validate", "--claims", str(tmp_path / "claims")]) == 1
    out = capsys.readouterr().out
    assert "odd.kind" in out and "bad.yaml" in out


def test_validate_passes_on_the_real_claims(capsys):
    from claimcheck.runners.cli import main

    from helpers import CLAIMS

    assert main(["validate", "--claims", str(CLAIMS)]) == 0


def test_verify_runs_every_other_claim_and_reports_broken_ones_as_errors(tmp_path):
    """All the bad inputs in one tree: each is an error naming file and claim; the good claim passes."""
    lst = listing_path(tmp_path)
    write_spec(tmp_path / "claims/listings", "raises.py", "import keras\nraise RuntimeError('book bug')\n")
    write_spec(tmp_path / "claims", "bad.yaml", HEADER + "  - id: [unclosed\n")
    spec(tmp_path, f"""\
- id: bad.kind
  kind: flux_capacity
  tier: static
  measure: {{}}
  expected: 1
  source: {{stated: "1", cite: [{{from: book, quote: "q"}}]}}
- id: bad.layer
  kind: output_shape
  tier: static
  measure: {{listings: [{lst}], object: model, layer: conv9}}
  expected: [null, 1]
  source: {{stated: "1", cite: [{{from: book, quote: "q"}}]}}
- id: bad.object
  kind: output_shape
  tier: static
  measure: {{listings: [{lst}], object: modell}}
  expected: [null, 1]
  source: {{stated: "1", cite: [{{from: book, quote: "q"}}]}}
- id: bad.raises
  kind: param_count
  tier: static
  measure: {{listings: [listings/raises.py], object: model}}
  expected: 1
  source: {{stated: "1", cite: [{{from: book, quote: "q"}}]}}
- id: bad.missing-listing
  kind: param_count
  tier: static
  measure: {{listings: [listings/gone.py], object: model}}
  expected: 1
  source: {{stated: "1", cite: [{{from: book, quote: "q"}}]}}
- id: good.total
  kind: param_count
  tier: static
  measure: {{listings: [{lst}], object: model}}
  expected: 104202
  source: {{stated: "104,202", cite: [{{from: book, quote: "Total params: 104,202"}}]}}
""")
    out = tmp_path / "out"
    write_spec(tmp_path / "claims", "t.yaml", HEADER + good(tmp_path))  # a duplicate of good.total
    from helpers import verify

    code, _ = verify(claims=tmp_path / "claims", out=out, tier="static", no_history=True, cache_dir=tmp_path / "c")
    assert code == 1
    records = json.loads((out / "results.json").read_text())["results"]
    statuses = {}
    for r in records:
        statuses.setdefault(r["id"], []).append(r["status"])
    assert statuses["good.total"] == ["error", "error"]  # defined twice: which one was meant is the author's call
    for claim_id in ("bad.kind", "bad.layer", "bad.object", "bad.raises", "bad.missing-listing"):
        assert statuses[claim_id] == ["error"], claim_id
    file_errors = [i for i in statuses if i.startswith("file:")]
    assert len(file_errors) == 1 and file_errors[0].endswith("bad.yaml")

    reasons = {r["id"]: r for r in records}
    assert "layer 'conv9' is not in 'model'" in reasons["bad.layer"]["reason"]
    assert "s.yaml" in reasons["bad.layer"]["reason"]
    assert "define no 'modell'" in reasons["bad.object"]["reason"]
    assert "RuntimeError: book bug" in reasons["bad.raises"]["reason"]
    assert "raises.py" in reasons["bad.raises"]["traceback"]
    assert "file not found" in reasons["bad.missing-listing"]["reason"]
    assert "unknown kind" in reasons["bad.kind"]["reason"]

    html = (out / "report.html").read_text()
    for claim_id in ("bad.kind", "bad.layer", "bad.raises"):
        assert f'data-claim-id="{claim_id}" data-status="error"' in html


def test_spec_text_is_never_evaluated(tmp_path):
    spec(tmp_path, f"""\
        - id: evil.value
          kind: listing_value
          tier: static
          measure: {{listings: [{listing_path(tmp_path)}], value: "__import__('os').getcwd()"}}
          expected: 1
          source: {{stated: "1", cite: [{{from: book, quote: "q"}}]}}
        """)
    [msg] = problems(tmp_path)
    assert "[evil.value]" in msg and "not a path" in msg and "!function" in msg


def test_a_named_check_that_is_not_there(tmp_path):
    spec(tmp_path, f"""\
        - id: no.check
          kind: listing_value
          tier: static
          measure: {{listings: [{listing_path(tmp_path)}], value: !function checks.nothing}}
          expected: 1
          source: {{stated: "1", cite: [{{from: book, quote: "q"}}]}}
        """)
    [msg] = problems(tmp_path)
    assert "[no.check]" in msg and "checks.py" in msg and "not found" in msg


def test_variants_name_known_stacks_and_say_why(tmp_path):
    spec(tmp_path, f"""\
        - id: odd.variant
          kind: output_shape
          tier: static
          measure: {{listings: [{listing_path(tmp_path)}], object: model, layer: input_layer}}
          expected: [null, 28, 28, 1]
          variants:
            keras9: {{measure: {{layer: input_1}}, why: "x"}}
            keras2: {{measure: {{layer: input_1}}}}
            keras3-tensorflow: {{known_erratum: "x", why: "a whole stack, as engine/stack.py names a run first"}}
            keras3-tf: {{known_erratum: "x", why: "y"}}
          source: {{stated: "1", cite: [{{from: book, quote: "q"}}]}}
        """)
    found = "\n".join(problems(tmp_path))
    assert "unknown stack 'keras9'" in found and "variants.keras2: a mapping with 'why'" in found
    assert "unknown stack 'keras3-tf'" in found and "unknown stack 'keras3-tensorflow'" not in found

