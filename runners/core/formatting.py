"""Values as a person reads them, in the report, the errata and the kinds' messages."""
from __future__ import annotations

import json


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


def plain(value):
    """A value as JSON holds it: tuples and arrays as lists, NumPy scalars as numbers, TensorShapes
    as lists, dtypes as their names. Anything else is returned as it is."""
    if hasattr(value, "as_list"):  # a TensorShape
        value = value.as_list()
    if type(value).__name__ == "dtype" or type(value).__name__.endswith("DType"):
        return str(getattr(value, "name", value))
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value
