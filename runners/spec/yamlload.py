"""YAML loading that remembers the line each mapping starts on, and reads ``!function`` tags.

``value: !function checks.peak_val_accuracy`` names a function in ``checks.py`` beside the spec
file (see values.py); nothing in a spec is evaluated as Python.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from .values import FunctionRef

LINE_KEY = "__line__"


class _LineLoader(yaml.SafeLoader):
    spec_path: Path = Path(".")


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


def _construct_function(loader: _LineLoader, node: yaml.ScalarNode):
    text = loader.construct_scalar(node).strip()
    module, _, name = text.rpartition(".")
    if not module or not name:
        raise yaml.constructor.ConstructorError(
            None, None, f"!function needs module.name, got '{text}'", node.start_mark)
    return FunctionRef(module, name, str(Path(loader.spec_path).resolve().parent))


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("!function", _construct_function)


class SpecSyntaxError(Exception):
    def __init__(self, path: Path, line: int | None, message: str):
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.message = message


def load_yaml(path: Path) -> object:
    """Parse one YAML file; a syntax error names the file and line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecSyntaxError(path, None, f"cannot read: {exc.strerror}") from exc
    loader = _LineLoader(text)
    loader.spec_path = Path(path)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecSyntaxError(path, line, f"malformed YAML: {problem}") from exc
    finally:
        loader.dispose()


def strip_lines(value: object) -> object:
    """The same data without the line markers."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value
