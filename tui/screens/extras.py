"""Counts from the access and inventory packages for the dashboard.

Each returns None while its package's service is not installed, and the
dashboard says so instead of guessing.
"""

from __future__ import annotations

from typing import Any

from govnet.auth import Actor
from govnet.models import Role


def request_counts(session: Any, actor: Actor) -> dict[str, int] | None:
    """Connection requests the actor may see, counted by state."""
    try:
        from access import workflow
    except ImportError:
        return None
    counts: dict[str, int] = {}
    for r in workflow.list_requests(session, actor):
        counts[r.state] = counts.get(r.state, 0) + 1
    return counts


def device_counts(session: Any, actor: Actor) -> dict[str, int] | None:
    """Devices by reachability as their last check found them (nothing is contacted)."""
    try:
        from inventory import service
    except ImportError:
        return None
    counts = {"reachable": 0, "unreachable": 0, "unchecked": 0}
    if not actor.reads_all and actor.role is not Role.district_operator:
        return counts  # the inventory is not the applicant's to read (inventory.service)
    for d in service.list_devices(session, actor):
        reach = d.last_check_ok
        key = "unchecked" if reach is None else "reachable" if reach else "unreachable"
        counts[key] += 1
    return counts
