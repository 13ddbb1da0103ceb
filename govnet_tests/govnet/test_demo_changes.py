"""``govnet demo`` on a used demo tells audited changes from rows changed behind govnet's
back (issue 21): the audit events after ``demo.seed`` are the changes; row counts that
differ from the seed's are reported as unaudited only when no audited change explains them.
"""

from __future__ import annotations

import json

from sqlalchemy import text

from govnet import db as gdb


def test_an_untouched_demo_is_unchanged(any_db, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("demo --no-tui").code == 0
    assert cli("audit head").code == 0  # an anchor changes no row: still untouched
    r = cli("demo --no-tui")
    assert r.code == 0 and "unchanged since the demo was seeded" in r.out
    assert "without an audit event" not in r.out
    assert "'govnet demo --reset' seeds it again" in r.out


def test_changes_through_govnet_are_reported_as_audited(any_db, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("demo --no-tui").code == 0
    assert cli("ipam allocate --owner 金平区教育局 --hosts 50 --district 金平区").code == 0
    assert cli("org district add 测试区").code == 0
    r = cli("demo --no-tui")
    assert r.code == 0, r.err
    assert "2 change(s) since the demo was seeded (newest: #" in r.out
    assert "org.district.add by admin" in r.out
    assert "without an audit event" not in r.out, r.out
    assert json.loads(cli("demo --no-tui --json").out)["changes_since_seed"] == 2


def test_a_row_changed_behind_govnets_back_is_reported_as_unaudited(any_db, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("demo --no-tui").code == 0
    with gdb.begin() as conn:  # as someone with a SQL client would
        conn.execute(text("INSERT INTO district (name, code, created_at) "
                          "VALUES ('影子区', 'shadow', CURRENT_TIMESTAMP)"))
    r = cli("demo --no-tui")
    assert r.code == 0, r.err
    assert "rows changed without an audit event (outside govnet): district +1" in r.out, r.out
    assert "change(s) since the demo was seeded" not in r.out
    assert "'govnet demo --reset --force' seeds it again" in r.out
