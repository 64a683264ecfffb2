"""What the tests share: paths, one-claim specs, running claims and the real command."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = ROOT / "claims"
SHARED = ROOT.parent / "shared"
MIRROR = SHARED / "datasets"
NOTES = SHARED / "sources/dlwp2-ch08-notes-ko.md"
LISTINGS = CLAIMS / "dlwp2/ch08/listings"
CONVNET = (LISTINGS / "listing_8_1.py").read_text()
# a listing whose value depends on the seed the way training does (NumPy is seeded too)
NOISY = "import numpy as np\nacc = {mean} + float(np.random.normal(0, {sd}))\n"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def spec_doc(claims: list[dict], section="8.1") -> dict:
    return {"book": "test", "chapter": 8, "section": section, "title": "t", "claims": claims}


def claim_dict(kind, measure, expected, claim_id="t.claim", tier="static", **fields) -> dict:
    return {"id": claim_id, "kind": kind, "tier": tier, "measure": measure, "expected": expected,
            "source": {"stated": str(expected), "cite": [{"from": "book", "quote": "q"}]}, **fields}


def make_claim(tmp_path, kind, measure, expected, listing=None, claim_id="t.claim", tier="static",
               references=None, check=True, **fields):
    """Write a one-claim spec (its listing, its references) and load it as a Claim."""
    from claimcheck.runners.catalog import loader

    folder = tmp_path / "claims"
    if listing is not None:
        write(folder / "listings", f"{claim_id}.py", listing)
        measure = {"listings": [f"listings/{claim_id}.py"], **measure}
    if references is not None:
        write(folder, "references.yaml", yaml.safe_dump({"references": references}))
    path = write(folder, f"{claim_id}.yaml",
                 yaml.dump(spec_doc([claim_dict(kind, measure, expected, claim_id, tier, **fields)]),
                           Dumper=_DumpFunctions, sort_keys=False))
    [claim] = loader.load_file(path)
    if check:
        assert not claim.problems, claim.problems
    return claim


def settings(**values):
    from claimcheck.runners.core.settings import resolve

    values.setdefault("quiet", True)
    values.setdefault("jobs", 0)  # in this process: quick; the worker tests ask for workers
    return resolve({}, **values)


def run(claim, tier="static", **values):
    """One claim through a session, as verify runs it (planned first)."""
    from claimcheck.runners.engine.session import Session

    session = Session(settings(tier=tier, **values))
    try:
        session.plan([claim])
        return session.run_claim(claim)
    finally:
        session.close()


def verify(*args, **values) -> tuple[int, dict]:
    """`claimcheck verify` in this process; (exit status, results by id)."""
    from claimcheck.runners.service.verify import verify as run_verify

    s = settings(**values)
    code = run_verify(s)
    doc = json.loads((Path(s.out) / "results.json").read_text())
    return code, {r["id"]: r for r in doc["results"]}


def cli(*args, cwd=None, env=None, timeout=900) -> subprocess.CompletedProcess:
    """The real `claimcheck` command in a subprocess."""
    return subprocess.run([sys.executable, "-m", "claimcheck.runners.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd or ROOT, env={**os.environ, **(env or {})},
                          timeout=timeout)


# `python -m claimcheck.runners.cli`, with Python's own Ctrl-C handler put back first
_WITH_CTRL_C = ("import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
                "runpy.run_module('claimcheck.runners.cli', run_name='__main__', alter_sys=True)")


def terminal_job(args, env=None) -> subprocess.Popen:
    """The real `claimcheck` command in a process group of its own, which Ctrl-C reaches as a
    terminal's does (``os.killpg(proc.pid, signal.SIGINT)``), with Python's KeyboardInterrupt handler
    whatever this process inherited: a shell starts a background job (`tox ... &` in a script) with
    SIGINT ignored, an ignored signal stays ignored across exec, and Python then installs no handler,
    so the run would wait for its slowest program instead of stopping. (The handler is set in the
    child itself: no preexec_fn in a test process that has threads.)"""
    return subprocess.Popen([sys.executable, "-c", _WITH_CTRL_C, *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def results_of(out: Path) -> dict:
    return {r["id"]: r for r in json.loads((Path(out) / "results.json").read_text())["results"]}


def set_expected(claims_dir: Path, rel: str, changes: dict) -> None:
    """Plant values: give claims of one spec file other expected values."""
    path = claims_dir / rel
    text = path.read_text()
    doc = yaml.load(text, Loader=_KeepFunctions)
    todo = dict(changes)
    for claim in doc["claims"]:
        if claim["id"] in todo:
            claim["expected"] = todo.pop(claim["id"])
    assert not todo, f"claims not found in {rel}: {todo}"
    path.write_text(yaml.dump(doc, Dumper=_DumpFunctions, allow_unicode=True, sort_keys=False))


class _Tagged(str):
    pass


def function(name: str) -> str:
    """``!function name`` in a spec written by make_claim: ``function("checks.peak")``."""
    return _Tagged(name)


class _KeepFunctions(yaml.SafeLoader):
    pass


class _DumpFunctions(yaml.SafeDumper):
    pass


_KeepFunctions.add_constructor("!function", lambda loader, node: _Tagged(loader.construct_scalar(node)))
_DumpFunctions.add_representer(_Tagged, lambda dumper, data: dumper.represent_scalar("!function", str(data)))


# Planted wrong values, one or more per kind, in the real claims (static tier).
PLANTS = {
    "dlwp2/ch08/8.1-mnist-convnet.yaml": {"dlwp2.ch08.convnet.conv2d_1.shape": [None, 12, 12, 64],
                                          "dlwp2.ch08.convnet.params.total": 104201},
    "dlwp2/ch08/8.1.2-no-max-pooling.yaml": {"dlwp2.ch08.nopool.rf.conv2d_5": [9, 9]},
    "dlwp2/ch08/8.1.1-convolution-arithmetic.yaml": {"dlwp2.ch08.arith.same-keeps-size": [3, 3]},
    "dlwp2/ch08/8.2-dogs-vs-cats-from-scratch.yaml": {"dlwp2.ch08.scratch.conv2d_4.shape": [None, 9, 9, 256],
                                                      "dlwp2.ch08.scratch.params.total": 991040,
                                                      "dlwp2.ch08.augmentation.flip": 0.25,
                                                      "dlwp2.ch08.augmentation.rotation": [-0.2, 0.2],
                                                      "dlwp2.ch08.augmentation.zoom": [-0.3, 0.3]},
    "dlwp2/ch08/8.3-pretrained-vgg16.yaml": {"dlwp2.ch08.vgg16.base.output_shape": [None, 6, 6, 512],
                                             "dlwp2.ch08.vgg16.base.params": 15000000,
                                             "dlwp2.ch08.vgg16.trainable_before_freezing": 25,
                                             "dlwp2.ch08.vgg16.fine_tuning_trainable": 8},
    # the first edition: claims on notebook cells and their stored outputs
    "dlwp1/ch02/2.1-mnist-dense.yaml": {"dlwp1.ch02.data.train_labels.head": [5, 0, 5],
                                        "dlwp1.ch02.dense.params.total": 407051},
    "dlwp1/ch05/5.1-mnist-convnet.yaml": {"dlwp1.ch05.convnet.full.dense_1.shape": [None, 32],
                                          "dlwp1.ch05.convnet.base.params.total": 55745},
    "dlwp1/ch05/5.2-dogs-vs-cats.yaml": {"dlwp1.ch05.dogs.scratch.dense_1.params": 3211777},
    # the PyTorch book: a cell's whole output, one number changed (and one shape of a displayed model)
    "ml-pytorch-sklearn/ch12/12-pytorch-mlp.yaml": {
        "ml-pytorch-sklearn.ch12.s12.out.cell28": "Test Acc.: 0.9700",
        "ml-pytorch-sklearn.ch12.s12.out.cell31": "Model(\n  (layer1): Linear(in_features=4, out_features=16, bias=True)\n"
                                                  "  (layer2): Linear(in_features=16, out_features=4, bias=True)\n)"},
}
PLANTED = {i for changes in PLANTS.values() for i in changes}


def plant(claims_dir: Path) -> set:
    for rel, changes in PLANTS.items():
        set_expected(claims_dir, rel, changes)
    return PLANTED


needs_mirror = pytest.mark.skipif(not (MIRROR / "mnist").is_dir(),
                                  reason=f"the MNIST mirror {MIRROR / 'mnist'} is not here")


# --- headless Chromium, as a person's browser would open a report ---------------------------
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str | None:
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def browser(args, profile, timeout=120) -> subprocess.CompletedProcess:
    """Chromium on a page; a missing browser skips, or fails where CI requires one."""
    if chromium() is None:
        if os.environ.get("CLAIMCHECK_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (CLAIMCHECK_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium is not installed: apt-get install chromium")
    return subprocess.run([chromium(), *BROWSER_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=timeout)
