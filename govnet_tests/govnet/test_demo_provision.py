"""The demo's approved request can be dry-run out of the box (issue 9 item 5): a
city-level unit attaches to the city's aggregation router, and the dry run of a demo
device renders and diffs without contacting it; the live run is still refused."""

from __future__ import annotations

import json

from govnet_tests.conftest import db_snapshot


def test_demo_request_dry_run(db, cli):
    assert cli("demo --no-tui").code == 0
    requests = json.loads(cli("access list --json").out)
    approved = [r for r in requests if r["state"] == "approved"]
    assert len(approved) == 1
    number = approved[0]["id"]
    before = db_snapshot()
    r = cli(f"access provision {number} --dry-run --json")
    assert r.code == 0, r.err
    assert "st-agg-1" in r.out and "+" in r.out
    assert db_snapshot() == before  # a dry run changes nothing
    live = cli(f"access provision {number}")
    assert live.code == 5 and "demo device" in live.err, live.err
