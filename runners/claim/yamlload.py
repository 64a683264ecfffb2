"""YAML loading that remembers the line each mapping starts on, and reads ``!function`` tags.

``value: !function checks.peak_val_accuracy`` names a function in ``checks.py`` beside the spec
file (see values.py); nothing in a spec is evaluated as Python.

Every way a file can be wrong is a :class:`SpecSyntaxError` naming the file and line, never a
crash: not UTF-8, a NUL byte, over :data:`MAX_BYTES`, malformed YAML, a key twice in one mapping
(YAML would keep the last silently), or aliases that expand past :data:`MAX_NODES` (an alias
bomb of a few hundred bytes expands to billions of nodes). A file is parsed once per version of
it (its size and modification time), however often it is asked for.
"""
from __future__ import annotations

import copy
import functools
from pathlib import Path

import yaml

from ..core.files import FileRefused, read_bounded
from .values import FunctionRef, file_stamp

LINE_KEY = "__line__"
MAX_BYTES = 1_000_000  # a spec file is a few kB; a reference file a few tens
MAX_NODES = 200_000  # nodes after aliases are expanded; the book's largest file has about 3,000


class _LineLoader(yaml.SafeLoader):
    spec_path: Path = Path(".")


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    seen = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # `<<: *anchor`: the merged keys are defaults, the mapping's own keys win
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, f"a mapping key must be a plain value, got {type(key).__name__}", key_node.start_mark
            ) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}' (first at line {seen[key]}): YAML would keep only the last",
                key_node.start_mark)
        seen[key] = key_node.start_mark.line + 1
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


def _construct_function(loader: _LineLoader, node: yaml.ScalarNode):
    if not isinstance(node, yaml.ScalarNode):
        raise yaml.constructor.ConstructorError(None, None, "!function takes module.name", node.start_mark)
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


def _expanded_size(node, limit: int) -> int:
    """How many nodes the document holds with every alias expanded, counted up to ``limit``."""
    sizes: dict[int, int] = {}

    def size(n) -> int:
        if id(n) in sizes:
            return sizes[id(n)]
        sizes[id(n)] = limit + 1  # a node that contains itself (a recursive alias) is over any limit
        if isinstance(n, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in n.value)
        elif isinstance(n, yaml.SequenceNode):
            total = 1 + sum(size(v) for v in n.value)
        else:
            total = 1
        sizes[id(n)] = min(total, limit + 1)
        return sizes[id(n)]

    return size(node)


def _text(path: Path, root: Path | None = None) -> str:
    try:
        data = read_bounded(Path(path), MAX_BYTES, "a spec", root)
    except FileRefused as exc:
        raise SpecSyntaxError(path, None, str(exc).split(": ", 1)[1]) from None
    except OSError as exc:
        raise SpecSyntaxError(path, None, f"cannot read: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SpecSyntaxError(path, line, f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}") from None
    if "\x00" in text:
        raise SpecSyntaxError(path, text[:text.index("\x00")].count("\n") + 1, "a NUL byte: not a text file")
    return text


@functools.lru_cache(maxsize=256)
def _parse(path: str, stamp) -> object:
    text = _text(Path(path))
    loader = _LineLoader(text)
    loader.spec_path = Path(path)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, MAX_NODES) > MAX_NODES:
            raise SpecSyntaxError(Path(path), node.start_mark.line + 1,
                                  f"its aliases expand to over {MAX_NODES:,} nodes (an alias bomb?)")
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecSyntaxError(Path(path), line, f"malformed YAML: {problem}") from exc
    except RecursionError:
        raise SpecSyntaxError(Path(path), None, "nested too deeply to read") from None
    finally:
        loader.dispose()


def load_yaml(path: Path, root: Path | None = None) -> object:
    """Parse one YAML file (once per version of it); every problem names the file and line. With
    ``root``, a file whose link leads out of that tree is refused (core/files.py)."""
    path = Path(path)
    stamp = file_stamp(path)
    if stamp is None:
        raise SpecSyntaxError(path, None, "cannot read: no such file")
    if root is not None:
        _text(path, root)  # the tree's bound, checked before the parse is taken from the cache
    return copy.deepcopy(_parse(str(path.resolve()), stamp))


def strip_lines(value: object) -> object:
    """The same data without the line markers."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value
