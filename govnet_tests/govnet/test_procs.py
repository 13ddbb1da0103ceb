"""The multi-process harness itself: spawned workers import the test tree by its own
name whatever site-packages holds, and a worker that dies fails the run at once."""

from __future__ import annotations

import os
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from govnet_tests.procs import START_TIMEOUT, run_together

ROOT = Path(__file__).resolve().parents[2]


def _where(barrier) -> str:  # type: ignore[no-untyped-def]
    barrier.wait(START_TIMEOUT)
    import govnet_tests

    return str(Path(next(iter(govnet_tests.__path__))).resolve())


def _dies(barrier) -> None:  # type: ignore[no-untyped-def]
    os._exit(3)  # as a worker killed by the kernel would: no exception, no result


def test_spawned_workers_import_this_test_tree():
    assert run_together(_where, [], 3) == [str(ROOT / "govnet_tests")] * 3


def test_a_top_level_tests_package_elsewhere_cannot_shadow_the_workers(tmp_path, monkeypatch):
    """textfsm 2.1.1 installs a regular ``tests`` package; put one first on the path."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "__init__.py").write_text("raise ImportError('the wrong tests')\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    assert run_together(_where, [], 2) == [str(ROOT / "govnet_tests")] * 2


def test_a_worker_that_dies_fails_the_run_fast():
    with pytest.raises(BrokenProcessPool):
        run_together(_dies, [], 4, deadline=60)
