"""`claimcheck reference` meets a careless author and a hostile listing: a clear usage error naming
what is wrong, never a traceback, never an entry recorded from a claim that is not valid, from seeds a
verdict uses, or forged by what the book's code writes."""
import pytest
import yaml

from helpers import cli, write

REFS = {"references": {"r": {"source": "pending", "command": "claimcheck reference ..."}}}
GOOD = "import numpy as np\nacc = 0.991 + float(np.random.normal(0, 0.0005))\n"
CITE = {"stated": "x", "cite": [{"from": "derived", "quote": "q"}]}


def metric(name: str, listing: str, seeds=None, **fields) -> dict:
    return {"id": f"s.{name}", "kind": "metric", "tier": "cpu", "source": CITE, "reference": "r",
            "expected": "0.991", "cost": {"cpu_s": 1},
            "measure": {"listings": [listing], "value": "acc", "seeds": seeds or {"cpu": 4}}, **fields}


def tree(tmp_path, listings: dict, specs: list[dict], name="s.yaml"):
    claims = tmp_path / "claims"
    write(claims, "references.yaml", yaml.safe_dump(REFS))
    for file, text in listings.items():
        write(claims, file, text)
    write(claims, name, yaml.safe_dump({"book": "t", "chapter": 8, "section": "8.1", "title": "t", "claims": specs}))
    return claims


def reference(tmp_path, claims, *args):
    return cli("reference", *args, "--claims", claims, "--cache-dir", tmp_path / "cache", "--jobs", "0", "-q")


@pytest.mark.parametrize("args, says", [
    (["s.good", "s.other", "--name", "a", "--name", "a"], "--name 'a' is given twice"),
    (["s.good", "s.good", "--name", "a", "--name", "b"], "claim 's.good' is given twice"),
    (["s.good", "--name", ""], "--name '' is empty"),
    (["s.good", "--name", "a\nevil: 1"], "holds a character that is not printable"),
    (["s.good", "--name", " a"], "begins or ends with a space"),
    (["s.good", "--name", "a", "--from-seed", str(2**32 - 1)], "the last seed is above 4294967295"),
    (["s.good", "--name", "a", "--runs", "1"], "at least 2 runs"),
])
def test_a_careless_command_line_is_a_usage_error_that_says_what(tmp_path, args, says):
    claims = tree(tmp_path, {"good.py": GOOD, "other.py": GOOD}, [metric("good", "good.py"), metric("other", "other.py")])
    done = reference(tmp_path, claims, *args)
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not done.stdout and not (tmp_path / "cache").exists()  # nothing ran


def test_a_claim_that_is_not_valid_is_refused_with_its_file_line_and_problems(tmp_path):
    claims = tree(tmp_path, {"good.py": GOOD, "bytes.py": "acc = 0.9  # caf\xe9\n"},
                  [metric("one", "good.py", seeds={"cpu": 1}), metric("twice", "good.py"), metric("twice", "good.py"),
                   metric("gone", "missing.py"), metric("bytes", "bytes.py")])
    (claims / "bytes.py").write_bytes(b"acc = 0.9  # caf\xe9\n")  # not UTF-8
    for claim, says in (("s.one", "measure.seeds.cpu: a whole number of at least"),
                        ("s.twice", "duplicate id 's.twice'"),
                        ("s.gone", "missing.py"),
                        ("s.bytes", "bytes.py")):
        done = reference(tmp_path, claims, claim, "--name", "a")
        assert done.returncode == 2, (claim, done.stdout, done.stderr)
        assert says in done.stderr and f"[{claim}]" in done.stderr and "s.yaml:" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and not done.stdout
    write(claims, "broken.yaml", "claims: [\n")  # a spec file that cannot be read is named where a claim is not found
    done = reference(tmp_path, claims, "s.elsewhere", "--name", "a")
    assert done.returncode == 2 and "no claim s.elsewhere" in done.stderr and "broken.yaml" in done.stderr, done.stderr


def test_a_reference_never_reuses_the_seeds_of_its_claims_verdicts(tmp_path):
    claims = tree(tmp_path, {"good.py": GOOD}, [metric("many", "good.py", seeds={"cpu": 5, "gpu": 150})])
    done = reference(tmp_path, claims, "s.many", "--name", "a", "--runs", "2")
    assert done.returncode == 2 and "verdicts use seeds 0..149" in done.stderr and "--from-seed 150" in done.stderr
    done = reference(tmp_path, claims, "s.many", "--name", "a", "--runs", "2", "--from-seed", "150")
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(done.stdout)["a"]["seeds"] == [150, 151]


@pytest.mark.parametrize("value, says", [("float('nan')", "is nan"), ("float('inf')", "is inf"),
                                         ("True", "'acc' is True, not a finite number")])
def test_a_value_that_is_not_a_finite_number_records_nothing_and_says_why(tmp_path, value, says):
    claims = tree(tmp_path, {"odd.py": f"acc = {value}\n"}, [metric("odd", "odd.py")])
    done = reference(tmp_path, claims, "s.odd", "--name", "a", "--runs", "2")
    assert done.returncode == 1 and "nothing recorded" in done.stderr and says in done.stderr, done.stderr
    assert not done.stdout


FORGE = ("import os\nos.write(1, b'r:\\n  source: recorded\\n  seeds: [0, 1]\\n  values: [0.5, 0.5]\\n')\n"
         "acc = 0.991\n")


@pytest.mark.parametrize("mode", [[], ["--jobs", "0"]], ids=["workers", "jobs-0"])
def test_what_a_program_writes_to_descriptor_1_never_reaches_the_reference_commands_output(tmp_path, mode):
    """The command's stdout is the YAML an author pastes: what a training run writes straight to
    descriptor 1 (in a worker's process, or in claimcheck's own with --jobs 0) goes to stderr."""
    claims = tree(tmp_path, {"forge.py": FORGE}, [metric("forge", "forge.py")])
    done = cli("reference", "s.forge", "--name", "a", "--runs", "2", "--claims", claims,
               "--cache-dir", tmp_path / "cache", "-q", *mode)
    assert done.returncode == 0, done.stderr
    assert list(yaml.safe_load(done.stdout)) == ["a"] and "seeds: [0, 1]" not in done.stdout, done.stdout
    assert done.stderr.count("values: [0.5, 0.5]") == 2  # both runs' writes, where a reader sees them


@pytest.mark.parametrize("mode", [[], ["--no-confine"]], ids=["confined", "unconfined"])
def test_what_a_static_program_writes_to_descriptor_1_never_reaches_verifys_output(tmp_path, mode):
    claims = tree(tmp_path, {"loud.py": FORGE + "x = [1]\n"},
                  [{"id": "s.loud", "kind": "listing_value", "tier": "static", "expected": [1], "source": CITE,
                    "measure": {"listings": ["loud.py"], "value": "x"}}])
    done = cli("verify", "--claims", claims, "--tier", "static", "--out", tmp_path / "out", "--no-history", *mode)
    assert done.returncode == 0, done.stderr
    assert "values: [0.5, 0.5]" not in done.stdout and "values: [0.5, 0.5]" in done.stderr, done.stdout
