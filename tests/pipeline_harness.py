"""Helpers to run the project's real Definitions against a simulated Hub in a test."""

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import dagster as dg


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the block, restoring the previous values afterwards."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def load_definitions() -> dg.Definitions:
    """The project's Definitions, loaded now so that resources read the current environment."""
    from orchestration.definitions import defs

    return defs()
