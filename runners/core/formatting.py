"""Values as a person reads them, in the report, the errata and the kinds' messages."""
from __future__ import annotations

import json
import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def show(value) -> str:
    """Shapes as tuples, counts with separators, fractions with four decimals."""
    if value is None:
        return "—"
    if isinstance(value, (bool, str)):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, list) and all(v is None or isinstance(v, int) for v in value):
        return "(" + ", ".join("None" if v is None else str(v) for v in value) + ")"
    return json.dumps(value, ensure_ascii=False, default=str)


ARRAY_MODULES = ("numpy", "jax", "jaxlib", "torch", "tensorflow", "keras")


def plain(value):
    """A value as JSON holds it: tuples and arrays as lists, NumPy (and framework) scalars as numbers,
    TensorShapes as lists, dtypes as their names. Nothing else is converted by calling it: any other
    object is named by its type alone (``<keras.src.models.sequential.Sequential>``), since a
    program's object may run code of its own when asked for a list or a text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k) if isinstance(k, (str, int, float, bool)) else _named(k): plain(v) for k, v in value.items()}
    cls = type(value)
    module = (getattr(cls, "__module__", "") or "").split(".")[0]
    if module not in ARRAY_MODULES:
        return _named(value)
    if cls.__name__ == "TensorShape":
        return plain(value.as_list())
    if cls.__name__ == "dtype" or cls.__name__.endswith("DType"):
        return str(getattr(value, "name", value))
    import numpy as np

    if isinstance(value, (np.ndarray, np.generic)):
        return plain(value.tolist())
    try:  # a framework's tensor or array, through NumPy
        return plain(np.asarray(value).tolist())
    except Exception:
        return _named(value)


def _named(value) -> str:
    cls = type(value)
    return f"<{cls.__module__}.{cls.__qualname__}>"


def one_line(text, most: int = 300) -> str:
    """``text`` safe for a terminal line: control characters (escapes, carriage returns, newlines)
    shown as ``\\xNN`` instead of acted on, and cut after ``most`` characters."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))
    return text if len(text) <= most else text[:most] + f"... ({len(text):,} characters)"
