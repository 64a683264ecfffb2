"""Imported once by the sandbox's fork server, before it forks: the framework, the libraries the
harness uses and the engine, then ``gc.freeze()``.

Each forked process re-runs the caller's main script (multiprocessing's start-up), which imports
the harness's front-end again: with its libraries already here that costs milliseconds, not the
second or more that pandas, scipy and jinja2 take to import. A frozen heap keeps the collector of a
fork from walking, and so copying, the server's objects.
"""
import gc
import importlib.util

import jinja2  # noqa: F401
import keras  # noqa: F401
import pandas  # noqa: F401
import scipy.stats  # noqa: F401
import yaml  # noqa: F401

from . import sandbox  # noqa: F401

if importlib.util.find_spec("pytest") is not None:  # the pytest plugin's main script is pytest's
    import pytest  # noqa: F401

gc.collect()
gc.freeze()
