"""Data sets a library downloads on first use into its own cache, which this machine cannot fetch.

``fetch_california_housing()`` (scikit-learn) and ``keras.datasets.cifar10.load_data()`` download
their files once and read their cache afterwards. Nothing is mirrored here: where the library's
cache already holds the files, the code reads them as it always does; where it does not, the claims
that declare the data set are skipped with the reason and the fix (run the loader once online, or
copy the cache in), never left to fail on a download.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Skip


def sklearn_data() -> Path:
    """scikit-learn's data home: $SCIKIT_LEARN_DATA or ~/scikit_learn_data."""
    return Path(os.environ.get("SCIKIT_LEARN_DATA", Path.home() / "scikit_learn_data")).expanduser()


def keras_datasets() -> Path:
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets"


@dataclass(frozen=True)
class Cached:
    title: str
    loader: str  # the call that downloads it
    where: object  # () -> Path: the file or folder the library's cache holds it in

    @property
    def fix(self) -> str:
        return (f"run `{self.loader}` once on a machine that can download it, and copy its cache "
                f"({self.where()}) to this machine")

    def check(self, settings=None) -> Path:
        path = self.where()
        if not path.exists():
            raise Skip(f"{self.title} is not in {path} and cannot be downloaded on this machine "
                       f"(`{self.loader}` downloads it)", self.fix)
        return path

    def fingerprint(self, settings=None) -> str:
        path = self.where()
        if not path.exists():
            return "absent"
        files = sorted(p for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file())
        return "cache:" + ",".join(f"{p.name}:{p.stat().st_size}" for p in files)[:200]


CALIFORNIA_HOUSING = Cached("scikit-learn's California housing data", "sklearn.datasets.fetch_california_housing()",
                            lambda: sklearn_data() / "cal_housing_py3.pkz")
CIFAR10 = Cached("CIFAR-10", "keras.datasets.cifar10.load_data()", lambda: keras_datasets() / "cifar-10-batches-py")
