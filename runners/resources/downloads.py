"""Data sets a library downloads on first use into its own cache, which this machine cannot fetch.

``fetch_california_housing()`` (scikit-learn) and ``keras.datasets.cifar10.load_data()`` download
their files once and read their cache afterwards. Nothing is mirrored here: where the library's
cache already holds the files, the code reads them as it always does; where it does not, the claims
that declare the data set are skipped with the reason and the fix (run the loader once online, or
copy the cache in), never left to fail on a download.
"""
from __future__ import annotations

import os
import re
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


# -- a program that tries the network -------------------------------------------------------------

NETWORK_ERRORS = frozenset({
    "URLError", "HTTPError", "gaierror", "herror", "ConnectionError", "ConnectTimeout", "ConnectTimeoutError",
    "NewConnectionError", "MaxRetryError", "NameResolutionError", "OfflineModeIsEnabled",
    "LocalEntryNotFoundError", "ProxyError", "SSLError", "ReadTimeout", "Timeout", "RemoteDisconnected",
})
NETWORK_WORDS = ("Temporary failure in name resolution", "Name or service not known", "Network is unreachable",
                 "No address associated with hostname", "nodename nor servname", "couldn't connect to",
                 "Connection refused", "Failed to establish a new connection")
URL = re.compile(r"https?://[^\s'\"<>)\]]+")
# where each library keeps what it downloads (by the module a traceback frame is in)
CACHES = (
    ("sklearn", "scikit-learn's data home (SCIKIT_LEARN_DATA, ~/scikit_learn_data)"),
    ("tensorflow_datasets", "TensorFlow Datasets' data folder (TFDS_DATA_DIR, ~/tensorflow_datasets)"),
    ("torchvision", "the dataset's `root=` folder beside the notebook"),
    ("torch/hub", "torch.hub's cache (TORCH_HOME, ~/.cache/torch/hub)"),
    ("huggingface_hub", "the Hugging Face cache (HF_HOME, ~/.cache/huggingface)"),
    ("transformers", "the Hugging Face cache (HF_HOME, ~/.cache/huggingface)"),
    ("datasets", "the Hugging Face cache (HF_HOME, ~/.cache/huggingface)"),
    ("keras", "Keras' cache (KERAS_HOME, ~/.keras/datasets or ~/.keras/models)"),
    ("tensorflow", "Keras' cache (KERAS_HOME, ~/.keras/datasets or ~/.keras/models)"),
)


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def tried_network(exc: BaseException, listing: str, text: str) -> Skip | None:
    """The Skip for a program that failed because it reached for the network (programs have none):
    what it tried to download (the book's line, the URL) and where a local copy goes; None for any
    other failure."""
    import traceback

    chain = list(_chain(exc))
    cache = _library_cache(chain)
    named = any(cls.__name__ in NETWORK_ERRORS for e in chain for cls in type(e).__mro__)
    worded = any(w.lower() in str(e).lower() for e in chain for w in NETWORK_WORDS)
    if not (named or worded or cache):
        return None
    frames = [f for e in chain for f in traceback.extract_tb(e.__traceback__)]
    mine = [f for f in frames if f.filename == listing]
    line = ""
    if mine:
        lines = text.splitlines()
        n = mine[-1].lineno
        line = lines[n - 1].strip() if n and 0 < n <= len(lines) else ""
    urls = [u for e in chain for u in URL.findall(str(e))]
    where = next((w for module, w in CACHES for f in frames if f"/{module}/" in f.filename), None)
    what = " ".join(p for p in (f"`{line}`" if line else "", f"({urls[0]})" if urls else "") if p) or "something"
    if cache and not (named or worded):  # it made its cache folder first, to download into
        return Skip(f"the program writes to {cache}, a library's cache outside its working folder (read-only here), "
                    f"to download {what}; programs have no network here",
                    f"download it once on a machine with network and copy it into {cache} "
                    "(programs run without network: docs/sandbox.md)")
    urls = urls or URL.findall(line)
    beside = _copy_beside(listing, urls)
    if beside is not None:  # the book ships the file next to its notebook (a UCI dataset, a CSV)
        return Skip(f"the program tried to download {what}, and programs have no network here",
                    f"a copy is beside the notebook ({beside}): read it instead, with a change in the notebook's "
                    f"sidecar (NOTEBOOK.changes.yaml: old '{urls[0]}', new '{beside}'; docs/schema.md)")
    return Skip(f"the program tried to download {what}, and programs have no network here",
                f"download it once on a machine with network and copy it into {where or 'the folder the code reads it from'} "
                "(programs run without network: docs/sandbox.md)")


def _copy_beside(listing: str, urls: list) -> str | None:
    """The name of a file beside the listing that the first URL's last part names, or None."""
    if not urls:
        return None
    name = urls[0].rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    folder = Path(listing).parent
    return name if name and (folder / name).is_file() else None


def _library_cache(chain) -> str:
    """The folder under the home folder a program failed to write (read-only: the sandbox's), where a
    library keeps what it downloads (``~/.cache/seaborn``, ``~/scikit_learn_data``), or ''."""
    import errno

    home = str(Path.home())
    for e in chain:
        name = getattr(e, "filename", None)
        if isinstance(e, OSError) and e.errno == errno.EROFS and isinstance(name, str) and name.startswith(home):
            return name
    return ""
