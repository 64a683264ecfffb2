"""Many hosts: shards of one run, merged, give the verdicts of the unsharded run."""
import shlex

import pytest
import yaml

from claimcheck.runners.cli import main, parser
from claimcheck.runners.engine import shards
from claimcheck.runners.engine.usage import UsageError

from helpers import LISTINGS, NOISY, ROOT, results_of, verify

REFS = {"references": {"a": {"seeds": [0, 1, 2, 3], "values": [0.9905, 0.9912, 0.9909, 0.9915]},
                       "b": {"seeds": [0, 1, 2, 3], "values": [0.9794, 0.9817, 0.9765, 0.9800]}}}


def tree(tmp_path):
    claims = tmp_path / "claims"
    claims.mkdir()
    (claims / "a.py").write_text(NOISY.format(mean=0.991, sd=0.0005))
    (claims / "b.py").write_text("import numpy as np\nnp.random.normal()\nacc = 0.979 + float(np.random.normal(0, 0.002))\n")
    (claims / "references.yaml").write_text(yaml.safe_dump(REFS))
    (claims / "listing_8_1.py").write_text((LISTINGS / "listing_8_1.py").read_text())
    cite = {"stated": "x", "cite": [{"from": "derived", "quote": "q"}]}
    specs = [{"id": f"s.params.{layer}", "kind": "param_count", "tier": "static", "source": cite, "expected": n,
              "measure": {"listings": ["listing_8_1.py"], "object": "model", "layer": layer}}
             for layer, n in (("conv2d", 320), ("conv2d_1", 18496), ("conv2d_2", 73856), ("dense", 11530))]
    specs += [{"id": f"s.metric.{side}", "kind": "metric", "tier": "cpu", "source": cite, "reference": side,
               "expected": stated, "measure": {"listings": [f"{side}.py"], "value": "acc", "seeds": {"cpu": 4}}}
              for side, stated in (("a", "0.991"), ("b", "0.975"))]
    specs.append({"id": "s.gap", "kind": "comparison", "tier": "cpu", "source": cite,
                  "expected": {"a": "99.1%", "b": "97.8%"}, "reference": {"a": "a", "b": "b"},
                  "measure": {"a": {"listings": ["a.py"], "value": "acc"}, "b": {"listings": ["b.py"], "value": "acc"},
                              "statistic": "difference", "seeds": {"cpu": 4}}})
    (claims / "s.yaml").write_text(yaml.safe_dump({"book": "t", "chapter": 8, "section": "8.1", "title": "t",
                                                   "claims": specs}))
    return claims


def test_shards_merged_give_the_verdicts_of_one_run(tmp_path):
    claims = tree(tmp_path)
    code, whole = verify(claims=claims, out=tmp_path / "whole", cache_dir=tmp_path / "c0", no_history=True)
    outs = []
    for i in (1, 2):  # each shard on its own "host": its own cache
        out = tmp_path / f"shard{i}"
        verify(claims=claims, out=out, cache_dir=tmp_path / f"c{i}", shard=(i, 2))
        outs.append(out)
    mine = [set(results_of(o)) for o in outs]
    assert not mine[0] & mine[1] and mine[0] and mine[1]  # the static claims are split
    assert all(len(list((o / "runs").glob("*.json"))) >= 2 for o in outs)  # and the training runs
    assert main(["merge", *map(str, outs), "--claims", str(claims), "--out", str(tmp_path / "merged"),
                 "--history", str(tmp_path / "history"), "-q"]) == code
    merged = results_of(tmp_path / "merged")
    assert {i: r["status"] for i, r in merged.items()} == {i: r["status"] for i, r in whole.items()}
    assert {i: r["observed"] for i, r in merged.items()} == {i: r["observed"] for i, r in whole.items()}
    assert len(list((tmp_path / "history").glob("*.json"))) == 1  # one history run for the whole


def _jobs(environment: str, device_cost: float):
    """The same planned runs as two hosts key them: keys and device costs differ, claims and seeds not."""
    from claimcheck.runners.claim.listings import Program
    from claimcheck.runners.engine.jobs import Job

    program = Program(("a.py",))
    declared = {"c.big": 100, "c.mid": 90, "c.small": 10}
    return [Job(program, seed, (), (), key=f"{environment}-{claim}-{seed}", label=claim,
                cost_s=device_cost * cost, share_s=cost)
            for claim, cost in declared.items() for seed in range(3)]


def test_the_split_is_deterministic_and_balanced_by_declared_cost():
    jobs = _jobs("cpu-host", 1.0)
    split = shards.split_jobs(jobs, 2)
    assert shards.split_jobs(list(reversed(jobs)), 2) == split
    assert sorted(sum(j.share_s for j in part) for part in split) == [300, 300]


def test_two_hosts_with_different_environments_split_alike_and_cover_every_run_once():
    """Keys name the host's environment and the device cost differs; the split reads neither."""
    count = 3
    a = shards.split_jobs(_jobs("host-a", 1.0), count)
    b = shards.split_jobs(_jobs("host-b", 0.07), count)
    names = [[(j.label, j.seed) for j in part] for part in a]
    assert names == [[(j.label, j.seed) for j in part] for part in b]
    # shard i of N on host a, on host b, ...: together every run exactly once
    taken = [run for i in range(count) for run in [(j.label, j.seed) for j in (a if i % 2 else b)[i]]]
    assert sorted(taken) == sorted((j.label, j.seed) for j in _jobs("x", 1.0))


def test_the_shard_can_come_from_the_job_engine():
    assert shards.resolve_index(("auto", 4), {"SLURM_ARRAY_TASK_ID": "3"}) == (4, 4)
    assert shards.resolve_index(("auto", 4), {"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1"}) == (3, 4)
    assert shards.resolve_index(("auto", 4), {"JOB_COMPLETION_INDEX": "0"}) == (1, 4)
    with pytest.raises(UsageError, match="none of SLURM_ARRAY_TASK_ID"):
        shards.resolve_index(("auto", 4), {})


def test_a_missing_shard_is_a_usage_error(tmp_path, capsys):
    claims = tree(tmp_path)
    verify(claims=claims, out=tmp_path / "one", cache_dir=tmp_path / "c1", shard=(1, 2))
    assert main(["merge", str(tmp_path / "one"), "--claims", str(claims), "--out", str(tmp_path / "m")]) == 2
    assert "every shard 1..N" in capsys.readouterr().err


def test_the_example_workflow_shards_then_merges_with_a_cache_keyed_by_the_listings():
    flow = yaml.safe_load((ROOT / "docs/examples/nightly-shards.yml").read_text())
    verify_job, merge_job = flow["jobs"]["verify"], flow["jobs"]["merge"]
    count = len(verify_job["strategy"]["matrix"]["shard"])
    assert merge_job["needs"] == "verify"
    cache = next(s for s in verify_job["steps"] if s.get("uses", "").startswith("actions/cache"))
    assert "hashFiles('claims/**/listings/*.py'" in cache["with"]["key"]
    commands = [s["run"] for job in (verify_job, merge_job) for s in job["steps"] if "claimcheck" in s.get("run", "")]
    assert len(commands) == 2
    for i in range(1, count + 1):  # every shard's command is one the CLI takes
        args = parser().parse_args(shlex.split(commands[0].replace("${{ matrix.shard }}", str(i)))[1:])
        assert args.command == "verify" and args.shard == f"{i}/{count}"
    merge_args = parser().parse_args(shlex.split(commands[1])[1:])
    assert merge_args.command == "merge" and len(merge_args.dirs) == count
