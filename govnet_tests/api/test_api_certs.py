"""Certificate identity by exact, structured match (issue 16, item 1), over real HTTPS.

Every certificate here is signed by the server's trusted client CA, so the handshake
accepts it; what is tested is only which govnet user (if any) it logs in as.
"""

from __future__ import annotations

import datetime as dt
import ssl
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from govnet_tests.api.conftest import Server
from govnet_tests.conftest import db_snapshot

CN, ORG = NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME
USERS = [  # (user, role, district, --cert-subject as an admin types it)
    ("victim", "district_operator", "龙湖区", "CN=victim-cert,O=Shantou"),
    ("victim2", "district_operator", "金平区", "CN=victim2"),
    ("robot2", "district_operator", "龙湖区", "DNS:robot2.example"),
    ("mailer", "district_operator", "金平区", "email:ops@jinping.example"),
]


def _client_cert(api: Server, tmp: Path, label: str, subject: x509.Name,
                 san: list[x509.GeneralName] | None = None) -> tuple[str, str]:
    """A client certificate signed by the server's trusted client CA."""
    ca_key = serialization.load_pem_private_key((api.pki.dir / "ca.key").read_bytes(), None)
    ca = x509.load_pem_x509_certificate((api.pki.dir / "ca.crt").read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca.subject)
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
         .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False))
    if san:
        b = b.add_extension(x509.SubjectAlternativeName(san), critical=False)
    cert = b.sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    crt, pem = tmp / f"{label}.crt", tmp / f"{label}.key"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    return str(crt), str(pem)


def _get(api: Server, pair: tuple[str, str], path: str = "/api/v1/devices") -> httpx.Response:
    ctx = ssl.create_default_context(cafile=api.pki.ca)
    ctx.load_cert_chain(*pair)
    with httpx.Client(base_url=api.url, verify=ctx, timeout=30) as c:
        return c.get(path)


@pytest.fixture
def mapped(api: Server, cli) -> Server:  # type: ignore[no-untyped-def]
    for user, role, district, subject in USERS:
        res = cli(f"user add {user} --role {role} --district {district} --cert-subject '{subject}'")
        assert res.code in (0, 4), res.err  # 4: the module's server has it from a former test
    return api


def _name(*attrs: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in attrs])


def _devices(r: httpx.Response) -> list[str]:
    assert r.status_code == 200, r.text
    return [d["name"] for d in r.json()["results"]]


def test_the_legitimate_certificates_log_in(mapped: Server, tmp_path: Path) -> None:
    # RFC 4514 lists the last RDN first: "CN=victim-cert,O=Shantou" is ORG, then CN
    full = _client_cert(mapped, tmp_path, "victim", _name((ORG, "Shantou"), (CN, "victim-cert")))
    assert _devices(_get(mapped, full)) == ["longhu-agg-1"]
    one_cn = _client_cert(mapped, tmp_path, "victim2", _name((CN, "victim2"), (ORG, "any org")))
    assert _devices(_get(mapped, one_cn)) == ["jinping-agg-1"]
    dns = _client_cert(mapped, tmp_path, "robot2", _name((CN, "whatever")),
                       [x509.DNSName("robot2.example")])
    assert _devices(_get(mapped, dns)) == ["longhu-agg-1"]
    mail = _client_cert(mapped, tmp_path, "mailer", _name((CN, "m")),
                        [x509.RFC822Name("ops@jinping.example")])
    assert _devices(_get(mapped, mail)) == ["jinping-agg-1"]


CRAFTED = [
    # one CN whose value reads like the two-attribute subject
    ("cn-with-comma", _name((CN, "victim-cert,O=Shantou")), None),
    ("cn-with-escaped-comma", _name((CN, "victim-cert\\,O=Shantou")), None),
    # the same attributes in the other order are another name
    ("reordered", _name((CN, "victim-cert"), (ORG, "Shantou")), None),
    # several common names never match by one of them
    ("two-cns", _name((CN, "attacker"), (CN, "victim2")), None),
    ("two-cns-reversed", _name((CN, "victim2"), (CN, "attacker")), None),
    ("multi-valued-rdn", x509.Name([x509.RelativeDistinguishedName(
        [x509.NameAttribute(CN, "attacker"), x509.NameAttribute(CN, "victim2")])]), None),
    ("cn-with-plus", _name((CN, "attacker+CN=victim2")), None),
    ("cn-prefix", _name((CN, "victim2 "),), None),
    # SAN tricks
    ("san-dns-comma", _name((CN, "attacker")), [x509.DNSName("victim-cert,O=Shantou")]),
    ("san-email-cn", _name((CN, "attacker")), [x509.RFC822Name("CN=victim2")]),
    ("san-email-cn-at", _name((CN, "attacker")), [x509.RFC822Name("CN=victim2@x.example")]),
    ("san-dirname", _name((CN, "attacker")), [x509.DirectoryName(_name((CN, "victim2")))]),
    ("san-dns-suffix", _name((CN, "attacker")), [x509.DNSName("robot2.example.evil")]),
    ("san-uri-dns", _name((CN, "attacker")), [x509.UniformResourceIdentifier("DNS:robot2.example")]),
    ("san-email-other-case", _name((CN, "attacker")), [x509.RFC822Name("OPS@jinping.example ")]),
]


@pytest.mark.parametrize(("label", "subject", "san"), CRAFTED, ids=[c[0] for c in CRAFTED])
def test_crafted_certificates_log_in_as_nobody(mapped: Server, tmp_path: Path, label: str,
                                               subject: x509.Name,
                                               san: list[x509.GeneralName] | None) -> None:
    before = db_snapshot()
    r = _get(mapped, _client_cert(mapped, tmp_path, label, subject, san))
    assert r.status_code == 401, r.text
    assert r.json()["error"] == "not_authenticated"
    assert "no govnet user has the client certificate" in r.json()["detail"]
    assert db_snapshot() == before


@pytest.mark.parametrize("subject", ["CN=a, O=b", "victim", "CN=", "FOO=bar", "CN=a,,O=b",
                                     "DNS:has space", "CN=a\\", "email:"])
def test_an_unparsable_subject_is_refused_in_one_line(api: Server, cli, subject: str) -> None:  # type: ignore[no-untyped-def]
    before = db_snapshot()
    res = cli(f"user add odd --role auditor --cert-subject '{subject}'")
    assert res.code == 2, res
    assert res.err.startswith("error: --cert-subject") and res.err.count("\n") == 1
    assert db_snapshot() == before


def test_a_subject_is_stored_in_canonical_form(api: Server, cli) -> None:  # type: ignore[no-untyped-def]
    import json

    res = cli("user add canon --role auditor --cert-subject 'o=Shantou,cn=canon\\2c x' --json")
    assert res.code == 0, res.err
    assert json.loads(res.out)["cert_subject"] == "O=Shantou,CN=canon\\, x"
    taken = cli("user add canon2 --role auditor --cert-subject 'O=Shantou,CN=canon\\, x'")
    assert taken.code == 4 and "another user has the certificate subject" in taken.err
