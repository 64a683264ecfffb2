"""A verdict knows what it was measured on: complete, minimal cache keys; records that are checked,
never trusted; the same seed giving the same value; bounded waits and clean stops."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from claimcheck.runners.claim.listings import Program
from claimcheck.runners.claim.values import FunctionRef
from claimcheck.runners.engine import harness, training
from claimcheck.runners.engine.executor import Executor, RunFailed
from claimcheck.runners.environment import machine
from claimcheck.runners.resources import registry
from claimcheck.runners.stores import history, keys, seal

from helpers import MIRROR, needs_mirror, settings, terminal_job, verify, write


@pytest.fixture(autouse=True)
def fresh_harness_digest():
    """A test that edits the harness (a copy) leaves no digest of it behind."""
    harness.digest.cache_clear()
    yield
    harness.digest.cache_clear()


NOISY = "import numpy as np\nacc = 0.99 + float(np.random.normal(0, 0.001))\nloss = 0.03\n"


def executor_for(tmp_path, **values):
    return Executor(settings(cache_dir=tmp_path / "cache", data_dir=MIRROR, **values))


def trained(tmp_path, requires=("mnist",)):
    """A small listing's run, trained in this process and cached; its program."""
    program = Program((write(tmp_path / "claims", "noisy.py", NOISY),))
    ex = executor_for(tmp_path)
    try:
        ex.record(ex.job(program, 3, requires, ["acc"]))
    finally:
        ex.close()
    return program


def recorded(tmp_path, requires):
    """A run's record as the cache holds it, written without training (for the data it cannot read here)."""
    program = Program((write(tmp_path / "claims", "noisy.py", NOISY),))
    ex = executor_for(tmp_path)
    job = ex.job(program, 3, requires, ["acc"])
    ex.cache.write({"key": job.key, "seed": 3, "values": {"acc": 0.99}, "errors": {}, "seconds": 0.1,
                    "key_parts": ex.keys.parts(program, 3, requires)})
    ex.close()
    return program


def is_cached(tmp_path, program, requires=("mnist",), seed=3, wanted=("acc",)):
    """Whether a fresh session would reuse the cached run (False: it trains again)."""
    harness.digest.cache_clear()
    ex = executor_for(tmp_path)
    try:
        return ex.is_cached(ex.job(program, seed, requires, list(wanted)))
    finally:
        ex.close()


# -- 1. complete, minimal keys ---------------------------------------------------------------------

def _edit_listing(tmp_path, monkeypatch):
    (tmp_path / "claims/noisy.py").write_text(NOISY.replace("0.99", "0.98"))


def _keras_json(tmp_path, monkeypatch):
    home = tmp_path / "keras-home"
    write(home, "keras.json", json.dumps({"floatx": "float64"}))
    monkeypatch.setenv("KERAS_HOME", str(home))


def _module_edited(tmp_path, monkeypatch, module: str, edit) -> None:
    """The harness reads a copy of one of its modules, changed by ``edit`` (text -> text)."""
    real = harness.module_path

    def edited(name):
        if name != module:
            return real(name)
        copy = tmp_path / f"{module}-copy.py"
        text = real(name).read_text()
        copy.write_text(edit(text))
        assert copy.read_text() != text
        return copy
    monkeypatch.setattr(harness, "module_path", edited)


def _harness_edit(tmp_path, monkeypatch):
    """A copy of the harness with one measuring module edited (engine/training.py)."""
    _module_edited(tmp_path, monkeypatch, "engine.training", lambda text: text + "\n# seeding changed\n")


def _reworded_progress(tmp_path, monkeypatch):
    """A progress line reworded (engine/progress.py): how a run is shown, not what it measures."""
    _module_edited(tmp_path, monkeypatch, "engine.progress",
                   lambda text: text.replace(" epoch {self.epoch}: ", " epoch {self.epoch} done: "))


def _cpu(tmp_path, monkeypatch):
    cpu = machine.cpu()
    monkeypatch.setattr(machine, "cpu", lambda: {**cpu, "threads": cpu["threads"] + 6})


def _gpu(tmp_path, monkeypatch, **change):
    gpu = {"name": "NVIDIA H200", "models": ["NVIDIA H200"], "count": 1, "cuda": "12.3", "cudnn": "8.9",
           "driver": "550.54", **change}
    monkeypatch.setattr(machine, "gpus", lambda: gpu)


def _mnist_fingerprint(tmp_path, monkeypatch):
    monkeypatch.setitem(registry.REGISTRY, "mnist", registry.REGISTRY["mnist"].__class__(
        **{**registry.REGISTRY["mnist"].__dict__, "fingerprint": lambda s: "another-mnist"}))


def _dogs_fingerprint(tmp_path, monkeypatch):
    monkeypatch.setitem(registry.REGISTRY, "dogs_vs_cats", registry.REGISTRY["dogs_vs_cats"].__class__(
        **{**registry.REGISTRY["dogs_vs_cats"].__dict__, "fingerprint": lambda s: "other-images"}))


def _pillow(tmp_path, monkeypatch):
    real = registry._version
    monkeypatch.setattr(registry, "_version", lambda d: "0.0-other" if d == "pillow" else real(d))


def _framework(name):
    def change(tmp_path, monkeypatch):
        real = machine.frameworks
        monkeypatch.setattr(machine, "frameworks", lambda: {**real(), name: "9.9.9"})
    return change


def _describe(field):
    def change(tmp_path, monkeypatch):
        real = machine.describe()
        monkeypatch.setattr(machine, "describe", lambda: {**real, field: "0.0.0-other"})
    return change


def _env(name, value):
    def change(tmp_path, monkeypatch):
        monkeypatch.setenv(name, value)
    return change


def _unrelated_module(tmp_path, monkeypatch):
    """An edit to a module that neither executes nor measures (the planner, a report)."""
    planning = harness.module_path("engine.planning")
    assert "engine.planning" not in harness.MEASURING and planning.is_file()


CHANGES = {  # name: (change, requires of the run, a retrain expected)
    "the listing": (_edit_listing, ("mnist",), True),
    "the harness (engine/training.py)": (_harness_edit, ("mnist",), True),
    "Python": (_describe("python"), ("mnist",), True),
    "TensorFlow": (_describe("tensorflow"), ("mnist",), True),
    "Keras": (_describe("keras"), ("mnist",), True),
    "numpy": (_framework("numpy"), ("mnist",), True),
    "the CPU's threads": (_cpu, ("mnist",), True),
    "a GPU where there was none": (_gpu, ("mnist",), True),
    "XLA_FLAGS": (_env("XLA_FLAGS", "--xla_cpu_enable_fast_math=true"), ("mnist",), True),
    "ONEDNN_DEFAULT_FPMATH_MODE": (_env("ONEDNN_DEFAULT_FPMATH_MODE", "BF16"), ("mnist",), True),
    "the pinned instruction set (CLAIMCHECK_CPU_ISA)": (_env("CLAIMCHECK_CPU_ISA", "AVX2"), ("mnist",), True),
    "the pinned threads (CLAIMCHECK_THREADS)": (_env("CLAIMCHECK_THREADS", "1"), ("mnist",), True),
    "keras.json": (_keras_json, ("mnist",), True),
    "the MNIST files": (_mnist_fingerprint, ("mnist",), True),
    "the images, for a run that reads them": (_dogs_fingerprint, ("dogs_vs_cats",), True),
    "Pillow, for a run that reads JPEGs": (_pillow, ("dogs_vs_cats",), True),
    # unrelated parts: no retrain
    "the images, for an MNIST run": (_dogs_fingerprint, ("mnist",), False),
    "Pillow, for an MNIST run": (_pillow, ("mnist",), False),
    "the MNIST files, for a dogs run": (_mnist_fingerprint, ("dogs_vs_cats",), False),
    "an unrelated environment variable": (_env("CLAIMCHECK_UNRELATED", "1"), ("mnist",), False),
    # what claimcheck pins: the caller's value never reaches a program, so the same run
    "the caller's ONEDNN_MAX_CPU_ISA": (_env("ONEDNN_MAX_CPU_ISA", "AVX"), ("mnist",), False),
    "the caller's TF_ENABLE_ONEDNN_OPTS": (_env("TF_ENABLE_ONEDNN_OPTS", "0"), ("mnist",), False),
    "the caller's OMP_NUM_THREADS": (_env("OMP_NUM_THREADS", "1"), ("mnist",), False),
    "a module that does not measure": (_unrelated_module, ("mnist",), False),
    "a progress line reworded": (_reworded_progress, ("mnist",), False),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_each_part_of_the_key_retrains_and_nothing_else_does(name, tmp_path, monkeypatch):
    change, requires, retrain = CHANGES[name]
    for flag in ("TF_ENABLE_ONEDNN_OPTS", "XLA_FLAGS", "OMP_NUM_THREADS", "KERAS_HOME", "ONEDNN_MAX_CPU_ISA",
                 "ONEDNN_DEFAULT_FPMATH_MODE", "CLAIMCHECK_CPU_ISA", "CLAIMCHECK_THREADS"):
        monkeypatch.delenv(flag, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "no-keras-home"))
    program = recorded(tmp_path, requires)
    assert is_cached(tmp_path, program, requires)  # nothing changed: reused
    change(tmp_path, monkeypatch)
    machine.describe.cache_clear() if hasattr(machine.describe, "cache_clear") else None
    assert is_cached(tmp_path, program, requires) is not retrain, name


PINS = ("import os\nisa_avx512 = float(os.environ.get('ONEDNN_MAX_CPU_ISA') == 'AVX512_CORE')\n"
        "isa_avx2 = float(os.environ.get('ONEDNN_MAX_CPU_ISA') == 'AVX2')\n"
        "threads = float(os.environ.get('TF_NUM_INTRAOP_THREADS', 0))\n"
        "omp = float(os.environ.get('OMP_NUM_THREADS', 0))\n")


def _seen_by_a_worker(tmp_path, name):
    program = Program((write(tmp_path / "claims", name, PINS),))
    ex = executor_for(tmp_path, jobs=1)
    try:
        return ex.record(ex.job(program, 0, (), ["isa_avx512", "isa_avx2", "threads", "omp"]))["values"]
    finally:
        ex.close()


def test_a_program_runs_with_the_cpu_arithmetic_claimcheck_pins_not_the_callers(tmp_path, monkeypatch):
    """Issue 38: the caller's ONEDNN_MAX_CPU_ISA=AVX (or its threads) never reaches a program; the pinned
    level does, and CLAIMCHECK_CPU_ISA / CLAIMCHECK_THREADS change it (and the key, above)."""
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX")
    monkeypatch.setenv("OMP_NUM_THREADS", "7")
    for name in ("CLAIMCHECK_CPU_ISA", "CLAIMCHECK_THREADS"):
        monkeypatch.delenv(name, raising=False)
    assert _seen_by_a_worker(tmp_path / "a", "pins.py") == {"isa_avx512": 1.0, "isa_avx2": 0.0, "threads": 2.0,
                                                            "omp": 2.0}
    monkeypatch.setenv("CLAIMCHECK_CPU_ISA", "avx2")
    monkeypatch.setenv("CLAIMCHECK_THREADS", "1")
    assert _seen_by_a_worker(tmp_path / "b", "pins.py") == {"isa_avx512": 0.0, "isa_avx2": 1.0, "threads": 1.0,
                                                            "omp": 1.0}


def test_a_pinned_level_claimcheck_does_not_know_is_refused_by_name(monkeypatch):
    from claimcheck.runners.environment import numerics

    monkeypatch.setenv("CLAIMCHECK_CPU_ISA", "AVX9000")
    with pytest.raises(ValueError, match="CLAIMCHECK_CPU_ISA='AVX9000'"):
        numerics.pinned()
    monkeypatch.setenv("CLAIMCHECK_CPU_ISA", "AVX2")
    monkeypatch.setenv("CLAIMCHECK_THREADS", "0")
    with pytest.raises(ValueError, match="CLAIMCHECK_THREADS"):
        numerics.pinned()


def test_a_gpu_key_holds_its_driver_cuda_cudnn_and_plugin(tmp_path, monkeypatch):
    program = Program((write(tmp_path / "claims", "noisy.py", NOISY),))
    keys = []
    for change in ({}, {"driver": "560.1"}, {"cuda": "12.4"}, {"cudnn": "9.1"}, {"jax_cuda_plugin": "0.4.30"},
                   {"models": ["NVIDIA H100 80GB HBM3"], "name": "NVIDIA H100 80GB HBM3"}):
        _gpu(tmp_path, monkeypatch, **change)
        ex = executor_for(tmp_path)
        keys.append(ex.job(program, 3, ("mnist",), ["acc"]).key)
        ex.close()
    assert len(set(keys)) == len(keys)
    _gpu(tmp_path, monkeypatch, count=8)  # more cards of the same kind: the same runs
    ex = executor_for(tmp_path)
    assert ex.job(program, 3, ("mnist",), ["acc"]).key == keys[0]
    ex.close()


def test_the_harness_digest_covers_the_training_path_as_imported():
    """MEASURING is tied to the code: engine/training.py and every module it imports, and the worker's start."""
    import grimp

    graph = grimp.build_graph("claimcheck.runners")
    path = {"claimcheck.runners.engine.training", "claimcheck.runners.engine.pool",
            "claimcheck.runners.engine.devices", "claimcheck.runners.engine.environ"}
    for module in list(path):
        path |= set(graph.find_upstream_modules(module))
    assert sorted(m.removeprefix("claimcheck.runners.") for m in path) == sorted(harness.MEASURING + harness.DISPLAY)
    assert not set(harness.DISPLAY) & set(harness.MEASURING)
    assert all(harness.module_path(m).is_file() for m in harness.MEASURING)


def test_a_named_checks_key_is_its_own_source_and_what_it_uses(tmp_path):
    checks = tmp_path / "checks.py"
    base = ("LIMIT = 3\n\ndef _helper(x):\n    return x[:LIMIT]\n\n"
            "def peak(history):\n    return max(_helper(history))\n\ndef other(history):\n    return 1\n")
    checks.write_text(base)
    ref = FunctionRef("checks", "peak", str(tmp_path))
    key = ref.key

    def key_after(text):
        checks.write_text(text)
        os.utime(checks, ns=(time.time_ns(), time.time_ns()))
        return FunctionRef("checks", "peak", str(tmp_path)).key

    assert key_after(base.replace("return 1", "return 2")) == key  # another function edited: same value
    assert key_after(base.replace("max(", "min(")) != key  # the check itself
    assert key_after(base.replace("x[:LIMIT]", "x[1:LIMIT]")) != key  # a helper it calls
    assert key_after(base.replace("LIMIT = 3", "LIMIT = 4")) != key  # a constant it reads


# -- 2. records that are checked ---------------------------------------------------------------------

def test_a_forged_cache_record_is_retrained_never_trusted(tmp_path):
    program = trained(tmp_path)
    [path] = (tmp_path / "cache/runs").glob("*.json")
    record = json.loads(path.read_text())
    real = record["values"]["acc"]
    record["values"]["acc"] = 0.5  # a hand edit that would pass or fail a claim
    path.write_text(json.dumps(record))
    assert not is_cached(tmp_path, program)
    ex = executor_for(tmp_path, progress=True)
    try:
        again = ex.record(ex.job(program, 3, ("mnist",), ["acc"]))
    finally:
        ex.close()
    assert again["values"]["acc"] == real and not again["cached"]
    assert ex.trained == 1


@pytest.mark.parametrize("field, value", [("values", ["acc", 0.99]), ("seed", "3"), ("errors", None),
                                          ("key_parts", 7), ("seconds", "fast")])
def test_a_resealed_record_with_a_wrong_typed_field_is_retrained_not_a_crash(tmp_path, field, value):
    program = trained(tmp_path)
    [path] = (tmp_path / "cache/runs").glob("*.json")
    record = json.loads(path.read_text())
    record[field] = value
    key = keys.store_key(tmp_path / "cache", create=False)
    path.write_text(json.dumps(seal.sealed(record, key, seal.CACHE_RECORD)))  # even with a matching MAC
    assert not is_cached(tmp_path, program)
    ex = executor_for(tmp_path)
    assert "field" in ex.cache.problem(path.stem)
    ex.close()


def test_new_values_of_an_existing_run_merge_into_its_record(tmp_path):
    program = trained(tmp_path)  # recorded: acc
    assert not is_cached(tmp_path, program, wanted=("acc", "loss"))
    ex = executor_for(tmp_path)
    try:
        both = ex.record(ex.job(program, 3, ("mnist",), ["loss"]))
    finally:
        ex.close()
    assert set(both["values"]) == {"acc", "loss"}  # the old value is kept: no back and forth
    assert is_cached(tmp_path, program, wanted=("acc",)) and is_cached(tmp_path, program, wanted=("loss",))


@needs_mirror
def test_the_same_seed_in_two_fresh_workers_gives_the_same_value(tmp_path):
    """Real Keras training on real MNIST, twice, each in a fresh worker process, bit for bit."""
    listing = ("import keras\n(x, y), _ = keras.datasets.mnist.load_data()\n"
               "x = x[:3000].reshape(3000, 784).astype('float32') / 255\n"
               "model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(32, activation='relu'),"
               " keras.layers.Dense(10, activation='softmax')])\n"
               "model.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
               "history = model.fit(x, y[:3000], epochs=1, batch_size=128, verbose=0)\n"
               "loss = history.history['loss'][-1]\n")
    program = Program((write(tmp_path / "claims", "tiny.py", listing),))
    values, pids = [], []
    for refresh in (False, True):
        ex = executor_for(tmp_path, jobs=1, refresh=refresh)
        try:
            record = ex.record(ex.job(program, 7, ("mnist",), ["loss"]))
        finally:
            ex.close()
        assert not record["cached"] and record["device"]["platform"] == "cpu"
        assert record["numerics"]["tf32"] == "off"
        values.append(record["values"]["loss"])
        pids.append(record["process"])
    assert pids[0] != pids[1] and training.PROCESS not in pids  # two processes, neither this one
    assert values[0] == values[1]


# -- merge and history refuse what they cannot trust ------------------------------------------------------

REFS = {"references": {"r": {"seeds": [0, 1, 2, 3], "values": [0.9905, 0.9912, 0.9909, 0.9915]}}}


GOOD = "import numpy as np\nacc = 0.991 + float(np.random.normal(0, 0.0005))\n"


def metric_tree(tmp_path, listings: dict, seeds: int) -> Path:
    """A claims tree: one metric claim ``s.NAME`` per listing ``{NAME: (text, declared cpu cost)}``."""
    claims = tmp_path / "claims"
    write(claims, "references.yaml", yaml.safe_dump(REFS))
    cite = {"stated": "x", "cite": [{"from": "derived", "quote": "q"}]}
    specs = []
    for name, (text, cost) in listings.items():
        write(claims, f"{name}.py", text)
        specs.append({"id": f"s.{name}", "kind": "metric", "tier": "cpu", "source": cite, "reference": "r",
                      "expected": "0.991", "cost": {"cpu_s": cost},
                      "measure": {"listings": [f"{name}.py"], "value": "acc", "seeds": {"cpu": seeds}}})
    write(claims, "s.yaml", yaml.safe_dump({"book": "t", "chapter": 8, "section": "8.1", "title": "t", "claims": specs}))
    return claims


def shard_tree(tmp_path):
    return metric_tree(tmp_path, {"good": (GOOD, 1), "broken": ("raise RuntimeError('the book code broke')\n", 1)}, 4)


def shards_of(tmp_path):
    claims = shard_tree(tmp_path)
    for i in (1, 2):
        verify(claims=claims, out=tmp_path / f"s{i}", cache_dir=tmp_path / f"c{i}", shard=(i, 2), no_history=True)
    return claims


def merge(tmp_path, claims, capsys):
    from claimcheck.runners.cli import main

    code = main(["merge", str(tmp_path / "s1"), str(tmp_path / "s2"), "--claims", str(claims),
                 "--out", str(tmp_path / "m"), "--no-history"])
    return code, capsys.readouterr().err


def test_merge_keeps_a_failed_runs_reason(tmp_path, capsys):
    claims = shards_of(tmp_path)
    code, _ = merge(tmp_path, claims, capsys)
    results = {r["id"]: r for r in json.loads((tmp_path / "m/results.json").read_text())["results"]}
    assert results["s.good"]["status"] == "passed"
    assert results["s.broken"]["status"] == "error" and "the book code broke" in results["s.broken"]["reason"]
    assert code == 1


def test_merge_refuses_a_forged_results_json(tmp_path, capsys):
    claims = shards_of(tmp_path)
    path = tmp_path / "s1/results.json"
    doc = json.loads(path.read_text())
    for r in doc["results"]:
        r["status"] = "passed"
    doc["run"]["pending"] = []  # a shard that claims it decided everything, and passed it
    path.write_text(json.dumps(doc))
    code, err = merge(tmp_path, claims, capsys)
    assert code == 2 and f"refused {path}: its MAC does not match" in err


def test_merge_refuses_a_forged_run_record(tmp_path, capsys):
    claims = shards_of(tmp_path)
    [path] = [p for d in ("s1", "s2") for p in (tmp_path / d / "runs").glob("*.json")
              if "values" in json.loads(p.read_text())][:1]
    record = json.loads(path.read_text())
    record["values"] = {k: 0.5 for k in record["values"]}
    path.write_text(json.dumps(record))
    code, err = merge(tmp_path, claims, capsys)
    assert code == 2 and f"refused {path}" in err


def test_merge_refuses_shards_from_different_environments(tmp_path, capsys):
    claims = shards_of(tmp_path)
    path = tmp_path / "s2/results.json"
    doc = json.loads(path.read_text())
    doc["run"]["environment"]["keras"] = "0.0-other"
    resealed = seal.sealed(doc, keys.store_key(path.parent, create=False), seal.RESULTS)
    path.write_text(json.dumps(resealed))  # sealed again with its key: a real run on another stack
    code, err = merge(tmp_path, claims, capsys)
    assert code == 2 and "different environments (keras: " in err


@pytest.mark.parametrize("damage", ["truncate", "edit", "unsealed-list", "results-not-list", "result-not-object"])
def test_history_refuses_a_damaged_run_naming_it_and_reads_the_rest(tmp_path, damage):
    store = tmp_path / "history"
    run = {"run_id": "r1", "started": "2026-12-01T00:00:00", "environment": {"backend": "tensorflow"}}
    record = {"id": "c.one", "kind": "metric", "status": "passed", "observed": 0.99}
    history.append(run, [record], store)
    newest = history.append({**run, "run_id": "r2", "started": "2026-12-01T01:00:00"},
                            [{**record, "status": "failed"}], store)
    text = newest.read_text()
    doc = json.loads(text)

    def resealed(doc):  # with the store's key: a well-sealed file that is still no run
        return json.dumps(seal.sealed(doc, keys.store_key(store, create=False), seal.history_run(newest.name)))
    if damage == "truncate":
        newest.write_text(text[: len(text) // 2])
    elif damage == "edit":
        doc["results"][0]["status"] = "passed"
        newest.write_text(json.dumps(doc))
    elif damage == "unsealed-list":
        newest.write_text(json.dumps([doc]))
    elif damage == "results-not-list":
        newest.write_text(resealed({**doc, "results": {"c.one": "passed"}}))
    else:
        newest.write_text(resealed({**doc, "results": ["passed"]}))
    df = history.table(store)
    assert list(df["run_id"]) == ["r1"]  # the good run is read
    [(name, why)] = history.refused(df)
    assert name == newest.name and why


def test_the_history_command_names_a_refused_run(tmp_path):
    store = tmp_path / "history"
    history.append({"run_id": "r1", "started": "t"}, [{"id": "c", "kind": "metric", "status": "passed"}], store)
    (store / "20991231T000000Z-broken.json").write_text('{"run": {"run_id": "r2"}, "resu')
    from helpers import cli

    done = cli("history", "--store", store)
    assert done.returncode == 0
    assert f"refused {store / '20991231T000000Z-broken.json'}: not JSON" in done.stderr


# -- 6. bounded waits, clean stops -------------------------------------------------------------------------

def test_a_lock_held_too_long_is_an_error_naming_the_lock(tmp_path):
    program = Program((write(tmp_path / "claims", "noisy.py", NOISY),))
    ex = executor_for(tmp_path, timeout=1)
    job = ex.job(program, 3, ("mnist",), ["acc"])
    ex.lock_timeout = lambda job: 1.5
    holder = ex.cache.lock(job.key)
    holder_process = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from filelock import FileLock; l = FileLock(sys.argv[1]); l.acquire(); "
        "print('held', flush=True); time.sleep(60)"), str(holder.lock_file)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder_process.stdout.readline().strip() == "held"
        start = time.monotonic()
        with pytest.raises(RunFailed, match=r"waited 2 s for another process training noisy.py with seed 3 \(lock "):
            ex.record(job)
        assert time.monotonic() - start < 10
    finally:
        holder_process.kill()
        ex.close()


def test_a_fault_of_the_harness_in_the_job_loop_is_its_claims_error(tmp_path, monkeypatch):
    program = Program((write(tmp_path / "claims", "noisy.py", NOISY),))
    ex = executor_for(tmp_path)
    jobs = [ex.job(program, seed, ("mnist",), ["acc"]) for seed in (1, 2)]
    write_real = ex.cache.write

    def disk_full(record):
        if record["seed"] == 1:
            raise OSError(28, "No space left on device")
        return write_real(record)
    monkeypatch.setattr(ex.cache, "write", disk_full)
    try:
        ex.run_jobs(jobs)  # does not raise
        with pytest.raises(RunFailed, match="claimcheck failed handling the run of noisy.py with seed 1: OSError"):
            ex.record(jobs[0])
        assert ex.record(jobs[1])["values"]["acc"]  # the other run is not lost
    finally:
        ex.close()


def test_ctrl_c_stops_the_workers_and_writes_what_finished(tmp_path):
    claims = metric_tree(tmp_path, {"fast": (GOOD, 1), "slow": ("import time\ntime.sleep(300)\nacc = 0.99\n", 400)}, 2)
    out = tmp_path / "out"
    proc = terminal_job(["verify", "--claims", claims, "--out", out, "--cache-dir", tmp_path / "cache", "--no-history",
                         "--jobs", "2"])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((tmp_path / "cache/runs").glob("*.json"))) < 2:
        time.sleep(0.3)  # the two fast runs are done; the slow ones are training
    assert len(list((tmp_path / "cache/runs").glob("*.json"))) == 2
    time.sleep(1)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    start = time.monotonic()
    _, err = proc.communicate(timeout=120)  # it stops in seconds; 120 s: 2 cores under a parallel test run
    assert time.monotonic() - start < 30, err  # not the 300 s of the slow runs
    assert proc.returncode == 130, err
    results = {r["id"]: r for r in json.loads((out / "results.json").read_text())["results"]}
    assert results["s.fast"]["status"] == "passed"
    assert results["s.slow"]["status"] == "error" and "interrupted (Ctrl-C)" in results["s.slow"]["reason"]
    assert "interrupted (Ctrl-C)" in err
    time.sleep(2)  # the workers were sent their end: a moment for the kernel to reap them
    leftover = subprocess.run(["ps", "-o", "pid=,args=", "-g", str(proc.pid)], capture_output=True, text=True)
    assert not leftover.stdout.strip(), f"processes outlived the run: {leftover.stdout}"


@needs_mirror
def test_the_result_records_the_device_and_numerics_it_ran_with(tmp_path):
    program = trained(tmp_path)
    ex = executor_for(tmp_path)
    record = ex.record(ex.job(program, 3, ("mnist",), ["acc"]))
    ex.close()
    assert record["device"]["platform"] == "cpu" and record["numerics"] == {
        "tf32": "off", "deterministic_ops": "cpu kernels (repeatable)",
        "cpu_isa": {"level": "AVX512_CORE", "supported": record["numerics"]["cpu_isa"]["supported"]}, "threads": 2}
    parts = record["key_parts"]["environment"]
    assert parts["harness"] == harness.digest() and parts["device"]["cpu"]["threads"] >= 1
    assert parts["numerics"]["policy"] == record["numerics"]
    assert Path(ex.cache.path(record["key"])).is_file()


# -- references on their own seeds (claimcheck reference) ---------------------------------------------------

def test_the_reference_command_records_runs_on_seeds_no_verdict_uses(tmp_path):
    from helpers import cli

    claims = metric_tree(tmp_path, {"good": (GOOD, 1)}, 4)
    done = cli("reference", "s.good", "--name", "good.acc", "--runs", "3", "--claims", claims,
               "--cache-dir", tmp_path / "cache", "--jobs", "0", "-q")
    assert done.returncode == 0, done.stderr
    entry = yaml.safe_load(done.stdout)["good.acc"]
    assert entry["seeds"] == [100, 101, 102] and len(set(entry["values"])) == 3
    assert entry["source"] == "recorded" and "claimcheck reference s.good" in entry["command"]
    assert entry["environment"]["backend"] and entry["numerics"]["tf32"] == "off"
    low = cli("reference", "s.good", "--name", "x", "--from-seed", "0", "--claims", claims)
    assert low.returncode == 2 and "start at 100" in low.stderr
    for args, said in ((["--runs", "1000000000"], "--runs 1000000000: at most 1000"),
                       (["--jobs", "100000"], "--jobs 100000, --jobs-per-gpu None: at most 256")):
        many = cli("reference", "s.good", "--name", "x", "--claims", claims, *args)
        assert many.returncode == 2 and said in many.stderr, many.stderr[-1000:]


def test_claims_of_one_program_share_each_seeds_run_in_one_reference_command(tmp_path):
    """Two claims reading two values of one program (a comparison's sides, say): one run per seed, not two."""
    from helpers import cli

    claims = tmp_path / "claims"
    write(claims, "references.yaml", yaml.safe_dump(REFS))
    write(claims, "both.py", GOOD + "err = 1 - acc + float(np.random.normal(0, 0.0005))\n")
    cite = {"stated": "x", "cite": [{"from": "derived", "quote": "q"}]}
    specs = [{"id": f"s.{value}", "kind": "metric", "tier": "cpu", "source": cite, "reference": "r",
              "expected": "0.991", "cost": {"cpu_s": 1},
              "measure": {"listings": ["both.py"], "value": value, "seeds": {"cpu": 4}}} for value in ("acc", "err")]
    write(claims, "s.yaml", yaml.safe_dump({"book": "t", "chapter": 8, "section": "8.1", "title": "t", "claims": specs}))
    done = cli("reference", "s.acc", "s.err", "--name", "ref.acc", "--name", "ref.err", "--runs", "3",
               "--claims", claims, "--cache-dir", tmp_path / "cache", "--jobs", "0", "-q")
    assert done.returncode == 0, done.stderr
    entries = yaml.safe_load(done.stdout)
    assert list(entries) == ["ref.acc", "ref.err"]
    assert "&id" not in done.stdout and "*id" not in done.stdout  # entries an author pastes one by one
    assert entries["ref.acc"]["seeds"] == entries["ref.err"]["seeds"] == [100, 101, 102]
    assert all(v > 0.98 for v in entries["ref.acc"]["values"]) and all(v < 0.02 for v in entries["ref.err"]["values"])
    assert "s.err" in entries["ref.err"]["note"] and "'err'" in entries["ref.err"]["note"]
    assert len(list((tmp_path / "cache/runs").glob("*.json"))) == 3  # one run per seed read both values
    short = cli("reference", "s.acc", "s.err", "--name", "ref.acc", "--claims", claims)
    assert short.returncode == 2 and "one distinct --name per claim" in short.stderr
