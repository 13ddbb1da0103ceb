"""API tokens and certificate subjects: the services and the CLI, as a user types them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from govnet import certs, db, tokens
from govnet.errors import InvalidInput, NotPermitted
from govnet.tokens import TokenRefused
from govnet_tests.conftest import actor, db_snapshot


@pytest.fixture
def world(db: str, cli) -> str:  # type: ignore[no-untyped-def]
    assert cli("org district add 金平区").code == 0
    assert cli("user add jp --role district_operator --district 金平区 "
               "--cert-subject CN=jinping-ops").code == 0
    return db


def test_a_token_is_shown_once_and_stored_as_a_hash(world: str, cli) -> None:  # type: ignore[no-untyped-def]
    made = cli("token create jp --expires 90d --read-only --json")
    assert made.code == 0, made.err
    data = json.loads(made.out)
    assert data["token"].startswith("govnet_") and data["read_only"] and data["expires_at"]
    assert data["token"] not in repr(db_snapshot())
    listed = cli("token list --json")
    assert data["token"] not in listed.out and data["key"] in listed.out
    with db.read() as s:
        found = tokens.authenticate(s, data["token"])
    assert found.actor.name == "jp" and found.read_only


@pytest.mark.parametrize("command", [
    "token create jp --expires 0d", "token create jp --expires soon", "token create nobody",
    "token revoke 0123456789ab",
])
def test_bad_token_commands_change_nothing(world: str, cli, command: str) -> None:  # type: ignore[no-untyped-def]
    before = db_snapshot()
    res = cli(command)
    assert res.code == 2 and res.err.startswith("error: ") and len(res.err.splitlines()) == 1
    assert db_snapshot() == before


def test_only_an_admin_creates_tokens(world: str, cli) -> None:  # type: ignore[no-untyped-def]
    before = db_snapshot()
    with db.read() as s, pytest.raises(NotPermitted):
        tokens.create(s, actor("jp"), "jp")
    assert db_snapshot() == before


def test_revoked_and_expired_tokens_are_refused(world: str) -> None:
    with db.transaction() as s:
        row, secret = tokens.create(s, actor(), "jp", expires="1h")
    with db.transaction() as s:
        tokens.revoke(s, actor(), row.key)
    with db.read() as s, pytest.raises(TokenRefused, match="revoked"):
        tokens.authenticate(s, secret)
    with db.read() as s, pytest.raises(TokenRefused, match="unknown"):
        tokens.authenticate(s, secret[:-1] + ("A" if secret[-1] != "A" else "B"))
    assert tokens.state_of(row, row.expires_at + dt.timedelta(seconds=1)) == "expired"  # type: ignore[operator]


def _cert(cn: str, san: list[x509.GeneralName]) -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "汕头")])
    now = dt.datetime.now(dt.UTC)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(san), critical=False)
            .sign(key, hashes.SHA256()))


def test_a_certificate_maps_by_cn_full_subject_or_san(world: str, cli) -> None:  # type: ignore[no-untyped-def]
    cert = _cert("jinping-ops", [x509.DNSName("jp.example"), x509.RFC822Name("jp@example")])
    assert certs.names_of(cert) == ["O=汕头,CN=jinping-ops", "CN=jinping-ops", "DNS:jp.example",
                                    "email:jp@example"]
    with db.read() as s:
        assert certs.actor_for(s, cert).name == "jp"
    assert cli("user add robot --role auditor --cert-subject DNS:robot.example").code == 0
    with db.read() as s:
        assert certs.actor_for(s, _cert("x", [x509.DNSName("robot.example")])).name == "robot"
        with pytest.raises(TokenRefused, match="no govnet user"):
            certs.actor_for(s, _cert("stranger", [x509.DNSName("else.example")]))


@pytest.mark.parametrize("subject", ["jinping-ops", "CN=\x07x", "DNS:has space", "CN=jinping-ops"])
def test_bad_or_taken_cert_subjects_are_refused(world: str, cli, subject: str) -> None:  # type: ignore[no-untyped-def]
    before = db_snapshot()
    res = cli(f"user add other --role auditor --cert-subject '{subject}'")
    assert res.code in (2, 4) and res.err.startswith("error: ")
    assert db_snapshot() == before


def test_expiry_parsing() -> None:
    assert tokens.parse_expiry("12h") == dt.timedelta(hours=12)
    assert tokens.parse_expiry("4w") == dt.timedelta(weeks=4)
    with pytest.raises(InvalidInput):
        tokens.parse_expiry("-1d")
