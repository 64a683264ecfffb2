"""The command's exit status and usage errors: a status CI can trust."""
import pytest

from claimcheck.runners.cli import main

from helpers import CLAIMS, NOISY, make_claim


def verify(*args):
    return main(["verify", "-q", *map(str, args)])


@pytest.mark.parametrize("seeds", ["0", "1"])
def test_too_few_seeds_is_a_usage_error(seeds, capsys):
    assert verify("--claims", CLAIMS, "-k", "dense.test_acc.printed", "--seeds", seeds) == 2
    assert "a verdict needs the spread of at least 2 seeds" in capsys.readouterr().err


def test_the_gpu_tier_without_a_gpu_is_a_usage_error_that_says_what_it_found(capsys):
    assert verify("--claims", CLAIMS, "--tier", "gpu", "-k", "nopool.params.total") == 2
    err = capsys.readouterr().err
    assert "needs an accelerator" in err and "sees none here (CPU" in err and "--allow-cpu" in err


def test_allow_cpu_runs_the_gpu_tier_anyway():
    assert verify("--claims", CLAIMS, "--tier", "gpu", "--allow-cpu", "-k", "nopool.params.total") == 0


def test_a_claim_that_requires_a_gpu_is_a_usage_error_without_one(tmp_path, capsys):
    make_claim(tmp_path, "param_count", {"object": "model"}, 104202,
               listing=(CLAIMS / "dlwp2/ch08/listings/listing_8_1.py").read_text(), requires=["gpu"])
    assert verify("--claims", tmp_path / "claims") == 2
    assert "--allow-cpu" in capsys.readouterr().err


def test_no_claims_is_a_usage_error(capsys):
    assert verify("--claims", CLAIMS, "-k", "no-such-claim") == 2
    assert "no claims found" in capsys.readouterr().err


def test_an_unknown_fail_on_status_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        verify("--claims", CLAIMS, "--fail-on", "skipped")
    assert info.value.code == 2 and "--fail-on takes inconclusive" in capsys.readouterr().err


def test_inconclusive_exits_zero_unless_asked_to_fail(tmp_path):
    make_claim(tmp_path, "metric", {"value": "acc", "seeds": {"cpu": 4}}, "0.9935",
               listing=NOISY.format(mean=0.991, sd=0.0005), tier="cpu", reference="r",
               references={"r": {"values": [0.9905, 0.9912, 0.9909, 0.9915, 0.9903]}})
    claims = tmp_path / "claims"
    assert verify("--claims", claims, "--jobs", "0", "--out", tmp_path / "a") == 0
    assert verify("--claims", claims, "--jobs", "0", "--out", tmp_path / "b", "--fail-on", "inconclusive") == 1


def test_every_subcommands_help_ends_with_an_example():
    from claimcheck.runners.cli import parser

    sub = next(a for a in parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, command in sub.choices.items():
        text = " ".join(command.format_help().split())
        assert f"example: claimcheck {name} " in text and text.rindex("example:") > len(text) - 200, name


def test_a_run_with_no_claims_starts_nothing_and_leaves_nothing(tmp_path):
    """No spec under --claims: a usage error before any sandbox starts (no fork server, no bubblewrap),
    so nothing is left running and nothing is printed after the one line."""
    import os

    from helpers import cli

    (tmp_path / "claims").mkdir()
    proc = cli("verify", "--claims", tmp_path / "claims", "--out", tmp_path / "out", "--no-history",
               "--cache-dir", tmp_path / "cache", cwd=tmp_path)
    assert proc.returncode == 2 and "no claims found" in proc.stderr
    assert "bwrap" not in proc.stderr and "Traceback" not in proc.stderr
    mine = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if str(tmp_path / "cache").encode() in f.read():
                    mine.append(pid)
        except OSError:
            continue
    assert not mine
