"""What the CLI prints is data: an IPv6 prefix whose groups spell Rich emoji codes
(":a:", ":b:", ":100:", ":cd:") and a description holding markup ("[/red]") print as
typed, in messages, tables and the tree — and never crash a command."""

from __future__ import annotations

import json

import pytest

TRICKY = [
    ("2001:db8:a:100::/64", "[/red] closes nothing"),
    ("2001:db8:b:cd::/64", "[bold]not bold[/bold] :100: :a:"),
]


@pytest.mark.parametrize("cidr,reason", TRICKY)
def test_prefixes_and_descriptions_print_as_typed(plan, cli, cidr, reason):
    r = cli(f"ipam reserve {cidr} --vrf public --reason '{reason}'")
    assert (r.code, r.err) == (0, ""), r.err
    assert r.out == f"reserved {cidr} in public\n"
    shown = cli(f"ipam show {cidr} --vrf public")
    assert shown.code == 0, shown.err
    lines = {line.split("│")[1].strip(): line.split("│")[2].strip()
             for line in shown.out.splitlines() if line.count("│") == 3}
    assert (lines["prefix"], lines["description"]) == (cidr, reason)
    tree = cli(f"ipam tree {cidr} --vrf public")
    assert tree.code == 0 and f"{cidr} reserved 100% — {reason}" in tree.out, tree.out
    listed = cli("audit list --limit 1")
    assert f"prefix:public:{cidr}" in listed.out
    assert json.loads(cli(f"ipam show {cidr} --vrf public --json").out)["description"] == reason
