"""Config fragments with secrets, one per platform, for the redaction tests.

Two kinds, and each test says which it uses:

* ``FRAGMENTS``: *written* for these tests in the exact syntax of each platform's
  command reference (Huawei VRP5 / VRP8 / CloudEngine, H3C Comware 7, Cisco IOS 15,
  Ruijie RGOS 11, FRR 8 user guide), because the real-output corpus
  (``/work/shared/real-outputs/ntc-templates``) holds no full running config with
  secret lines. Every secret value carries a marker (``Vrp5…``, ``Ios…``) so a test
  can search a database dump for it; ``KEEP`` lines hold no secret and must come
  out exactly as they went in.
* ``real_*``: *real* device output from that corpus (``REAL``, skipped where absent): Huawei's cipher
  strings as a VRP printed them, IOS community names, and IOS/Comware route-map /
  route-policy sections whose ``community`` lines are not secrets.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

#: The real outputs beside the repository, as ``govnet_tests/compliance/test_scan.py``
#: reads them (GOVNET_REAL_OUTPUTS overrides); this repository carries no copies.
REAL = Path(os.environ.get("GOVNET_REAL_OUTPUTS", Path(__file__).parents[3] / "shared"
                           / "real-outputs" / "ntc-templates"))

#: platform -> (config lines, the secret markers that must not survive)
FRAGMENTS: dict[str, tuple[list[str], list[str]]] = {
    "huawei_vrp": ([
        "aaa",
        " local-user admin password irreversible-cipher $1c$Vrp5LocalHash$f6Zk$",
        " local-user ops password cipher %^%#Vrp5OpsCipher`x~ 1%^%#",
        " local-user old password simple Vrp5PlainOld",
        "snmp-agent community read cipher %^%#Vrp5ReadComm)9{%^%# mib-view iso-view acl 2000",
        "snmp-agent community write cipher %^%#Vrp5WriteComm!2%^%#",
        "snmp-agent community read Vrp5PublicComm",
        "snmp-agent usm-user v3 nms authentication-mode sha cipher %^%#Vrp5UsmAuth%^%# "
        "privacy-mode aes128 cipher %^%#Vrp5UsmPriv%^%#",
        "snmp-agent target-host trap address udp-domain 10.0.0.9 params securityname "
        "cipher %^%#Vrp5TrapComm%^%# v2c",
        "hwtacacs-server template tac1",
        " hwtacacs-server shared-key cipher %^%#Vrp5TacKey%^%#",
        "radius-server template rad1",
        " radius-server shared-key cipher %^%#Vrp5RadKey%^%#",
        "user-interface vty 0 4",
        " authentication-mode password",
        " set authentication password cipher %^%#Vrp5VtyPw%^%#",
        "super password level 15 cipher %^%#Vrp5SuperPw%^%#",
        "ospf 1",
        " area 0.0.0.0",
        "  authentication-mode md5 1 cipher %^%#Vrp5OspfArea%^%#",
        "interface GigabitEthernet0/0/1",
        " ospf authentication-mode md5 2 cipher %^%#Vrp5OspfIf%^%#",
        " ospf authentication-mode simple Vrp5OspfSimple",
        " vrrp vrid 1 authentication-mode md5 Vrp5VrrpKey",
        "bgp 65000",
        " peer 10.0.0.2 password cipher %^%#Vrp5BgpPeer%^%#",
        " peer 10.0.0.3 password simple Vrp5BgpSimple",
        "ike peer branch",
        " pre-shared-key cipher %^%#Vrp5Psk%^%#",
        "ntp-service authentication-keyid 1 authentication-mode md5 cipher %^%#Vrp5Ntp%^%#",
    ], ["Vrp5LocalHash", "Vrp5OpsCipher", "Vrp5PlainOld", "Vrp5ReadComm", "Vrp5WriteComm",
        "Vrp5PublicComm", "Vrp5UsmAuth", "Vrp5UsmPriv", "Vrp5TrapComm", "Vrp5TacKey",
        "Vrp5RadKey", "Vrp5VtyPw", "Vrp5SuperPw", "Vrp5OspfArea", "Vrp5OspfIf",
        "Vrp5OspfSimple", "Vrp5VrrpKey", "Vrp5BgpPeer", "Vrp5BgpSimple", "Vrp5Psk", "Vrp5Ntp"]),
    "huawei_vrpv8": ([
        "aaa",
        " local-user admin password irreversible-cipher $1d$Vrp8LocalHash$Q2&x$",
        ' local-user ops password cipher %+%##!!!!!!!!!"!!!!"!!!!*!!!!Vrp8OpsCipher%+%#',
        'snmp-agent community read cipher %+%##!!!!Vrp8ReadComm"!!!!%+%# acl 2001',
        "snmp-agent usm-user v3 nms authentication-mode sha2-256 cipher %+%#Vrp8UsmAuth%+%#",
        "snmp-agent usm-user v3 nms privacy-mode aes256 cipher %+%#Vrp8UsmPriv%+%#",
        "hwtacacs-server template tac1",
        " hwtacacs-server shared-key cipher %+%#Vrp8TacKey%+%#",
        "radius-server template rad1",
        " radius-server shared-key cipher %+%#Vrp8RadKey%+%#",
        "ospf 1",
        " area 0.0.0.0",
        "  authentication-mode hmac-sha256 1 cipher %+%#Vrp8OspfKey%+%#",
        "interface GigabitEthernet0/1/0",
        " ospf authentication-mode simple plain Vrp8OspfPlain",
        " isis authentication-mode md5 cipher %+%#Vrp8IsisKey%+%#",
        "bgp 65000",
        " peer 10.0.0.2 password cipher %+%#Vrp8BgpPeer%+%#",
        " peer 10.0.0.4 password simple Vrp8BgpSimple",
        "user-interface vty 0 4",
        " set authentication password cipher %+%#Vrp8VtyPw%+%#",
    ], ["Vrp8LocalHash", "Vrp8OpsCipher", "Vrp8ReadComm", "Vrp8UsmAuth", "Vrp8UsmPriv",
        "Vrp8TacKey", "Vrp8RadKey", "Vrp8OspfKey", "Vrp8OspfPlain", "Vrp8IsisKey",
        "Vrp8BgpPeer", "Vrp8BgpSimple", "Vrp8VtyPw"]),
    "huawei_ce": ([
        "aaa",
        " local-user admin password irreversible-cipher $1c$CeLocalHash$Vb2$",
        "snmp-agent community read cipher %^%#CeReadComm%^%#",
        "snmp-agent usm-user v3 nms authentication-mode sha cipher %^%#CeUsmAuth%^%#",
        "hwtacacs-server template tac1",
        " hwtacacs-server shared-key cipher %^%#CeTacKey%^%#",
        "radius-server template rad1",
        " radius-server shared-key cipher %#%#CeRadKey %#%#",
        "interface 10GE1/0/1",
        " ospf authentication-mode md5 1 cipher %^%#CeOspfKey%^%#",
        "bgp 65000",
        " peer 10.0.0.2 password cipher %^%#CeBgpPeer%^%#",
        "user-interface vty 0 4",
        " set authentication password cipher %^%#CeVtyPw%^%#",
        "ntp authentication-keyid 1 authentication-mode hmac-sha256 cipher %^%#CeNtp%^%#",
    ], ["CeLocalHash", "CeReadComm", "CeUsmAuth", "CeTacKey", "CeRadKey", "CeOspfKey",
        "CeBgpPeer", "CeVtyPw", "CeNtp"]),
    "h3c_comware": ([
        "local-user admin class manage",
        " password hash $h$6$Cw7AdminHash==",
        " service-type ssh",
        "local-user ftp class manage",
        " password cipher $c$3$Cw7FtpCipher==",
        "snmp-agent community read cipher $c$3$Cw7ReadComm== acl 2000",
        "snmp-agent community write simple Cw7WriteComm",
        "snmp-agent usm-user v3 nms netops cipher authentication-mode sha $c$3$Cw7UsmAuth== "
        "privacy-mode aes128 $c$3$Cw7UsmPriv==",
        "snmp-agent target-host trap address udp-domain 10.0.0.9 params securityname "
        "Cw7TrapComm v2c",
        "radius scheme rad1",
        " primary authentication 10.0.0.7 key cipher $c$3$Cw7RadPrimary==",
        " key authentication cipher $c$3$Cw7RadAuth==",
        " key accounting simple Cw7RadAcct",
        "hwtacacs scheme tac1",
        " primary authentication 10.0.0.8 key cipher $c$3$Cw7TacPrimary==",
        " key authentication cipher $c$3$Cw7TacAuth==",
        "super password role network-admin hash $h$6$Cw7Super==",
        "line vty 0 63",
        " authentication-mode scheme",
        " set authentication password hash $h$6$Cw7VtyPw==",
        "ospf 1",
        " area 0.0.0.0",
        "  authentication-mode md5 1 cipher $c$3$Cw7OspfArea==",
        "interface GigabitEthernet1/0/1",
        " ospf authentication-mode md5 2 cipher $c$3$Cw7OspfIf==",
        " vrrp vrid 1 authentication-mode md5 cipher $c$3$Cw7Vrrp==",
        "bgp 65000",
        " peer 10.0.0.2 password cipher $c$3$Cw7BgpPeer==",
        "ike keychain kc1",
        " pre-shared-key address 10.0.0.5 255.255.255.255 key cipher $c$3$Cw7Psk==",
    ], ["Cw7AdminHash", "Cw7FtpCipher", "Cw7ReadComm", "Cw7WriteComm", "Cw7UsmAuth",
        "Cw7UsmPriv", "Cw7TrapComm", "Cw7RadPrimary", "Cw7RadAuth", "Cw7RadAcct",
        "Cw7TacPrimary", "Cw7TacAuth", "Cw7Super", "Cw7VtyPw", "Cw7OspfArea", "Cw7OspfIf",
        "Cw7Vrrp", "Cw7BgpPeer", "Cw7Psk"]),
    "cisco_ios": ([
        "enable secret 9 $9$IosEnableSecret$abc",
        "enable password 7 IosEnablePw7",
        "username admin privilege 15 secret 9 $9$IosAdminSecret$xyz",
        "username ops password 7 IosOpsPw7",
        "snmp-server community IosRoComm RO 10",
        "snmp-server community IosRwComm RW",
        "snmp-server user nms nmsgroup v3 auth sha IosUsmAuth priv aes 128 IosUsmPriv",
        "snmp-server host 10.0.0.9 version 2c IosTrapComm",
        "tacacs-server host 10.0.0.8 key 7 IosTacHostKey",
        "tacacs-server key 7 IosTacKey",
        "tacacs server TAC1",
        " address ipv4 10.0.0.8",
        " key 7 IosTacBlockKey",
        "radius-server host 10.0.0.7 auth-port 1812 acct-port 1813 key 7 IosRadHostKey",
        "radius-server key IosRadKey",
        "radius server RAD1",
        " address ipv4 10.0.0.7 auth-port 1812 acct-port 1813",
        " key IosRadBlockKey",
        "aaa group server tacacs+ TGRP",
        " server-private 10.0.0.6 key 7 IosPrivKey",
        "key chain OSPF-KC",
        " key 1",
        "  key-string 7 IosKeyString",
        "interface GigabitEthernet0/0",
        " ip ospf authentication-key 7 IosOspfAuth",
        " ip ospf message-digest-key 1 md5 7 IosOspfMd5",
        " standby 1 authentication md5 key-string IosHsrpKey",
        " vrrp 1 authentication text IosVrrpKey",
        "router ospf 1",
        " area 0 virtual-link 10.0.0.1 message-digest-key 1 md5 IosVlinkKey",
        "router bgp 65000",
        " neighbor 10.0.0.2 password 7 IosBgpPw",
        "crypto isakmp key 6 IosIsakmpKey address 10.0.0.5",
        "crypto keyring KR1",
        " pre-shared-key address 10.0.0.5 key IosKeyringPsk",
        "crypto ikev2 keyring KR2",
        " peer BR",
        "  pre-shared-key local IosIkev2Local",
        "  pre-shared-key remote IosIkev2Remote",
        "ntp authentication-key 1 md5 IosNtpKey 7",
        "line vty 0 4",
        " password 7 IosVtyPw",
    ], ["IosEnableSecret", "IosEnablePw7", "IosAdminSecret", "IosOpsPw7", "IosRoComm",
        "IosRwComm", "IosUsmAuth", "IosUsmPriv", "IosTrapComm", "IosTacHostKey", "IosTacKey",
        "IosTacBlockKey", "IosRadHostKey", "IosRadKey", "IosRadBlockKey", "IosPrivKey",
        "IosKeyString", "IosOspfAuth", "IosOspfMd5", "IosHsrpKey", "IosVrrpKey", "IosVlinkKey",
        "IosBgpPw", "IosIsakmpKey", "IosKeyringPsk", "IosIkev2Local", "IosIkev2Remote",
        "IosNtpKey", "IosVtyPw"]),
    "ruijie_os": ([
        "enable secret 5 $1$RgEnableSecret$",
        "username admin privilege 15 password 7 RgAdminPw7",
        "snmp-server community 7 RgComm7Cipher ro",
        "snmp-server community RgPlainComm rw",
        "tacacs-server host 10.0.0.8 key 7 RgTacKey",
        "radius-server host 10.0.0.7 key 7 RgRadKey",
        "radius-server key 7 RgRadGlobalKey",
        "webmaster level 0 username admin password 7 RgWebPw",
        "interface GigabitEthernet 0/1",
        " ip ospf message-digest-key 1 md5 7 RgOspfMd5",
        "router bgp 65000",
        " neighbor 10.0.0.2 password 7 RgBgpPw",
        "line vty 0 4",
        " password 7 RgVtyPw",
    ], ["RgEnableSecret", "RgAdminPw7", "RgComm7Cipher", "RgPlainComm", "RgTacKey", "RgRadKey",
        "RgRadGlobalKey", "RgWebPw", "RgOspfMd5", "RgBgpPw", "RgVtyPw"]),
    "frr": ([
        "password FrrVtyPw",
        "enable password FrrEnablePw",
        "key chain KC",
        " key 1",
        "  key-string FrrKeyString",
        "interface eth0",
        " ip ospf message-digest-key 1 md5 FrrOspfMd5",
        " ip ospf authentication-key FrrOspfAuth",
        " ip rip authentication string FrrRipPw",
        " ipv6 ospf6 authentication key-id 1 hash-algo hmac-sha-256 key FrrOspf6Key",
        " isis password md5 FrrIsisPw",
        "router bgp 65000",
        " neighbor 10.0.0.2 password FrrBgpPw",
        "router isis CORE",
        " area-password clear FrrAreaPw",
        " domain-password md5 FrrDomainPw authenticate snp validate",
        "mpls ldp",
        " neighbor 10.0.0.3 password FrrLdpPw",
    ], ["FrrVtyPw", "FrrEnablePw", "FrrKeyString", "FrrOspfMd5", "FrrOspfAuth", "FrrRipPw",
        "FrrOspf6Key", "FrrIsisPw", "FrrBgpPw", "FrrAreaPw", "FrrDomainPw", "FrrLdpPw"]),
}

_HUAWEI_KEEP = [
    "ssh server cipher aes256_ctr aes128_ctr",
    "ssh client cipher aes256_ctr",
    "snmp-agent community complexity-check disable",
    "user-interface vty 0 4",
    " authentication-mode password",
    " authentication-mode aaa",
    " ospf authentication-mode keychain KC1",
    " undo password-recovery enable",
    "route-policy OUT permit node 10",
    " apply community 65000:100",
]
_IOS_KEEP = [
    "service password-encryption",
    "password encryption aes",
    "key chain OSPF-KC",
    " key 1",
    "ip ssh pubkey-chain",
    "  key-hash ssh-rsa 8FB4F858DD7E5AFB372780EC653DB371",
    " neighbor 10.0.0.2 send-community both",
    " ip ospf authentication message-digest",
    "route-map OUT permit 10",
    " set community 65000:100 additive",
    "ip community-list standard C1 permit 65000:1",
]
#: platform -> lines without a secret (must come out unchanged)
KEEP: dict[str, list[str]] = {
    "huawei_vrp": _HUAWEI_KEEP, "huawei_vrpv8": _HUAWEI_KEEP, "huawei_ce": _HUAWEI_KEEP,
    "h3c_comware": [*_HUAWEI_KEEP, "ssh2 algorithm cipher aes128-ctr aes256-ctr",
                    "password-control enable", " authentication-mode scheme"],
    "cisco_ios": _IOS_KEEP, "ruijie_os": [*_IOS_KEEP, "enable service ssh-server"],
    "frr": [*_IOS_KEEP, "frr version 8.4.4", " neighbor 10.0.0.2 remote-as 65001"],
}


def real_text(name: str) -> str:
    return (REAL / name).read_text(errors="replace")


def real_vrp_ciphers() -> list[str]:
    """The community cipher strings a real VRP printed (``display snmp-agent community``)."""
    text = real_text("huawei_vrp_display_snmp-agent_community_read.raw") + real_text(
        "huawei_vrp_display_snmp-agent_community_write.raw")
    return re.findall(r"Community name: (\S+)", text)


def real_ios_communities() -> list[str]:
    """The community names a real IOS printed (``show snmp community``)."""
    return re.findall(r"^Community name: (\S+)", real_text("cisco_ios_show_snmp_community.raw"),
                      re.M)
