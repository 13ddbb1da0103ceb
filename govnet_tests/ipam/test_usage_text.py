"""IPv6 usage is counted in /64s (or /48s for big blocks), never as 8.5e+24/3.1e+26."""

from __future__ import annotations

import pytest

from ipam.space import usage_text


@pytest.mark.parametrize("version,used,size,text", [
    (4, 0, 256, "0/256"),
    (4, 480, 65536, "480/65,536"),
    (6, 0, 2**80, "0/65,536 ×/64"),          # a /48 district block
    (6, 3 * 2**64, 2**80, "3/65,536 ×/64"),
    (6, 2**64 + 1, 2**88, "1/256 ×/48"),      # a /40 pool, partly used /48 counts
    (6, 2**62, 2**64, "1/1 ×/64"),            # a /66 inside one /64
])
def test_usage_text(version: int, used: int, size: int, text: str) -> None:
    assert usage_text(version, used, size) == text


def test_cli_utilization_counts_ipv6_in_subnets(db, cli):
    cli("demo --no-tui")
    r = cli("ipam utilization --district 金平区")
    assert r.code == 0 and "×/64" in r.out and "e+" not in r.out, r.out
