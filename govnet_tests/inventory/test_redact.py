"""``inventory.redact``: every platform's secret lines masked, the rest of the config kept.

Fragments: ``secret_configs.FRAGMENTS`` are written in each platform's documented
syntax (no real running config with secrets exists in the corpus); the ``real_``
cases use real device output from shared/real-outputs/ntc-templates beside the
repository (``GOVNET_REAL_OUTPUTS`` overrides; skipped where absent).
"""

from __future__ import annotations

import pytest

from govnet_tests.inventory.secret_configs import (
    FRAGMENTS,
    KEEP,
    REAL,
    real_ios_communities,
    real_text,
    real_vrp_ciphers,
)
from inventory.drivers import platforms
from inventory.redact import MASK, RULES, redact_config, redact_log

needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} is absent")


def test_every_platform_has_rules() -> None:
    assert set(RULES) == set(platforms())


@pytest.mark.parametrize("platform", sorted(FRAGMENTS))
def test_written_fragment_loses_every_secret_and_keeps_its_lines(platform: str) -> None:
    lines, secrets = FRAGMENTS[platform]
    text = "\n".join(lines) + "\n"
    out = redact_config(platform, text)
    assert [s for s in secrets if s in out] == []
    out_lines = out.splitlines()
    assert len(out_lines) == len(lines)
    for before, after in zip(lines, out_lines, strict=True):
        if before != after:  # a masked line keeps its keywords up to the value
            assert MASK in after and after.split(MASK)[0] == before[:len(after.split(MASK)[0])]
    assert out.count(MASK) >= len(secrets)
    assert redact_config(platform, out) == out  # idempotent (the migration may run twice)


@pytest.mark.parametrize("platform", sorted(KEEP))
def test_lines_without_secrets_are_unchanged(platform: str) -> None:
    text = "\n".join(KEEP[platform]) + "\n"
    assert redact_config(platform, text) == text


@pytest.mark.parametrize(("platform", "line", "expected"), [
    ("huawei_vrp", "snmp-agent community read cipher %^%#a b%^%# acl 2000",
     "snmp-agent community read cipher *** acl 2000"),
    ("cisco_ios", "enable secret level 15 5 $1$abc", "enable secret level 15 5 ***"),
    ("cisco_ios", "enable secret 12345", "enable secret ***"),
    ("cisco_ios", "snmp-server community 12345 RO", "snmp-server community *** RO"),
    ("cisco_ios", "snmp-server user u g v3 auth md5 authpw priv aes 12345",
     "snmp-server user u g v3 auth md5 *** priv aes ***"),
    ("cisco_ios", "key config-key password-encrypt MasterKey1",
     "key config-key password-encrypt ***"),
    ("huawei_vrp", " vrrp vrid 1 authentication-mode md5 12345",
     " vrrp vrid 1 authentication-mode md5 ***"),
    ("huawei_vrp", "ssh server cipher aes256_ctr", "ssh server cipher aes256_ctr"),
])
def test_edge_cases(platform: str, line: str, expected: str) -> None:
    assert redact_config(platform, line) == expected


@needs_real
@pytest.mark.parametrize("platform", ["huawei_vrp", "huawei_vrpv8", "huawei_ce"])
def test_real_vrp_cipher_strings_are_masked(platform: str) -> None:
    """Real: the cipher strings a VRP printed, in the community lines that hold them."""
    ciphers = real_vrp_ciphers()
    assert len(ciphers) >= 2
    text = "".join(f"snmp-agent community read cipher {c} acl 2000\n" for c in ciphers)
    out = redact_config(platform, text)
    assert out == "snmp-agent community read cipher *** acl 2000\n" * len(ciphers)


@needs_real
@pytest.mark.parametrize("platform", ["cisco_ios", "ruijie_os"])
def test_real_ios_community_names_are_masked(platform: str) -> None:
    """Real: the community names an IOS printed, as ``snmp-server community`` lines."""
    names = real_ios_communities()
    assert "public" in names
    out = redact_config(platform, "".join(f"snmp-server community {n} RO 33\n" for n in names))
    assert not any(f" {n} " in out for n in names)
    assert out.count("snmp-server community *** RO 33\n") == len(names)


@needs_real
@pytest.mark.parametrize(("platform", "name"), [
    ("cisco_ios", "cisco_ios_show_running-config_partition_route-map.raw"),
    ("cisco_ios", "cisco_ios_show_running-config_partition_route-map2.raw"),
    ("cisco_ios", "cisco_ios_show_running-config_partition_access-list.raw"),
    ("cisco_ios", "cisco_ios_show_running-config_interface.raw"),
    ("ruijie_os", "cisco_ios_show_running-config_partition_route-map.raw"),
    ("frr", "cisco_ios_show_running-config_partition_route-map.raw"),
    ("h3c_comware", "hp_comware_display_route-policy.raw"),
])
def test_real_configs_without_secrets_are_unchanged(platform: str, name: str) -> None:
    """Real running-config sections: ``set community`` / ``apply community`` are no secrets."""
    text = real_text(name)
    assert len(text.splitlines()) > 10  # a real section, not an empty file
    assert redact_config(platform, text) == text


def test_a_job_log_masks_every_platforms_secrets() -> None:
    """Job logs quote any platform's config: every rule set applies, then the catch-all."""
    for lines, secrets in FRAGMENTS.values():
        out = redact_log("\n".join(lines))
        assert [s for s in secrets if s in out] == []
    assert redact_log("error: peer 10.0.0.2 password cipher %^%#a b%^%# refused") == \
        "error: peer 10.0.0.2 password ***"
