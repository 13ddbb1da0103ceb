"""Property tests of the pure allocation functions (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from netaddr import IPNetwork, IPSet

from govnet.errors import InvalidInput
from ipam import space


@st.composite
def parent_and_requests(draw: st.DrawFn) -> tuple[IPNetwork, list[int]]:
    version = draw(st.sampled_from([4, 6]))
    bits = space.BITS[version]
    plen = draw(st.integers(min_value=bits - 12, max_value=bits - 2))
    base = draw(st.integers(min_value=0, max_value=(1 << bits) - 1)) >> (bits - plen) << (bits - plen)
    parent = space.network_of(version, base, plen)
    lengths = draw(st.lists(st.integers(min_value=plen, max_value=bits), min_size=1, max_size=40))
    return parent, lengths


def _allocate_all(parent: IPNetwork, lengths: list[int]) -> list[IPNetwork | None]:
    free = [parent]
    given_out: list[IPNetwork | None] = []
    for length in lengths:
        block = space.best_fit(free, length)
        if block is None:
            given_out.append(None)
            continue
        net = space.take(block, length)
        free.remove(block)
        free.extend(space.carve(block, net))
        given_out.append(net)
    return given_out


@settings(max_examples=300, deadline=None)
@given(parent_and_requests())
def test_allocations_are_disjoint_inside_aligned_and_best_fit(case):
    parent, lengths = case
    taken: list[IPNetwork] = []
    free = [parent]
    for length in lengths:
        expected = space.reference_allocate(parent, taken, length)
        block = space.best_fit(free, length)
        got = None if block is None else space.take(block, length)
        # best fit: the same answer as the set-difference reference, every time
        assert got == expected
        if got is None:
            # exhausted only when no aligned block of that length is free
            assert all(b.prefixlen > length for b in space.free_blocks(parent, taken))
            continue
        free.remove(block)
        free.extend(space.carve(block, got))
        assert got in parent                                  # inside the parent
        assert got.first % got.size == 0                      # naturally aligned
        assert all(not (got.first <= t.last and t.first <= got.last) for t in taken)
        taken.append(got)
        # the free list is exactly parent minus what was taken, with no overlap
        assert IPSet(free) == IPSet([parent]) - IPSet(taken)
        assert sum(b.size for b in free) + sum(t.size for t in taken) == parent.size


@settings(max_examples=200, deadline=None)
@given(parent_and_requests())
def test_carve_leaves_one_buddy_per_level(case):
    parent, lengths = case
    target = space.take(parent, lengths[0])
    rest = space.carve(parent, target)
    assert len(rest) == target.prefixlen - parent.prefixlen
    assert sorted(b.prefixlen for b in rest) == list(range(parent.prefixlen + 1,
                                                           target.prefixlen + 1))
    assert IPSet(rest) | IPSet([target]) == IPSet([parent])


@given(st.integers(min_value=1, max_value=(1 << 31) - 3))
def test_hosts_to_prefixlen_is_the_smallest_that_fits(hosts):
    length = space.hosts_to_prefixlen(hosts, 4)
    assert (1 << (32 - length)) >= hosts + 2
    assert length == 32 or (1 << (32 - length - 1)) < hosts + 2


def test_ipv6_lan_is_a_64():
    assert space.hosts_to_prefixlen(5, 6) == 64


@pytest.mark.parametrize("text,message", [
    ("10.0.0.1/24", "has host bits set; did you mean 10.0.0.0/24?"),
    ("10.0.0.0", "is not a CIDR prefix"),
    ("10.0.0.256/24", "is not a valid CIDR prefix"),
    ("banana/8", "is not a valid CIDR prefix"),
    ("2001:db8::1/64", "has host bits set"),
])
def test_parse_cidr_refuses(text, message):
    with pytest.raises(InvalidInput, match=message.replace("?", r"\?")):
        space.parse_cidr(text)


@pytest.mark.parametrize("text,version,message", [
    ("255.255.255.0", 6, "IPv4 netmask but the space is IPv6"),
    ("/33", 4, "not an IPv4 prefix length"),
    ("/0", 6, "not an IPv6 prefix length"),
    ("255.0.255.0", 4, "not a contiguous netmask"),
    ("big", 4, "not a prefix length"),
    # int() reads these as 28; a size is ASCII digits (the CLI and the API alike)
    ("/２８", 4, "not a prefix length"), ("２８", 4, "not a prefix length"),
    ("/٢٨", 4, "not a prefix length"), ("/ 28", 4, "not a prefix length"),
    ("/+28", 4, "not a prefix length"), ("/2_8", 4, "not a prefix length"),
])
def test_parse_size_refuses(text, version, message):
    with pytest.raises(InvalidInput, match=message):
        space.parse_size(text, version)


def test_buddy_and_supernet():
    net = IPNetwork("10.0.0.64/26")
    assert space.buddy(net) == IPNetwork("10.0.0.0/26")
    assert space.supernet(net) == IPNetwork("10.0.0.0/25")
