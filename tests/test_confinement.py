"""The boundary around every program (issue 26, items 2 and 4): hostile listings in one confined verify,
each with its exact outcome; a machine that cannot confine says so; a dead fork server is restarted."""
from __future__ import annotations

import json
import os
import socket

import pytest
import yaml

from claimcheck.runners.stores import keys

from helpers import ROOT, cli, write

SECRET = "s3cr3t-confine-0123456789"
# the sleep of every process a listing leaves behind, found by its command line: one per test process,
# so that another xdist worker's run of these listings is not taken for this one's survivors
MARK = f"7777.{os.getpid()}"
CITE = {"stated": "x", "cite": [{"from": "book", "quote": "q"}]}

pytestmark = pytest.mark.xdist_group("confined")  # one confined verify for the module, not one a worker

needs_bwrap = pytest.mark.skipif(not os.access("/usr/bin/bwrap", os.X_OK), reason="bubblewrap is not installed")

PICKLES = ("import os, pickle, struct\nclass P:\n    def __reduce__(self):\n"
           "        return (os.system, ('touch ' + PWNED,))\n"
           "data = pickle.dumps(P())\nmsg = struct.pack('!i', len(data)) + data\nx = []\n"
           "for fd in range(3, 256):\n    try:\n        os.write(fd, msg)\n        x.append(fd)\n"
           "    except OSError:\n        pass\n")

LISTINGS = {
    "good.py": "x = [1, 2, 3]\n",
    # every environ the program can see through /proc, its parent's first
    "proc.py": (
        "import os\nfound = []\nfor p in ['%d' % os.getppid()] + os.listdir('/proc'):\n"
        "    try:\n        found.append(open('/proc/' + p + '/environ', 'rb').read().decode('latin-1'))\n"
        "    except OSError:\n        pass\n"
        "x = 'leaked' if any('SECRET' in f for f in found) else 'none'\n"
        "pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n"),
    "tf_env.py": "import os\nx = [os.environ.get('TF_TOKEN_example_com'), os.environ.get('TF_HTTP_PASSWORD'),\n"
                 "     os.environ.get('CONFINE_SECRET')]\n",
    "net.py": ("import socket\ntry:\n    socket.create_connection(('127.0.0.1', PORT), timeout=5).close()\n"
               "    x = 'connected'\nexcept OSError:\n    x = 'refused'\n"),
    "writes.py": ("import os\nx = []\nfor path in TARGETS:\n    try:\n        open(path, 'w').write('escaped')\n"
                  "        x.append(path)\n    except OSError:\n        pass\n"),
    "daemon.py": ("import os, time\nif os.fork() == 0:\n    os.execv('/bin/sleep', ['sleep', 'MARK'])\n"
                  "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
                  "        os.execv('/bin/sleep', ['sleep', 'MARK'])\n    os._exit(0)\n"
                  "time.sleep(0.5)\nx = 1\n"),
    "forkbomb.py": ("import os, time\nn = 0\nfor _ in range(200):\n    try:\n        if os.fork() == 0:\n"
                    "            os.execv('/bin/sleep', ['sleep', 'MARK'])\n        n += 1\n    except OSError:\n"
                    "        break\ntime.sleep(0.5)\nx = n\n"),
    "hog.py": "x = bytearray(20 * 2**30)\n",
    "fills.py": "open('big.bin', 'wb').write(b'0' * (200 << 20))\nx = 1\n",
    "kills.py": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nimport time\ntime.sleep(1)\nx = 1\n",
    "after.py": "x = [4, 5, 6]\n",
    # the stores' key: the --key-file outside every store, as CI keeps it
    # a pickle written into every descriptor it inherited: one that reached the worker's channel was
    # loaded, and run, by the claimcheck process (touching PWNED outside every boundary)
    "pickles.py": PICKLES,
    "keys.py": ("x = []\nfor path in KEYS:\n    try:\n        if open(path).read().strip():\n"
                "            x.append(path)\n    except OSError:\n        pass\n"),
}


def claim(cid, listing, expected, value="x"):
    return {"id": cid, "kind": "listing_value", "tier": "static", "expected": expected, "source": CITE,
            "measure": {"listings": [listing], "value": value}}


CLAIMS = [
    claim("c.good", "good.py", [1, 2, 3]),
    claim("c.proc", "proc.py", "none"),
    claim("c.proc-pids", "proc.py", [1], value="pids"),
    claim("c.tf-env", "tf_env.py", [None, None, None]),
    claim("c.net", "net.py", "refused"),
    claim("c.writes", "writes.py", []),
    claim("c.daemon", "daemon.py", 1),
    claim("c.forkbomb", "forkbomb.py", 200),
    claim("c.hog", "hog.py", 1),
    claim("c.fills", "fills.py", 1),
    claim("c.kills", "kills.py", 1),
    claim("c.after", "after.py", [4, 5, 6]),
    claim("c.keys", "keys.py", []),
    claim("c.pickles", "pickles.py", []),
]


def was_reached(listener: socket.socket) -> bool:
    """Whether a program connected to the listening socket (then closed)."""
    try:
        listener.accept()
        return True
    except OSError:
        return False
    finally:
        listener.close()


def first_line(stderr: str) -> str:
    """claimcheck's first line (TensorFlow 2.21 prints its start-up lines whatever
    TF_CPP_MIN_LOG_LEVEL says, from whichever process imports it first): before any claim's."""
    ours = [line for line in stderr.splitlines() if line.startswith(("claimcheck:", "["))]
    return ours[0] if ours else ""


def marked() -> list[int]:
    """The processes a listing left behind, alive (zombies are dead)."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read()
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if MARK.encode() in cmdline and state not in ("Z", "X"):
            out.append(int(pid))
    return out


def tree(base, port, targets, keys=()):
    folder = base / "claims"
    for name, code in LISTINGS.items():
        code = code.replace("PORT", str(port)).replace("TARGETS", repr(targets)).replace("MARK", MARK)
        code = code.replace("KEYS", repr(list(keys))).replace("PWNED", repr(str(base / "PWNED")))
        write(folder, name, code.replace("'SECRET'", repr(SECRET)))
    write(folder, "spec.yaml", yaml.safe_dump({"book": "b", "chapter": 1, "section": "1.1", "title": "t",
                                               "claims": CLAIMS}, sort_keys=False))
    return folder


def verify(base, folder, *extra, env=None):
    out, cache, history = base / "out", base / "cache", base / "history"
    (history).mkdir(exist_ok=True)
    env = {"CONFINE_SECRET": SECRET, "TF_TOKEN_example_com": SECRET, "TF_HTTP_PASSWORD": SECRET,
           "CLAIMCHECK_JOBS": "", **(env or {})}
    proc = cli("verify", "--claims", folder, "--tier", "static", "--out", out, "--cache-dir", cache,
               "--history", history, "--timeout", "120", "--scratch-limit", "0.1", *extra, env=env, timeout=900)
    doc = json.loads((out / "results.json").read_text())
    return proc, doc, {r["id"]: r for r in doc["results"]}


@pytest.fixture(scope="module")
def confined(tmp_path_factory):
    base = tmp_path_factory.mktemp("confined")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0)
    port = listener.getsockname()[1]
    targets = [str(ROOT / "ESCAPED-confine.txt"), str(base / "cache" / "escaped.txt"),
               str(base / "cache" / "locks" / "escaped.txt"),
               str(base / "out" / "escaped.txt"), str(base / "history" / "escaped.txt"),
               str(base / "claims" / "escaped.txt"), "/tmp/escaped-confine.txt"]
    key = base / "secrets" / "claimcheck.key"
    key.parent.mkdir()
    key.write_text(os.urandom(32).hex() + "\n")
    key.chmod(0o600)
    folder = tree(base, port, targets, keys=[str(key)])
    proc, doc, results = verify(base, folder, "--key-file", key)
    accepted = was_reached(listener)
    return {"proc": proc, "doc": doc, "results": results, "base": base, "targets": targets,
            "accepted": accepted, "alive": marked()}


@needs_bwrap
def test_the_run_says_it_is_confined(confined):
    proc, doc = confined["proc"], confined["doc"]
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert doc["run"]["confinement"]["confined"] is True, doc["run"]["confinement"]
    assert doc["run"]["confinement"]["limits"] == {"memory_gib": 8.0, "processes": 512, "scratch_gib": 0.1}
    assert first_line(proc.stderr).startswith("claimcheck: programs run confined"), proc.stderr[:500]


@needs_bwrap
def test_a_program_sees_no_other_process_and_no_secret(confined):
    results = confined["results"]
    assert results["c.proc"]["status"] == "passed", results["c.proc"]
    assert results["c.proc-pids"]["status"] == "passed", results["c.proc-pids"]  # pid 1, alone in its /proc
    assert results["c.tf-env"]["status"] == "passed", results["c.tf-env"]  # TF_TOKEN_*, TF_HTTP_PASSWORD: never
    out = confined["base"] / "out"
    for text in (confined["proc"].stdout, confined["proc"].stderr, *(p.read_text() for p in out.glob("*.*"))):
        assert SECRET not in text


@needs_bwrap
def test_a_program_has_no_network(confined):
    assert confined["results"]["c.net"]["status"] == "passed", confined["results"]["c.net"]
    assert not confined["accepted"]


@needs_bwrap
def test_a_program_writes_nothing_outside_its_scratch(confined):
    assert confined["results"]["c.writes"]["status"] == "passed", confined["results"]["c.writes"]
    for path in confined["targets"]:
        assert not os.path.exists(path), path


@needs_bwrap
def test_nothing_a_program_starts_outlives_it(confined):
    results = confined["results"]
    assert results["c.daemon"]["status"] == "passed", results["c.daemon"]
    assert results["c.forkbomb"]["status"] == "passed", results["c.forkbomb"]
    assert confined["alive"] == [], "processes a listing started outlived the run"


@needs_bwrap
def test_the_limits_name_themselves(confined):
    hog, fills = confined["results"]["c.hog"], confined["results"]["c.fills"]
    assert hog["status"] == "error" and "MemoryError" in hog["reason"], hog
    assert "the program went over the 8 GiB memory limit (--memory-limit)" in hog["reason"], hog
    assert fills["status"] == "error", fills
    assert "the program went over the 0.1 GiB scratch limit (--scratch-limit)" in fills["reason"], fills


@needs_bwrap
def test_a_program_cannot_reach_the_server(confined):
    """Its parent is outside its namespace: getppid() is 0, and a kill of process group 0 reaches its
    own group only, whose leader is its namespace's init (which ignores it)."""
    kills, after = confined["results"]["c.kills"], confined["results"]["c.after"]
    assert kills["status"] == "passed", kills
    assert after["status"] == "passed", after
    assert confined["results"]["c.good"]["status"] == "passed"


@needs_bwrap
def test_a_program_cannot_read_the_stores_key(confined):
    """The key that seals the stores, kept outside them (--key-file): the program sees an empty file."""
    assert confined["results"]["c.keys"]["status"] == "passed", confined["results"]["c.keys"]
    assert any(p.endswith("claimcheck.key") for p in confined["doc"]["run"]["confinement"]["masked"])


@needs_bwrap
def test_a_program_cannot_reach_the_claimcheck_process_through_a_descriptor(confined):
    """A pickle written into every descriptor the program's process has: none is its worker's
    channel (they are closed when it starts), so nothing it wrote is loaded outside its boundary."""
    assert not (confined["base"] / "PWNED").exists(), "a program's pickle ran in the claimcheck process"
    for cid in ("c.good", "c.after"):
        assert confined["results"][cid]["status"] == "passed", confined["results"][cid]


# -- training runs: each in a process of its own, confined as a program is (engine/separate.py) --------
TRAINING = {
    # the cache's key and records, the claimcheck process's environment, the network, files outside
    "t_key.py": ("import os\nseen = []\nfor p in [CACHE + '/key', CACHE + '/runs']:\n"
                 "    if os.path.exists(p):\n        seen.append(p)\nacc = 0.96 if not seen else 0.5\n"),
    "t_proc.py": ("import os\nfound = []\nfor p in os.listdir('/proc'):\n    try:\n"
                  "        found.append(open('/proc/' + p + '/environ', 'rb').read().decode('latin-1'))\n"
                  "    except OSError:\n        pass\n"
                  "acc = 0.5 if any('SECRET' in f for f in found) else 0.96\n"),
    "t_pickles.py": PICKLES + "acc = 0.96\n",
    "t_net.py": ("import socket\ntry:\n    socket.create_connection(('127.0.0.1', PORT), timeout=5).close()\n"
                 "    acc = 0.5\nexcept OSError:\n    acc = 0.96\n"),
    "t_writes.py": ("x = []\nfor path in TARGETS:\n    try:\n        open(path, 'w').write('escaped')\n"
                    "        x.append(path)\n    except OSError:\n        pass\nacc = 0.96 if not x else 0.5\n"),
}


@needs_bwrap
def test_a_training_run_is_confined_as_a_program_is(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0)
    folder, cache = tmp_path / "claims", tmp_path / "cache"
    targets = [str(ROOT / "ESCAPED-training.txt"), str(tmp_path / "out" / "escaped.txt"),
               str(folder / "escaped.txt"), "/tmp/escaped-training.txt"]
    specs = []
    for name, code in TRAINING.items():
        code = "import numpy as np\n" + code.replace("0.96", "0.96 + float(np.random.normal(0, 0.004))")
        code = code.replace("CACHE", repr(str(cache))).replace("PORT", str(listener.getsockname()[1]))
        code = code.replace("TARGETS", repr(targets)).replace("PWNED", repr(str(tmp_path / "PWNED")))
        write(folder, name, code.replace("'SECRET'", repr(SECRET)))
        specs.append({"id": f"t.{name[2:-3]}", "kind": "metric", "tier": "cpu", "reference": "r", "expected": "96%",
                      "measure": {"listings": [name], "value": "acc", "seeds": {"cpu": 2}}, "source": CITE})
    write(folder, "references.yaml", yaml.safe_dump({"references": {"r": {"values": [0.956, 0.960, 0.964]}}}))
    write(folder, "spec.yaml", yaml.safe_dump({"book": "b", "chapter": 1, "section": "1.1", "title": "t",
                                               "claims": specs}, sort_keys=False))
    proc, doc, results = verify(tmp_path, folder, "--tier", "cpu", "--jobs", "2")
    accepted = was_reached(listener)
    assert doc["run"]["confinement"]["confined"] is True, doc["run"]["confinement"]
    for cid in ("t.key", "t.proc", "t.net", "t.writes"):  # 0.5 where the run saw or reached what it looked for
        runs = results[cid]["details"].get("runs") or []
        assert len(runs) == 2 and all(run["value"] > 0.9 for run in runs), (cid, runs, results[cid]["reason"])
    # the pickles also went into its own answer: its own claim is the error, and nothing ran outside
    pickles = results["t.pickles"]
    assert pickles["status"] == "error" and "gave no record" in pickles["reason"], pickles["reason"]
    assert not (tmp_path / "PWNED").exists(), "a training run's pickle ran in the claimcheck process"
    assert not accepted
    for path in [*targets, str(cache / "escaped.txt")]:  # the cache is a scratch of its own to the run
        assert not os.path.exists(path), path
    assert keys.path_of(cache).is_file()  # the store was there, and sealed, while the runs could not see it


@pytest.fixture(scope="module")
def unconfinable(tmp_path_factory):
    """A machine without bubblewrap (its path points at nothing): runs as before, and says so."""
    base = tmp_path_factory.mktemp("unconfinable")
    folder = base / "claims"
    for name in ("good.py", "kills.py", "after.py"):
        write(folder, name, LISTINGS[name])
    write(folder, "more.py", "x = 7\n")
    claims = [c for c in CLAIMS if c["id"] in ("c.good", "c.kills", "c.after")]
    claims.append(claim("c.more", "more.py", 7))
    write(folder, "spec.yaml", yaml.safe_dump({"book": "b", "chapter": 1, "section": "1.1", "title": "t",
                                               "claims": claims}, sort_keys=False))
    proc, doc, results = verify(base, folder, env={"CLAIMCHECK_BWRAP": str(base / "no-bwrap")})
    return {"proc": proc, "doc": doc, "results": results}


def test_a_machine_that_cannot_confine_says_so(unconfinable):
    proc, doc = unconfinable["proc"], unconfinable["doc"]
    assert proc.returncode == 1, proc.stderr[-3000:]
    first = first_line(proc.stderr)
    assert first.startswith("claimcheck: WARNING: programs run unconfined") and "bubblewrap is not installed" in first
    assert doc["run"]["confinement"]["confined"] is False
    assert "bubblewrap is not installed" in doc["run"]["confinement"]["why"]


def test_a_killed_server_takes_only_its_culprit(unconfinable):
    results = unconfinable["results"]
    kills = results["c.kills"]
    assert kills["status"] == "error", kills
    assert "the sandbox's server died while this program ran" in kills["reason"], kills
    assert "BrokenProcessPool" not in json.dumps(results)
    for cid in ("c.good", "c.after", "c.more"):
        assert results[cid]["status"] == "passed", results[cid]


def test_turned_off_it_says_so():
    from claimcheck.runners.core.settings import resolve
    from claimcheck.runners.engine import confine

    off = confine.status(resolve({}, env={"CLAIMCHECK_NO_CONFINE": "1"}), in_process=False)
    assert off.to_dict() == {"confined": False, "why": "turned off (--no-confine / CLAIMCHECK_NO_CONFINE=1)"}
    assert off.line().startswith("claimcheck: WARNING: programs run unconfined")
    inproc = confine.status(resolve({}), in_process=True)
    assert not inproc.confined and "--jobs 0" in inproc.why


def test_the_environment_is_an_allowlist_of_exact_names():
    from claimcheck.runners.engine.environ import scrubbed

    env = {"TF_TOKEN_app_terraform_io": "x", "TF_HTTP_PASSWORD": "x", "TF_VAR_db": "x", "KERAS_SECRET": "x",
           "CUDA_TOKEN": "x", "LC_SECRET": "x", "GITHUB_TOKEN": "x", "TF_CPP_MIN_LOG_LEVEL": "2",
           "KERAS_BACKEND": "jax", "CUDA_VISIBLE_DEVICES": "0", "XLA_FLAGS": "--x", "PATH": "/bin", "LC_ALL": "C"}
    assert scrubbed(env) == {"TF_CPP_MIN_LOG_LEVEL": "2", "KERAS_BACKEND": "jax", "CUDA_VISIBLE_DEVICES": "0",
                             "XLA_FLAGS": "--x", "PATH": "/bin", "LC_ALL": "C"}


def test_limits_are_settings():
    from claimcheck.runners.core.settings import resolve

    s = resolve({"memory_limit": "4", "process_limit": "64", "scratch_limit": "0.5"})
    assert (s.memory_limit, s.process_limit, s.scratch_limit) == (4.0, 64, 0.5)
    with pytest.raises(ValueError):
        resolve({"memory_limit": "-1"})


def _with_mark(mark: str) -> list[str]:
    """The live processes whose command line holds ``mark``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if mark.encode() in open(f"/proc/{pid}/cmdline", "rb").read():
                found.append(pid)
        except OSError:
            continue
    return found


def test_a_bubblewrap_left_waiting_is_ended_with_the_run(tmp_path):
    """bubblewrap's child waits for its parent to map its user ids; a bubblewrap killed before it did (a
    server started as a usage error ended the run) left that child waiting for ever, orphaned, holding
    the run's stdout and stderr open (a test reading them hung, twice on 2026-12-08): the run ends each
    of its bubblewraps with what it started. Planted: a child named bwrap (a shell copy) that started a
    sleep, beside a child of another name."""
    import shutil
    import subprocess
    import time

    from claimcheck.runners.engine import confine

    fake = tmp_path / "bwrap"
    shutil.copy("/bin/sh", fake)
    mark = f"7777.{os.getpid()}1"
    waiting = subprocess.Popen([str(fake), "-c", f"/bin/sleep {mark} & wait"])
    other = subprocess.Popen(["/bin/sleep", "600"])
    try:
        deadline = time.time() + 10
        while not _with_mark(mark):
            assert time.time() < deadline, "the planted bwrap's child did not start"
            time.sleep(0.05)
        assert confine.end_children() == [waiting.pid]
        time.sleep(0.2)
        assert _with_mark(mark) == [] and other.poll() is None  # its child too; the other process untouched
    finally:
        for p in (waiting, other):
            p.kill()
            p.wait()
