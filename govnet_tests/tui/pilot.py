"""Helpers for driving the TUI with Pilot: wait for workers, walk the plan tree."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets.tree import TreeNode

from tui.widgets.plan_tree import PlanTree


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and every callback it scheduled run."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def find(node: TreeNode, text: str) -> TreeNode:
    for child in node.children:
        if str(child.label).startswith(text):
            return child
    raise AssertionError(f"no node {text!r} under {node.label}: "
                         f"{[str(c.label) for c in node.children]}")


async def open_path(pilot: Pilot[None], *labels: str) -> TreeNode:
    """Expand the plan tree along ``labels`` (as a user would: cursor + Enter)."""
    tree = pilot.app.screen.query_one(PlanTree)
    node = tree.root
    for text in labels:
        node = find(node, text)
        tree.move_cursor(node)
        await pilot.pause()
        if node.allow_expand and not node.is_expanded:
            await pilot.press("enter")
        await settle(pilot)
    return node


async def until(pilot: Pilot[None], condition: Callable[[], object], timeout: float = 15) -> None:
    """Settle until ``condition()`` holds (a worker on a loaded machine can lag a frame)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await settle(pilot)
        await pilot.pause(0.05)
