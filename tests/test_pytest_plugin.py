"""The pytest plugin: opt-in collection, namespaced markers, outcomes that keep the verdict, one
session with `claimcheck verify` (same results), results written once under xdist."""
import json
import sys
import textwrap

import pytest

from helpers import LISTINGS, NOISY, cli, verify

REFERENCES = "references:\n  noisy: {values: [0.9905, 0.9912, 0.9909, 0.9915, 0.9903]}\n"
SPEC = textwrap.dedent("""\
    book: test
    chapter: 8
    section: "8.1"
    title: plugin
    defaults:
      source: {stated: "x", cite: [{from: book, quote: "q"}]}
    claims:
      - {id: t.pass, kind: param_count, tier: static, measure: {listings: [listing_8_1.py], object: model}, expected: 104202}
      - {id: t.fail, kind: param_count, tier: static, measure: {listings: [listing_8_1.py], object: model}, expected: 104203}
      - {id: t.error, kind: output_shape, tier: static, measure: {listings: [listing_8_1.py], object: model, layer: conv9}, expected: [null, 1]}
      - {id: t.skip, kind: param_count, tier: static, requires: [dogs_vs_cats], measure: {listings: [listing_8_1.py], object: model}, expected: 1}
      - {id: t.inconclusive, kind: metric, tier: cpu, reference: noisy, measure: {listings: [noisy.py], value: acc, seeds: {cpu: 4}}, expected: "0.9935"}
      - {id: t.erratum, kind: metric, tier: cpu, reference: noisy, known_erratum: a known typo, measure: {listings: [noisy.py], value: acc, seeds: {cpu: 4}}, expected: "0.90"}
    """)


@pytest.fixture
def project(pytester, monkeypatch):
    monkeypatch.delenv("CLAIMCHECK_DOGS_VS_CATS", raising=False)
    claims = pytester.mkdir("claims")
    (claims / "spec.yaml").write_text(SPEC)
    (claims / "references.yaml").write_text(REFERENCES)
    (claims / "noisy.py").write_text(NOISY.format(mean=0.991, sd=0.0005))
    (claims / "listing_8_1.py").write_text((LISTINGS / "listing_8_1.py").read_text())
    return pytester


def run(project, *args):
    return project.runpytest_subprocess("-p", "no:cacheprovider", *args)


def test_nothing_is_collected_unless_asked(project):
    result = run(project, "claims", "--collect-only", "-q")
    assert "no tests collected" in result.stdout.str() or "no tests ran" in result.stdout.str()


def test_claims_are_items_with_namespaced_markers(project):
    result = run(project, "--claimcheck", "claims", "--collect-only", "-q", "-m", "claimcheck_static")
    out = result.stdout.str()
    assert "t.pass" in out and "t.inconclusive" not in out and "4/6 tests collected" in out
    ini = project.makeini("[pytest]\nclaimcheck = true\n")
    assert ini.exists()
    assert "6 tests collected" in run(project, "claims", "--collect-only", "-q").stdout.str()


def test_outcomes_keep_the_verdict_and_agree_with_verify(project, tmp_path):
    out = project.path / "out"
    result = run(project, "--claimcheck", "claims", "--claimcheck-tier", "cpu", "--claimcheck-jobs", "0",
                 "--claimcheck-out", str(out), "-rA")
    outcomes = result.parseoutcomes()
    outcomes.pop("warnings", None)
    assert outcomes == {"passed": 1, "failed": 1, "errors": 1, "skipped": 1, "inconclusive": 1, "known_erratum": 1}
    assert result.ret == 1
    written = {r["id"]: r["status"] for r in json.loads((out / "results.json").read_text())["results"]}
    assert (out / "report.html").is_file() and (out / "errata.md").is_file()
    code, verdicts = verify(claims=project.path / "claims", out=tmp_path / "v", tier="cpu", no_history=True,
                            cache_dir=tmp_path / "cache")
    assert written == {i: r["status"] for i, r in verdicts.items()}
    assert set(written.values()) == {"passed", "failed", "error", "skipped", "inconclusive", "known-erratum"}


def test_fail_on_inconclusive(project):
    result = run(project, "--claimcheck", "claims", "--claimcheck-tier", "cpu", "--claimcheck-jobs", "0",
                 "-k", "inconclusive", "--claimcheck-fail-on", "inconclusive")
    assert result.parseoutcomes().get("failed") == 1 and result.ret == 1


def test_under_xdist_the_controller_writes_every_claim_once(project):
    out = project.path / "out"
    result = run(project, "--claimcheck", "claims", "--claimcheck-tier", "cpu", "--claimcheck-out", str(out),
                 "-n", "2", "--dist", "loadgroup")
    assert result.ret == 1
    records = json.loads((out / "results.json").read_text())["results"]
    assert sorted(r["id"] for r in records) == sorted(
        ["t.pass", "t.fail", "t.error", "t.skip", "t.inconclusive", "t.erratum"])


def test_a_foreign_project_with_its_own_runners_package_is_unaffected(pytester):
    """claimcheck installed is only `claimcheck.*`: a project's own `runners` package still imports."""
    pytester.mkpydir("runners")
    pytester.makepyfile(**{"runners/schema.py": "Field = 'the project’s own'\n"})
    pytester.makepyfile(test_own="from runners.schema import Field\n\ndef test_it():\n    assert Field\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_the_installed_package_has_no_top_level_runners(pytester):
    result = pytester.run(sys.executable, "-c", "import claimcheck.runners.cli, importlib.util; "
                                          "print(importlib.util.find_spec('runners'), importlib.util.find_spec('reports'))")
    assert result.outlines[-1] == "None None"


# -- the plugin is the CLI: the same usage checks, shard and jobs ---------------------------------------

def test_the_usage_checks_of_the_cli_end_the_run_before_any_claim(project):
    result = run(project, "--claimcheck", "claims", "--claimcheck-tier", "cpu", "--claimcheck-seeds", "1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--seeds 1: a verdict needs the spread of at least 2 seeds" in result.stderr.str()
    gpu = run(project, "--claimcheck", "claims", "--claimcheck-tier", "gpu")
    assert gpu.ret == pytest.ExitCode.USAGE_ERROR and "needs an accelerator" in gpu.stderr.str()


def test_a_shard_takes_its_share_and_leaves_the_rest_for_merge(project, tmp_path):
    outs = []
    for i in (1, 2):
        out = project.path / f"shard{i}"
        result = run(project, "--claimcheck", "claims", "--claimcheck-tier", "cpu", "--claimcheck-out", str(out),
                     "--claimcheck-shard", f"{i}/2", "--claimcheck-cache-dir", str(project.path / f"cache{i}"))
        assert result.ret in (0, 1), result.stdout.str()
        assert "deselected" in result.stdout.str()
        outs.append(out)
    pending = [set(json.loads((o / "results.json").read_text())["run"]["pending"]) for o in outs]
    assert pending[0] == pending[1] == {"t.inconclusive", "t.erratum"}  # the claims that read training runs
    decided = [{r["id"] for r in json.loads((o / "results.json").read_text())["results"]} for o in outs]
    assert not decided[0] & decided[1] and decided[0] | decided[1] == {"t.pass", "t.fail", "t.error", "t.skip"}
    runs = [{p.name for p in (o / "runs").glob("*.json")} for o in outs]
    assert not runs[0] & runs[1] and len(runs[0] | runs[1]) == 4  # 4 seeds of one program, each run once
    merged = project.path / "merged"
    done = cli("merge", *outs, "--claims", project.path / "claims", "--out", merged, "--no-history")
    assert done.returncode == 1, done.stderr
    assert {r["id"] for r in json.loads((merged / "results.json").read_text())["results"]} == {
        "t.pass", "t.fail", "t.error", "t.skip", "t.inconclusive", "t.erratum"}


def test_jobs_train_the_plan_in_parallel_worker_processes(project):
    """--claimcheck-jobs 2: the four planned runs go two at a time, each in a worker of its own."""
    listing = ("import os, time\nimport numpy as np\nstart = time.time()\ntime.sleep(2)\nend = time.time()\n"
               "pid = os.getpid()\nacc = 0.991 + float(np.random.normal(0, 0.0005))\n")
    (project.path / "claims/noisy.py").write_text(listing)
    spec = project.path / "claims/spec.yaml"
    spec.write_text(spec.read_text().replace("value: acc, seeds", "value: acc, seeds").replace(
        "{id: t.inconclusive, kind: metric, tier: cpu, reference: noisy, measure: {listings: [noisy.py], value: acc,",
        "{id: t.start, kind: metric, tier: cpu, reference: noisy, measure: {listings: [noisy.py], value: start, "
        "seeds: {cpu: 4}}, expected: \"1\"}\n  - {id: t.end, kind: metric, tier: cpu, reference: noisy, measure: "
        "{listings: [noisy.py], value: end, seeds: {cpu: 4}}, expected: \"1\"}\n  - {id: t.pid, kind: metric, tier: cpu, "
        "reference: noisy, measure: {listings: [noisy.py], value: pid, seeds: {cpu: 4}}, expected: \"1\"}\n"
        "  - {id: t.inconclusive, kind: metric, tier: cpu, reference: noisy, measure: {listings: [noisy.py], value: acc,"))
    cache = project.path / "cache"
    result = run(project, "--claimcheck", "claims", "--claimcheck-tier", "cpu", "--claimcheck-jobs", "2",
                 "--claimcheck-cache-dir", str(cache), "--claimcheck-out", str(project.path / "out"))
    assert result.ret in (0, 1), result.stdout.str()
    records = [json.loads(p.read_text()) for p in sorted(cache.glob("runs/*.json"))]
    assert len(records) == 4 and all(set(r["values"]) >= {"start", "end", "pid", "acc"} for r in records)
    assert len({r["process"] for r in records}) == 4  # a fresh process per run (pids repeat in pid namespaces)
    events = sorted([(r["values"]["start"], 1) for r in records] + [(r["values"]["end"], -1) for r in records])
    now = most = 0
    for _, step in events:
        now += step
        most = max(most, now)
    assert most == 2  # two at a time, as --claimcheck-jobs 2 says (serially: 1)
