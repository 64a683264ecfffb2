"""Sections 8.2-8.3 end to end on tiny generated images: every pipeline runs through the real
runner and records its measurements, though Kaggle's data and the ImageNet weights are absent."""
from claimcheck.runners.resources import dogs_vs_cats

from dogs_vs_cats_fixture import make_kaggle_train, shrink_claims
from helpers import cli, results_of


def test_make_subset_and_every_pipeline_produce_measurements(claims_copy, tmp_path):
    kaggle = make_kaggle_train(tmp_path / "kaggle/train")
    for other in (claims_copy / "dlwp2/ch08").glob("8.1*.yaml"):
        other.unlink()  # only sections 8.2-8.3 here: at tier gpu the MNIST claims would train 10 seeds
    ids = []
    for name in ("8.2-dogs-vs-cats-from-scratch.yaml", "8.3-pretrained-vgg16.yaml"):
        ids += shrink_claims(claims_copy / "dlwp2/ch08" / name, claims_copy)
    assert len(ids) >= 14
    out = tmp_path / "out"
    proc = cli("verify", "--claims", claims_copy / "dlwp2/ch08", "--tier", "gpu", "--allow-cpu", "--out", out,
               "--dogs-vs-cats", kaggle, "--cache-dir", tmp_path / "cache", "-k", "dlwp2.ch08.", "--jobs", "2")
    records = results_of(out)
    for claim_id in ids:
        record = records[claim_id]
        assert record["status"] not in ("error", "skipped"), (claim_id, record["reason"], record["traceback"][-3000:])
        assert record["observed"] is not None, claim_id
    # make_subset ran as printed (with the tiny ranges): 10/5/10 per class, all decodable
    assert records["dlwp2.ch08.data.balanced"]["observed"] == [10, 10, 5, 5, 10, 10]
    assert records["dlwp2.ch08.data.found-files"]["observed"] == [20, 10, 20]
    assert records["dlwp2.ch08.data.every-file-decodes"]["observed"] == []
    assert records["dlwp2.ch08.data.batch-shape"]["observed"] == [20, 80, 80, 3]
    # each trained pipeline recorded its per-seed measurement, with the substitutions on record
    trained = [records[i] for i in ids if records[i]["kind"] == "metric"]
    assert len(trained) == 9
    for record in trained:
        assert len(record["details"]["summary"]["values"]) == 2
        assert record["details"]["runs"][0]["seconds"] > 0
    assert proc.returncode in (0, 1)


def test_an_existing_small_folder_works_too(tmp_path):
    """cats_vs_dogs_small/ given directly: listing 8.6 still runs, from links under Kaggle names."""
    small = tmp_path / "cats_vs_dogs_small"
    for subset, start, end in (("train", 0, 4), ("validation", 4, 6), ("test", 6, 8)):
        for label in ("cat", "dog"):
            folder = small / subset / label
            make_kaggle_train(tmp_path / "k", per_class=8)
            folder.mkdir(parents=True)
            for i in range(start, end):
                (folder / f"{label}.{i}.jpg").write_bytes((tmp_path / "k" / f"{label}.{i}.jpg").read_bytes())

    class Config:
        dogs_vs_cats = small

    assert dogs_vs_cats.layout(small) == "small"
    work = tmp_path / "work"
    work.mkdir()
    with dogs_vs_cats.workspace(Config, work):
        assert (work / "train/cat.7.jpg").is_file() and (work / "train/dog.0.jpg").is_symlink()


def test_no_images_skips_with_the_fix(tmp_path, monkeypatch):
    monkeypatch.delenv("CLAIMCHECK_DOGS_VS_CATS", raising=False)
    out = tmp_path / "out"
    cli("verify", "--tier", "gpu", "--allow-cpu", "--out", out, "-k", "dlwp2.ch08.data.", "-q",
        env={"CLAIMCHECK_DOGS_VS_CATS": ""})
    records = list(results_of(out).values())
    assert records and all(r["status"] == "skipped" for r in records)
    assert all("--dogs-vs-cats" in r["fix"] for r in records)
