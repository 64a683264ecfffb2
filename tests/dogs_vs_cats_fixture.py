"""A tiny dogs-vs-cats-like folder in Kaggle's naming, and the settings that make the book's
pipelines run on it in seconds (one epoch, weights=None, 80x80 images)."""
from pathlib import Path

import numpy as np
import yaml

from helpers import _DumpFunctions, _KeepFunctions

PER_CLASS = 25  # listing 8.6 is pointed at 0-10 / 10-15 / 15-25 by TINY below

TINY = {
    "end_index=1000)": "end_index=10)",
    "start_index=1000, end_index=1500": "start_index=10, end_index=15",
    "start_index=1500, end_index=2500": "start_index=15, end_index=25",
    "(180, 180": "(80, 80",  # the smallest size listing 8.7's five convolutions take is 78
    "(5, 5, 512)": "(2, 2, 512)",  # VGG16 on 80x80
    'weights="imagenet"': "weights=None",
    "epochs=30": "epochs=1",
    "epochs=50": "epochs=1",
    "epochs=100": "epochs=1",
    "epochs=20": "epochs=1",
}


def make_kaggle_train(folder: Path, per_class: int = PER_CLASS, size: int = 40) -> Path:
    """JPEGs named like Kaggle's (cat.0.jpg, dog.0.jpg, ...): reddish cats, bluish dogs."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for label, channel in (("cat", 0), ("dog", 2)):
        for i in range(per_class):
            pixels = rng.integers(0, 120, (size, size, 3), dtype=np.uint8)
            pixels[..., channel] += 120
            Image.fromarray(pixels).save(folder / f"{label}.{i}.jpg", quality=90)
    return folder


def shrink_claims(spec: Path, claims_root: Path) -> list[str]:
    """Give every dogs-vs-cats claim of a spec file the tiny settings; returns their ids."""
    doc = yaml.load(spec.read_text(), Loader=_KeepFunctions)
    changed = []
    for claim in doc["claims"]:
        requires = claim.get("requires", [])
        if "dogs_vs_cats" not in requires:
            continue
        claim["requires"] = [r for r in requires if r != "vgg16_weights"]  # weights=None below
        measure = claim["measure"]
        source = "".join((spec.parent / p).read_text() for p in measure["listings"])
        substitute = dict(measure.get("substitute") or {})
        substitute.update({old: new for old, new in TINY.items() if old in source})
        measure["substitute"] = substitute
        if "seeds" in measure:
            measure["seeds"] = {"gpu": 2}
        changed.append(claim["id"])
    spec.write_text(yaml.dump(doc, Dumper=_DumpFunctions, allow_unicode=True, sort_keys=False))
    return changed
