"""Secret redaction: one rule set per platform, for config backups and job logs.

A rule masks the *value* of a secret and keeps its line, so a redacted config
still reads as the device's and a diff shows which secret line changed::

    snmp-agent community read cipher %^%#…%^%# acl 2000  →  snmp-agent community read cipher *** acl 2000
    neighbor 10.0.0.2 password 7 0822455D0A16            →  neighbor 10.0.0.2 password 7 ***

Rules are netutils' sanitize filters (``{"regex", "replace"}``, applied in order
by :func:`netutils.config.clean.sanitize_config` with ``re.MULTILINE``). netutils
ships the engine but no per-platform rules (only two private NX-OS examples), and
hier_config has none, so the rules are here: one list per syntax family
(Huawei/H3C ``cipher``/``simple``/``hash`` keywords; IOS-style type digits
``0``/``5``/``7``/``9``; FRR's plain words), mapped to every platform slug. A
space in a rule stands for any run of blanks (``[ \\t]+``), `` *`` for optional
indentation.

Config backups use their platform's rules only (:func:`redact_config`), so what
is not a secret (``set community 65000:1``, ``ssh server cipher aes256_ctr``)
stays as the device printed it. Job logs (:func:`redact_log`) quote text of any
platform and free-form errors: they get every platform's rules, then the keyword
catch-all that masks everything after a secret keyword.

SSH keys: the configs hold public keys only (``rsa peer-public-key``, ``ip ssh
pubkey-chain`` / ``key-hash``), which are kept; no platform prints a private key.

Known limits: a ``key <number>`` line alone is a key-chain key id (IOS/FRR), never
masked, so a TACACS/RADIUS server block's bare numeric ``key 12345`` (no type digit)
is kept. The rules cover the documented forms of the secrets govnet's platforms
print; a new form needs a rule here (and a migration to mask old snapshots again).
"""

from __future__ import annotations

import re

from netutils.config.clean import sanitize_config

MASK = "***"

#: One secret value: a Huawei delimited cipher (``%^%#…%^%#``, ``%+%#…%+%#``, ``%@%@…%@%@``,
#: ``%#%#…%#%#``, ``%$%$…%$%$``: it may hold blanks), else a word.
_V = r"((?P<delim>%[\^@$+#]%[#@$]).*?(?P=delim)|\S+)"
#: An IOS-style encryption type digit, only when a value follows it.
_T = r"(?:[0-9] (?=\S))?"


def _rule(pattern: str) -> dict[str, str]:
    """A sanitize filter: ``pattern``'s group 1 is kept, the value after it masked."""
    regex = (pattern.replace("{T}", _T).replace(" *", "{I}").replace(" ", r"[ \t]+")
             .replace("{I}", r"[ \t]*").replace("{V}", _V))
    re.compile(regex)  # fail at import, not at the first backup
    return {"regex": regex, "replace": rf"\g<1>{MASK}"}


# Huawei VRP5/VRP8/CE and H3C Comware: a secret follows cipher / irreversible-cipher
# (device-encrypted), simple / plain (clear text) or hash; a few old forms have no
# type word. The ``ssh … cipher`` algorithm lists are not secrets.
_NOT_SSH = r"^(?! *(?:undo )?ssh\S*(?: server| client)?(?: algorithm)? cipher\b)"
HUAWEI_STYLE: tuple[dict[str, str], ...] = (
    # local-user, snmp-agent community, shared-key, peer … password, super password,
    # set authentication password, authentication-mode md5 1, pre-shared-key, ntp…
    _rule(_NOT_SSH + r"(.*?\b(?:irreversible-cipher|cipher) )(?!authentication-mode\b"
          r"|privacy-mode\b|\*\*\*)" "{V}"),
    # a second ciphered value on one line (snmp-agent usm-user … privacy-mode aes128 cipher)
    _rule(_NOT_SSH + r"(.*?\b(?:irreversible-cipher|cipher) \*\*\*.*?\bcipher )"
          r"(?!authentication-mode\b|privacy-mode\b)" "{V}"),
    _rule(r"\b((?:password(?: level \d+| role \S+)?|shared-key|pre-shared-key|key"
          r"(?: authentication| accounting| authorization)?|community (?:read|write)"
          r"|authentication-mode \S+(?: \d+)?|privacy-mode \S+) (?:simple|plain|hash) )"
          "{V}"),
    # usm-user: Comware puts the type word first (usm-user v3 u g cipher
    # authentication-mode sha X privacy-mode aes128 Y)
    _rule(r"^( *(?:undo )?snmp-agent usm-user .*?\bauthentication-mode \S+"
          r"(?: cipher| simple)? )(?!cipher\b|simple\b)" "{V}"),
    _rule(r"^( *(?:undo )?snmp-agent usm-user .*?\bprivacy-mode \S+(?: \d+)?"
          r"(?: cipher| simple)? )(?!cipher\b|simple\b)" "{V}"),
    # clear-text forms without a type word (old VRP5): ospf/vrrp/isis keys, community,
    # local-user, shared keys, SNMP target-host securityname (the v1/v2c community)
    _rule(r"\b(authentication-mode (?:simple|md5|hmac-md5|hmac-sha256)(?: \d+)?+ )"
          r"(?!cipher\b|plain\b|simple\b|keychain\b)" "{V}"),
    _rule(r"\b(authentication-mode (?:simple|md5|hmac-md5|hmac-sha256) )(\d+)$"),
    _rule(r"^( *snmp-agent community (?:read|write) )(?!cipher\b|simple\b)" "{V}"),
    _rule(r"^( *local-user \S+ password )(?!irreversible-cipher\b|cipher\b|simple\b|hash\b)"
          "{V}"),
    _rule(r"\b((?:shared-key|pre-shared-key) )(?!cipher\b|simple\b|plain\b|address\b"
          r"|hostname\b)" "{V}"),
    _rule(r"\b(securityname )(?!cipher\b|simple\b)" "{V}"),
)

# Cisco IOS, Ruijie RGOS and FRR print "<keyword> [type digit] <value>".
IOS_STYLE: tuple[dict[str, str], ...] = (
    _rule(r"^( *enable (?:secret|password)(?: level \d+)? {T})" "{V}"),
    _rule(r"^( *username \S+ .*?\b(?:secret|password) {T})" "{V}"),
    _rule(r"\b(snmp-server user .*?\bauth (?:md5|sha\S*) )" "{V}"),
    _rule(r"\b(snmp-server user .*?\bpriv (?:des|3des|aes)(?: \d+)? )" "{V}"),
    _rule(r"^( *snmp-server host \S+ (?:vrf \S+ )?(?:informs |traps )?"
          r"(?:version (?:1|2c|3 (?:auth|noauth|priv)) )?)" "{V}"),
    _rule(r"\b((?:tacacs-server|radius-server) (?:host \S+ (?:.*? )?)?key {T})" "{V}"),
    _rule(r"\b(server-private \S+ (?:.*? )?key {T})" "{V}"),
    _rule(r"^( *(?:pac )?key [0-9] )" "{V}"),  # tacacs/radius server blocks
    _rule(r"^( *key config-key (?:password-encrypt )?)" "{V}"),
    # …untyped (but ``key 1`` is a key chain's key id, ``key chain KC`` opens one)
    _rule(r"^( *(?:pac )?key )(?!\d+$|chain\b|config-key\b)(?![0-9] \S)" "{V}"),
    _rule(r"^( *ntp authentication-key \d+ md5 )" "{V}"),
    _rule(r"^(?! *ntp )(.*?\bauthentication-key {T})" "{V}"),
    _rule(r"\b(message-digest-key \d+ md5 {T})" "{V}"),
    _rule(r"\b(key-string {T})" "{V}"),
    _rule(r"\b(password(?: level \d+)?(?: (?:clear|md5|hmac-md5))? {T})(?!encryption\b)"
          "{V}"),
    _rule(r"\b(secret(?: level \d+)? {T})" "{V}"),
    _rule(r"^( *crypto isakmp key {T})" "{V}"),
    _rule(r"\b(pre-shared-key (?:local |remote )?(?:(?:address|hostname) \S+ (?:\S+ )?key )?"
          "{T})" "{V}"),
    _rule(r"\b(standby (?:\d+ )?authentication (?:text )?)(?!md5\b)" "{V}"),
    _rule(r"\b(vrrp \d+ authentication (?:text )?)(?!md5\b)" "{V}"),
    _rule(r"\b(ip nhrp authentication )" "{V}"),
)
IOS_COMMUNITY = _rule(r"^( *(?:no )?snmp-server community )" "{V}")
#: RGOS may print the community encrypted with a type digit before it.
RUIJIE_COMMUNITY = _rule(r"^( *(?:no )?snmp-server community (?:[07] (?=\S+ (?:ro|rw|view)\b))?)"
                         "{V}")
FRR_EXTRA: tuple[dict[str, str], ...] = (
    _rule(r"\b(ip rip authentication string )" "{V}"),
    _rule(r"\b(authentication key-id \d+ hash-algo \S+ key )" "{V}"),  # ospf6
)

#: Each platform's rules (every slug of ``inventory.drivers.platforms()``).
RULES: dict[str, tuple[dict[str, str], ...]] = {
    "huawei_vrp": HUAWEI_STYLE,
    "huawei_vrpv8": HUAWEI_STYLE,
    "huawei_ce": HUAWEI_STYLE,
    "h3c_comware": HUAWEI_STYLE,
    "cisco_ios": (IOS_COMMUNITY, *IOS_STYLE),
    "ruijie_os": (RUIJIE_COMMUNITY, *IOS_STYLE),
    "frr": (*IOS_STYLE, *FRR_EXTRA),
}
#: Every platform's rules once each, in platform order (what a job log gets).
ALL_RULES: tuple[dict[str, str], ...] = tuple(
    {r["regex"]: r for rules in RULES.values() for r in rules}.values())

#: The job-log catch-all: a line naming a secret keeps the keyword, the rest is masked.
SECRET_KEYWORDS = re.compile(
    r"(?im)\b(password|secret|cipher|community|key-string|pre-shared-key"
    r"|authentication-key|md5)([ \t]+)\S.*$")


def redact_config(platform: str, text: str) -> str:
    """``text`` (a config of ``platform``) with every secret value replaced by ``***``.

    An unknown platform gets every platform's rules.

    Examples:
        >>> redact_config("cisco_ios", "snmp-server community s3cr3t RO 10\\n")
        'snmp-server community *** RO 10\\n'
        >>> redact_config("huawei_vrp", " local-user admin password irreversible-cipher $1c$x$")
        ' local-user admin password irreversible-cipher ***'
    """
    return sanitize_config(text, list(RULES.get(platform, ALL_RULES)))


def redact_log(text: str) -> str:
    """``text`` for a job log: every platform's rules, then the keyword catch-all.

    Examples:
        >>> redact_log("error: peer 10.0.0.2 password cipher %^%#a b%^%# refused")
        'error: peer 10.0.0.2 password ***'
    """
    text = sanitize_config(text, list(ALL_RULES))
    return SECRET_KEYWORDS.sub(lambda m: f"{m[1]}{m[2]}{MASK}", text)
