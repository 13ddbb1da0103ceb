"""The network API over real HTTPS: a CA, server and client certificates made here with
``cryptography``, and ``govnet serve`` started as its own process on 127.0.0.1 (a free
port) with TLS and ``--client-ca``, on the same GOVNET_DB as the test (SQLite and
PostgreSQL). One server per module and backend, on the Shantou demo world.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import create_engine, text, update

from govnet import db as gdb
from govnet.settings import settings

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ("jinping-ops", "longhu-ops", "edu-applicant", "city-ops", "robot")


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Shantou e-gov test")])


def _cert(subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name,
          issuer_key: ec.EllipticCurvePrivateKey, *, ca: bool = False,
          san: list[x509.GeneralName] | None = None, client: bool = False) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    b = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer)
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(now - dt.timedelta(minutes=5))
         .not_valid_after(now + dt.timedelta(days=2))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if san:
        b = b.add_extension(x509.SubjectAlternativeName(san), critical=False)
    if not ca:
        usage = x509.oid.ExtendedKeyUsageOID
        b = b.add_extension(x509.ExtendedKeyUsage(
            [usage.CLIENT_AUTH if client else usage.SERVER_AUTH]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def _write(path: Path, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> None:
    path.with_suffix(".crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    path.with_suffix(".key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


@dataclass
class Pki:
    dir: Path

    @property
    def ca(self) -> str:
        return str(self.dir / "ca.crt")

    def pair(self, name: str) -> tuple[str, str]:
        return str(self.dir / f"{name}.crt"), str(self.dir / f"{name}.key")


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A CA, a server certificate for 127.0.0.1, client certificates for CLIENTS, and a
    client certificate for jinping-ops from another CA (``foreign``)."""
    d = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("govnet test CA", ca_key, _name("govnet test CA"), ca_key, ca=True)
    _write(d / "ca", ca, ca_key)
    key = ec.generate_private_key(ec.SECP256R1())
    _write(d / "server", _cert("127.0.0.1", key, ca.subject, ca_key, san=[
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]), key)
    for cn in CLIENTS:
        key = ec.generate_private_key(ec.SECP256R1())
        _write(d / cn, _cert(cn, key, ca.subject, ca_key, client=True), key)
    other_key = ec.generate_private_key(ec.SECP256R1())
    other = _cert("another CA", other_key, _name("another CA"), other_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    _write(d / "foreign", _cert("jinping-ops", key, other.subject, other_key, client=True), key)
    return Pki(d)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    db_url: str
    pki: Pki
    log: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, cert: str = "robot", token: str | None = None) -> httpx.Client:
        """An HTTPS client presenting ``cert``'s certificate (and a token, if given)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        ctx = ssl.create_default_context(cafile=self.pki.ca)
        ctx.load_cert_chain(*self.pki.pair(cert))
        return httpx.Client(base_url=self.url, verify=ctx, headers=headers, timeout=30)


def _truncate_pg(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "select tablename from pg_tables where schemaname='public' "
            "and tablename <> 'alembic_version'"))]
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                          + " RESTART IDENTITY CASCADE"))
    engine.dispose()


def _seed() -> dict[str, str]:
    """The Shantou demo, certificate subjects for the client certificates, and tokens."""
    from govnet import demo, tokens
    from govnet.auth import load_actor
    from govnet.models import User

    with gdb.transaction() as s:
        demo.seed(s, admin="admin")  # with its city aggregation router st-agg-1
        for cn in CLIENTS[:-1]:  # "robot" maps to nobody: its requests need a token
            s.execute(update(User).where(User.name == cn).values(cert_subject=f"CN={cn}"))
        admin = load_actor(s, "admin")
        made = {name: tokens.create(s, admin, name)[1]
                for name in ("admin", "city-ops", "jinping-ops", "edu-applicant", "authority")}
        made["reader"] = tokens.create(s, admin, "city-ops", read_only=True)[1]
    return made


def start_server(db_url: str, pki: Pki, log: Path, *extra: str, client_ca: bool = True
                 ) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "GOVNET_DB": db_url, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "govnet.cli", "serve", "--host", "127.0.0.1", "--port",
           str(port), "--tls-cert", pki.pair("server")[0], "--tls-key", pki.pair("server")[1],
           *(["--client-ca", pki.ca] if client_ca else []), *extra]
    out = log.open("ab")
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"govnet serve exited {proc.returncode}: {log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError("govnet serve did not start in 60 s")
    return proc, f"https://127.0.0.1:{port}"


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres",
                                                                marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, pki: Pki, sqlite_template: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp(f"api-{request.param}")
    if request.param == "sqlite":
        shutil.copy(sqlite_template, tmp / "govnet.db")
        db_url = f"sqlite:///{tmp / 'govnet.db'}"
    else:
        db_url = request.getfixturevalue("pg_url")
        _truncate_pg(db_url)
    saved = {k: os.environ.get(k) for k in ("GOVNET_DB", "GOVNET_USER")}
    os.environ.update(GOVNET_DB=db_url, GOVNET_USER="admin")
    settings.cache_clear()
    gdb.dispose_all()
    made = _seed()
    log = tmp / "server.log"
    proc, url = start_server(db_url, pki, log)
    try:
        yield Server(url, db_url, pki, log, made)
    finally:
        stop_server(proc)
        gdb.dispose_all()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        settings.cache_clear()


@pytest.fixture
def api(server: Server, monkeypatch: pytest.MonkeyPatch) -> Server:
    """The module's server, with this process pointed at its database (for db_snapshot, cli)."""
    monkeypatch.setenv("GOVNET_DB", server.db_url)
    monkeypatch.setenv("GOVNET_USER", "admin")
    settings.cache_clear()
    gdb.dispose_all()
    return server
