"""``govnet serve`` and ``govnet token create|list|revoke``: the API from the command line."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

import typer

from govnet.console import JSON_OPTION, acting, emit, number_option, table
from govnet.db import read, transaction
from govnet.errors import InvalidInput
from govnet.settings import settings

token_app = typer.Typer(
    add_completion=False, help="API tokens (the secret is shown once; only its hash is kept).",
                        no_args_is_help=True)


def _file(path: Path | None, option: str) -> str | None:
    if path is None:
        return None
    if not path.is_file():
        raise InvalidInput(f"{option}: no file {path}")
    return str(path)


def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
          port: int = number_option(8080, "--port", hi=65535),
          workers: int = number_option(1, "--workers", hi=64,
                                      help="Processes (PostgreSQL only; SQLite runs one)."),
          tls_cert: Path | None = typer.Option(None, "--tls-cert", help="Server certificate (PEM)."),
          tls_key: Path | None = typer.Option(None, "--tls-key", help="Its private key (PEM)."),
          client_ca: Path | None = typer.Option(
              None, "--client-ca", help="Require client certificates signed by this CA (PEM)."),
          proxy_cert_header: str | None = typer.Option(
              None, "--proxy-cert-header", help="Header in which a trusted TLS-terminating "
              "proxy forwards the verified client certificate (URL-encoded PEM)."),
          trusted_proxy: list[str] | None = typer.Option(
              None, "--trusted-proxy", help="Address of that proxy; repeat for several."),
          access_log: bool = typer.Option(True, "--access-log/--no-access-log")) -> None:
    """Serve the network API (OpenAPI at /api/docs) under uvicorn."""
    import uvicorn

    from api.auth import PROXY_HEADER_ENV, TRUSTED_PROXIES_ENV
    from api.tls import PROTOCOL
    from govnet.db import get_engine

    if (tls_cert is None) != (tls_key is None):
        raise InvalidInput("give --tls-cert and --tls-key together")
    if client_ca is not None and tls_cert is None:
        raise InvalidInput("--client-ca needs --tls-cert and --tls-key (client certificates "
                           "are verified in the TLS handshake)")
    if (proxy_cert_header is None) != (not trusted_proxy):
        raise InvalidInput("give --proxy-cert-header and --trusted-proxy together")
    cert, key, ca = (_file(tls_cert, "--tls-cert"), _file(tls_key, "--tls-key"),
                     _file(client_ca, "--client-ca"))
    if workers > 1 and get_engine().dialect.name == "sqlite":
        raise InvalidInput("--workers: SQLite serves from one process; use PostgreSQL "
                           "(GOVNET_DB=postgresql+psycopg://…) for several")
    with read() as s:  # the database is there and migrated before anyone connects
        from sqlalchemy import text

        s.execute(text("select 1 from api_token limit 1"))
    if proxy_cert_header:
        os.environ[PROXY_HEADER_ENV] = proxy_cert_header
        os.environ[TRUSTED_PROXIES_ENV] = ",".join(trusted_proxy or [])
    os.environ["GOVNET_DB"] = settings().db_url  # the workers use this same database
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers,
                ssl_certfile=cert, ssl_keyfile=key, ssl_ca_certs=ca,
                ssl_cert_reqs=ssl.CERT_REQUIRED if ca else ssl.CERT_NONE,
                http=PROTOCOL if cert else "httptools", proxy_headers=False,
                loop="uvloop", server_header=False, access_log=access_log, log_level="info")


@token_app.command("create")
def token_create(user: str,
                 expires: str | None = typer.Option(None, "--expires",
                                                    help="Lifetime: 90d, 12h, 4w (default never)."),
                 read_only: bool = typer.Option(False, "--read-only", help="Refuse writes."),
                 description: str = typer.Option("", "--description"),
                 json_: bool = JSON_OPTION) -> None:
    """Create a token for USER and print its secret (once: only a hash is kept)."""
    from govnet import tokens

    with transaction() as s:
        row, secret = tokens.create(s, acting(s), user, expires=expires, read_only=read_only,
                                    description=description)
        data = tokens.token_dict(s, row) | {"token": secret}
    emit(data, json_, lambda: f"API token {data['key']} for {user}"
         + (" (read-only)" if read_only else "")
         + (f", expires {data['expires_at']}" if data["expires_at"] else "")
         + f"\n{secret}\nstore it now: it is not shown again")


@token_app.command("list")
def token_list(user: str | None = typer.Option(None, "--user"), json_: bool = JSON_OPTION
               ) -> None:
    """Tokens with their state and last use (never their secrets)."""
    from govnet import tokens

    with read() as s:
        data = [tokens.token_dict(s, t) for t in tokens.list_tokens(s, acting(s), user=user)]
    cols = ("key", "user", "state", "read_only", "expires_at", "last_used_at", "description")
    emit(data, json_, lambda: table("API tokens", cols, ([d[c] for c in cols] for d in data)))


@token_app.command("revoke")
def token_revoke(token: str = typer.Argument(..., help="The token's key (or id)."),
                 json_: bool = JSON_OPTION) -> None:
    """Revoke a token: refused from the next request on."""
    from govnet import tokens

    with transaction() as s:
        data = tokens.token_dict(s, tokens.revoke(s, acting(s), token))
    emit(data, json_, lambda: f"revoked API token {data['key']} of {data['user']}")


def mount(app: typer.Typer) -> None:
    """Mount ``serve`` and ``token`` on the root command."""
    app.command("serve")(serve)
    app.add_typer(token_app, name="token")
