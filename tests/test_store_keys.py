"""Stores sealed with a key: a record is trusted only when its MAC matches its own store's key.

Every store here is a real one in tmp_path (never the user's .cache): the training cache, a run's
--out folder, a shard's runs/, the history store; the forger knows every path and the old scheme
(a plain SHA-256 anyone can recompute), but not a key.
"""
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from claimcheck.runners.claim.listings import Program
from claimcheck.runners.claim.verdict import Result, Status
from claimcheck.runners.cli import main
from claimcheck.runners.engine.executor import Executor
from claimcheck.runners.stores import history, keys, seal
from claimcheck.runners.stores import results as results_file
from claimcheck.runners.stores.cache import RunCache

from helpers import CLAIMS, NOISY, ROOT, cli, set_expected, settings, verify, write

RECORD = {"key": "k" * 24, "seed": 3, "values": {"acc": 0.99}, "errors": {}, "seconds": 0.1, "key_parts": {}}


def plain_digest(doc: dict) -> dict:
    """``doc`` as the forger reseals it: the old scheme's unkeyed SHA-256, recomputed."""
    body = {k: v for k, v in doc.items() if k not in (seal.FIELD, seal.OLD_FIELD)}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {**body, seal.OLD_FIELD: hashlib.sha256(text.encode("utf-8")).hexdigest()}


def key_texts(*folders) -> list[str]:
    """Every key of these stores, as its file writes it and as bytes would print."""
    found = []
    for folder in folders:
        path = keys.path_of(Path(folder))
        if path.is_file():
            text = path.read_text().strip()
            found += [text, text.upper(), repr(bytes.fromhex(text))[2:-1]]
    return found


def assert_no_key(texts, *folders):
    shown = "\n".join(texts)
    for key in key_texts(*folders):
        assert key not in shown


# -- the key -------------------------------------------------------------------------------------------

def test_a_stores_key_is_made_once_mode_0600_and_never_by_a_reader(tmp_path):
    store = tmp_path / "store"
    with pytest.raises(keys.NoKey, match="has no key in"):
        keys.store_key(store, create=False)
    assert not store.exists()  # a reader makes nothing
    old = os.umask(0)  # whatever the umask, the key is the owner's only
    try:
        key = keys.store_key(store, create=True)
    finally:
        os.umask(old)
    path = keys.path_of(store)
    assert not path.is_relative_to(store) and not (store / keys.NAME).exists()  # never in the store (issue 36)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key) == keys.SIZE
    assert stat.S_IMODE(keys.key_home().stat().st_mode) == 0o700
    assert path.read_text() == key.hex() + "\n"
    assert keys.store_key(store, create=True) == key == keys.store_key(store, create=False)
    assert keys.store_key(tmp_path / "other", create=True) != key  # a key per store


SCRIPT = """
import hashlib, sys, time
from pathlib import Path
from claimcheck.runners.stores import keys
start = float(sys.argv[2])
while time.time() < start:
    time.sleep(0.001)
print(hashlib.sha256(keys.store_key(Path(sys.argv[1]), create=True)).hexdigest(), flush=True)
"""


def test_processes_starting_at_once_end_with_one_key(tmp_path):
    store = tmp_path / "store"
    start = time.time() + 4  # every process imported and waiting: they race for the key
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT, str(store), str(start)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(6)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
    seen = {out.strip() for out, _ in outs}
    assert seen == {hashlib.sha256(keys.store_key(store, create=False)).hexdigest()}
    assert not store.exists() or not any(store.iterdir())  # nothing of the key in the store
    key = keys.path_of(store)
    assert sorted(p.name for p in key.parent.iterdir() if key.name in p.name) == [f".{key.name}.lock", key.name]


def test_a_key_file_that_is_a_link_or_no_key_is_refused_without_showing_it(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    elsewhere = tmp_path / "planted"
    elsewhere.write_text("ab" * 32 + "\n")
    keys.ensure_home()
    keys.path_of(store).symlink_to(elsewhere)  # a key someone else knows
    with pytest.raises(keys.KeyProblem, match="a link"):
        keys.store_key(store, create=True)
    bad = tmp_path / "bad.key"
    bad.write_text("hunter2-not-a-key\n")
    with pytest.raises(keys.KeyProblem, match="holds no key") as caught:
        keys.store_key(store, create=True, key_file=bad)
    assert "hunter2" not in str(caught.value)


def test_verify_with_a_key_file_that_holds_no_key_exits_2_naming_it(tmp_path):
    bad = tmp_path / "bad.key"
    bad.write_text("hunter2-not-a-key\n")
    done = cli("verify", "--tier", "static", "--claims", CLAIMS / "dlwp2/ch02", "--out", tmp_path / "out",
               "--no-history", "--cache-dir", tmp_path / "cache", "--key-file", bad)
    assert done.returncode == 2 and f"{bad} holds no key" in done.stderr
    assert "hunter2" not in done.stdout + done.stderr


# -- the cache -------------------------------------------------------------------------------------------

def test_a_cache_record_rewritten_with_a_recomputed_plain_digest_is_no_record(tmp_path):
    cache = RunCache(tmp_path / "cache")
    path = cache.write(RECORD)
    assert cache.read(RECORD["key"])["values"] == {"acc": 0.99}
    path.write_text(json.dumps(plain_digest({**json.loads(path.read_text()), "values": {"acc": 0.5}})))
    assert cache.read(RECORD["key"]) is None
    assert cache.problem(RECORD["key"]).startswith(f"{path}: sealed with a plain digest")
    doc = json.loads(path.read_text())
    path.write_text(json.dumps({**doc, "mac": "0" * 64}))  # a MAC made up
    assert "its MAC does not match" in cache.problem(RECORD["key"])
    path.write_text(json.dumps({**doc, "mac": ["not", "text"]}))
    assert "its MAC does not match" in cache.problem(RECORD["key"])  # never a crash


def test_a_cache_record_sealed_with_another_stores_key_is_refused(tmp_path):
    mine, other = RunCache(tmp_path / "mine"), RunCache(tmp_path / "other")
    mine.write(RECORD)
    forged = other.write({**RECORD, "values": {"acc": 0.5}})  # a whole, well-sealed record: of another store
    shutil.copy(forged, mine.path(RECORD["key"]))
    assert mine.read(RECORD["key"]) is None and "another store's key" in mine.problem(RECORD["key"])


def test_a_forged_record_is_trained_again(tmp_path):
    program = Program((write(tmp_path / "claims", "noisy.py", NOISY.format(mean=0.99, sd=0.001)),))

    def record(**values):
        ex = Executor(settings(cache_dir=tmp_path / "cache", **values))
        try:
            job = ex.job(program, 3, (), ["acc"])
            return ex.is_cached(job), ex.record(job), ex.trained
        finally:
            ex.close()

    _, first, _ = record()
    [path] = (tmp_path / "cache/runs").glob("*.json")
    path.write_text(json.dumps(plain_digest({**json.loads(path.read_text()), "values": {"acc": 0.5}})))
    cached, again, trained = record()
    assert not cached and trained == 1 and again["values"]["acc"] == first["values"]["acc"] != 0.5
    assert record()[0]  # its new record is trusted


# -- results.json and errata ---------------------------------------------------------------------------------

def results_json(out: Path, key_file=None) -> Path:
    failed = Result(id="c.one", kind="metric", status=Status.FAILED, expected="0.5", observed=0.9, reason="off")
    return results_file.write([failed], {"run_id": "r", "environment": {}}, out / "results.json", key_file)


def errata(path, tmp_path, *extra, env=None):
    return cli("errata", "--results", path, "--claims", CLAIMS / "dlwp2/ch02", "--out", tmp_path / "e.md", *extra,
               env=env)


def test_errata_refuses_an_edited_results_json_naming_it(tmp_path):
    path = results_json(tmp_path / "out")
    good = errata(path, tmp_path)
    assert good.returncode == 0, good.stderr
    doc = json.loads(path.read_text())
    doc["results"][0]["status"] = "passed"
    path.write_text(json.dumps(doc))
    edited = errata(path, tmp_path)
    assert edited.returncode == 2 and f"refused {path}: its MAC does not match" in edited.stderr
    path.write_text(json.dumps(plain_digest(doc)))
    resealed = errata(path, tmp_path)
    assert resealed.returncode == 2 and f"refused {path}: sealed with a plain digest" in resealed.stderr
    assert_no_key([good.stdout, good.stderr, edited.stderr, resealed.stderr, (tmp_path / "e.md").read_text()],
                  tmp_path / "out")


def test_a_results_json_away_from_its_key_is_read_with_the_key_given(tmp_path):
    path = results_json(tmp_path / "out")
    away = tmp_path / "copied" / "results.json"
    away.parent.mkdir()
    shutil.copy(path, away)
    moved = errata(away, tmp_path)
    assert moved.returncode == 2 and f"refused {away}: {away.parent} has no key in" in moved.stderr
    given = errata(away, tmp_path, "--key-file", keys.path_of(tmp_path / "out"))
    assert given.returncode == 0, given.stderr
    assert errata(away, tmp_path, env={"CLAIMCHECK_KEY_FILE": str(keys.path_of(tmp_path / "out"))}).returncode == 0


# -- history and the nightly rule ----------------------------------------------------------------------------

SUBSET = "dlwp2.ch08.nopool."
TARGET = "dlwp2.ch08.nopool.params.total"


def test_an_edited_history_run_is_refused_and_the_nightly_still_fails(claims_copy, tmp_path):
    """r0: the claim failed; r1: it passed; now it fails again, a new failure. Whoever edits r1 to say
    it failed there too (so that the failure is known) gets r1 refused, and the run still exits 1."""
    store = tmp_path / "store"
    record = {"id": TARGET, "kind": "param_count", "status": "failed", "environment": {}}
    history.append({"run_id": "r0", "started": "2026-12-01T00:00:00"}, [record], store)
    r1 = history.append({"run_id": "r1", "started": "2026-12-01T01:00:00"}, [{**record, "status": "passed"}], store)
    doc = json.loads(r1.read_text())
    doc["results"][0]["status"] = "failed"
    r1.write_text(json.dumps(plain_digest(doc)))
    shown = cli("history", "--store", store)
    assert f"refused {r1}: sealed with a plain digest" in shown.stderr and "1 runs in" in shown.stdout

    set_expected(claims_copy, "dlwp2/ch08/8.1.2-no-max-pooling.yaml", {TARGET: 1})
    out = tmp_path / "out"
    nightly = cli("verify", "--claims", claims_copy, "--history", store, "--out", out, "--tier", "static",
                  "-k", SUBSET, "-q", "--new-failures-only", "--cache-dir", tmp_path / "cache")
    assert nightly.returncode == 1, nightly.stderr[-2000:]
    assert f"the history store's {r1} is refused" in nightly.stderr
    assert "every failure counts" in nightly.stderr
    texts = [nightly.stdout, nightly.stderr, shown.stdout, shown.stderr]
    texts += [(out / name).read_text() for name in ("results.json", "report.html", "errata.md")]
    assert_no_key(texts, store, out, tmp_path / "cache")


def test_a_history_run_copied_or_renamed_is_refused(tmp_path):
    store = tmp_path / "store"
    run = history.append({"run_id": "r1", "started": "t"}, [{"id": "c", "kind": "metric", "status": "failed"}], store)
    copy = store / "20991231T000000000000Z-00000000.json"
    shutil.copy(run, copy)  # a valid old run, replayed as the newest
    [(name, why)] = history.refused(history.table(store))
    assert name == copy.name and "renamed" in why
    other = tmp_path / "other"
    history.append({"run_id": "r2", "started": "t"}, [{"id": "c", "kind": "metric", "status": "passed"}], other)
    assert [name for name, _ in history.refused(history.table(other, key_file=keys.path_of(store)))]


# -- merge: what a shard's runs/ may hold -------------------------------------------------------------------

REFS = {"references": {"r": {"seeds": [0, 1, 2, 3], "values": [0.9905, 0.9912, 0.9909, 0.9915]}}}


def shard_outputs(base: Path, key_file=None) -> Path:
    """Two shards' --out folders (base/s1, base/s2) of one run of one metric claim over 4 seeds."""
    claims = base / "claims"
    write(claims, "references.yaml", yaml.safe_dump(REFS))
    write(claims, "good.py", NOISY.format(mean=0.991, sd=0.0005))
    cite = {"stated": "x", "cite": [{"from": "derived", "quote": "q"}]}
    spec = {"id": "s.good", "kind": "metric", "tier": "cpu", "source": cite, "reference": "r", "expected": "0.991",
            "measure": {"listings": ["good.py"], "value": "acc", "seeds": {"cpu": 4}}}
    write(claims, "s.yaml", yaml.safe_dump({"book": "t", "chapter": 8, "section": "8.1", "title": "t",
                                             "claims": [spec]}))
    for i in (1, 2):
        verify(claims=claims, out=base / f"s{i}", cache_dir=base / f"c{i}", shard=(i, 2), no_history=True,
               key_file=key_file)
    return claims


@pytest.fixture(scope="module")
def shards_once(tmp_path_factory):
    base = tmp_path_factory.mktemp("shards")
    return base, shard_outputs(base)


@pytest.fixture(scope="module")
def shards_with_a_key(tmp_path_factory):
    base = tmp_path_factory.mktemp("keyed-shards")
    (base / "shared.key").write_text(os.urandom(32).hex() + "\n")
    return base, shard_outputs(base, key_file=base / "shared.key")


def copied(shards, tmp_path) -> Path:
    base, claims = shards
    for name in ("s1", "s2"):
        shutil.copytree(base / name, tmp_path / name)
        if keys.path_of(base / name).is_file():  # a store moved: its key moves with it (keys live apart)
            shutil.copy2(keys.path_of(base / name), keys.path_of(tmp_path / name))
    return claims


def merge(tmp_path, claims, capsys, *extra):
    code = main(["merge", str(tmp_path / "s1"), str(tmp_path / "s2"), "--claims", str(claims),
                 "--out", str(tmp_path / "m"), "--no-history", *map(str, extra)])
    captured = capsys.readouterr()
    return code, captured.err, captured.out


def records(folder: Path) -> list[Path]:
    return sorted((folder / "runs").glob("*.json"))


def test_the_shards_records_merge(shards_once, tmp_path, capsys):
    claims = copied(shards_once, tmp_path)
    assert len(records(tmp_path / "s1")) == len(records(tmp_path / "s2")) == 2  # each its own share
    code, err, out = merge(tmp_path, claims, capsys)
    assert code == 0, err
    assert_no_key([err, out, (tmp_path / "m/results.json").read_text(), (tmp_path / "m/report.html").read_text()],
                  tmp_path / "s1", tmp_path / "s2", tmp_path / "m")


def _wrong_name(tmp_path):
    path = tmp_path / "s1/runs" / ("0" * 24 + ".json")
    shutil.copy(records(tmp_path / "s1")[0], path)
    return path, "not the name its shard gives it"


def _edited(tmp_path):
    path = records(tmp_path / "s2")[0]
    doc = json.loads(path.read_text())
    path.write_text(json.dumps({**doc, "values": {k: 0.5 for k in doc["values"]}}))
    return path, "its MAC does not match"


def _plain_digest(tmp_path):
    path = records(tmp_path / "s2")[0]
    doc = json.loads(path.read_text())
    path.write_text(json.dumps(plain_digest({**doc, "values": {k: 0.5 for k in doc["values"]}})))
    return path, "sealed with a plain digest"


def _other_shards(tmp_path):
    source = records(tmp_path / "s1")[0]
    path = tmp_path / "s2/runs" / source.name
    shutil.copy(source, path)  # well sealed, with shard 1's key
    return path, "its MAC does not match"


def _a_cache_record(tmp_path):
    cache = RunCache(tmp_path / "cache")
    record = json.loads(records(tmp_path / "s1")[0].read_text())
    written = cache.write({k: v for k, v in record.items() if k not in ("mac", "shard", "run_id")})
    path = tmp_path / "s1/runs" / written.name
    shutil.copy(written, path)  # a whole record of a claimcheck cache: not this shard's
    return path, "its MAC does not match"


@pytest.mark.parametrize("plant", [_wrong_name, _edited, _plain_digest, _other_shards, _a_cache_record])
def test_merge_refuses_a_run_file_put_into_runs_naming_it(plant, shards_once, tmp_path, capsys):
    claims = copied(shards_once, tmp_path)
    path, why = plant(tmp_path)
    code, err, _ = merge(tmp_path, claims, capsys)
    assert code == 2 and f"claimcheck merge: refused {path}: {why}" in err, err
    assert not (tmp_path / "m/results.json").exists()


def reseal(path: Path, doc: dict, key_file: Path) -> None:
    """What only a holder of the key could write."""
    key = keys.store_key(path.parent, create=False, key_file=key_file)
    path.write_text(json.dumps(seal.sealed(doc, key, seal.SHARD_RUN)))


def _copied_across(tmp_path, key_file):
    source = records(tmp_path / "s1")[0]
    path = tmp_path / "s2/runs" / source.name
    shutil.copy(source, path)  # its MAC matches (one key), but shard 2 did not write it
    return path, "written by shard [1, 2] of run"


def _moved_and_rebound(tmp_path, key_file):
    source = records(tmp_path / "s1")[0]
    doc = json.loads(source.read_text())
    run = json.loads((tmp_path / "s2/results.json").read_text())["run"]
    path = tmp_path / "s2/runs" / source.name
    reseal(path, {**doc, "shard": run["shard"], "run_id": run["run_id"]}, key_file)
    source.unlink()
    return path, "a run of shard 1's share, not of shard 2's"


def _another_run(tmp_path, key_file):
    path = records(tmp_path / "s2")[0]
    doc = json.loads(path.read_text())
    reseal(path, {**doc, "run_id": "0" * 32}, key_file)
    return path, f"of run {'0' * 32}, not by this folder's shard [2, 2]"


def _no_claims_run(tmp_path, key_file):
    doc = json.loads(records(tmp_path / "s2")[0].read_text())
    doc = {**doc, "key": "f" * 24, "key_parts": {**doc["key_parts"], "seed": 99}}
    path = tmp_path / "s2/runs" / f"{'f' * 24}.json"
    reseal(path, doc, key_file)
    return path, "the run of no pending claim of this merge"


@pytest.mark.parametrize("plant", [_copied_across, _moved_and_rebound, _another_run, _no_claims_run])
def test_with_one_key_for_every_shard_merge_still_takes_only_each_shards_own_runs(plant, shards_with_a_key,
                                                                                   tmp_path, capsys):
    claims = copied(shards_with_a_key, tmp_path)
    key_file = shards_with_a_key[0] / "shared.key"
    assert not keys.path_of(tmp_path / "s1").exists()  # the key given: no store keeps one
    code, err, _ = merge(tmp_path, claims, capsys, "--key-file", key_file)
    assert code == 0, err
    path, why = plant(tmp_path, key_file)
    code, err, _ = merge(tmp_path, claims, capsys, "--key-file", key_file)
    assert code == 2 and f"claimcheck merge: refused {path}: " in err and why in err, err


def test_merge_without_the_key_refuses_the_shards_naming_the_file(shards_with_a_key, tmp_path, capsys):
    claims = copied(shards_with_a_key, tmp_path)
    code, err, _ = merge(tmp_path, claims, capsys)
    assert code == 2 and f"refused {tmp_path / 's1/results.json'}: {tmp_path / 's1'} has no key in" in err


# -- issue 36, item 1: a checkout cannot ship its own store keys -------------------------------------

def test_a_key_committed_into_a_stores_folder_seals_nothing_this_claimcheck_trusts(tmp_path):
    """A pull request commits .cache/claimcheck/key and a record sealed with it, for a false value: the
    record is refused (the run trains), and the key file in the folder is never read."""
    program = Program((write(tmp_path / "claims", "noisy.py", NOISY.format(mean=0.99, sd=0.001)),))
    cache = tmp_path / "checkout" / ".cache" / "claimcheck"
    planted_key = os.urandom(32)
    (cache / "runs").mkdir(parents=True)
    (cache / keys.NAME).write_text(planted_key.hex() + "\n")  # shipped by the checkout
    ex = Executor(settings(cache_dir=cache))
    try:
        job = ex.job(program, 3, (), ["acc"])
        forged = {"key": job.key, "seed": 3, "values": {"acc": 0.5}, "errors": {}, "seconds": 0.1,
                  "key_parts": ex.keys.parts(program, 3, ())}
        ex.cache.path(job.key).write_text(json.dumps(seal.sealed(forged, planted_key, seal.CACHE_RECORD)))
        assert not ex.is_cached(job)
        assert ex.cache.problem(job.key)  # refused, with why
        assert ex.record(job)["values"]["acc"] != 0.5  # trained, not the planted value
    finally:
        ex.close()
    assert keys.store_key(cache, create=False) != planted_key


def test_a_key_file_inside_the_checkout_being_verified_is_refused(tmp_path):
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    shutil.copytree(CLAIMS / "dlwp2/ch02", checkout / "claims" / "ch02")
    (checkout / "ci.key").write_text(os.urandom(32).hex() + "\n")
    done = cli("verify", "--tier", "static", "--claims", checkout / "claims", "--out", tmp_path / "out",
               "--no-history", "--cache-dir", tmp_path / "cache", "--key-file", checkout / "ci.key")
    assert done.returncode == 2, done.stderr
    assert f"{checkout / 'ci.key'} lies inside the checkout being verified ({checkout})" in done.stderr
