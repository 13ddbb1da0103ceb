"""The migrations build exactly the schema the models describe (alembic check), on both databases."""

from __future__ import annotations

from alembic import command

from govnet.db import create
from govnet.migrate import alembic_config, current_revision, head_revision


def test_models_and_migrations_agree(any_db):
    assert current_revision(any_db) == head_revision()
    command.check(alembic_config(any_db))  # raises if autogenerate would change anything


def test_0010_rewrites_certificate_subjects_in_canonical_form(tmp_path, capfd):
    """Subjects stored before exact matching: parsable ones canonical, the rest cleared."""
    from sqlalchemy import create_engine, text

    url = f"sqlite:///{tmp_path / 'old.db'}"
    create(url)  # as migrate.upgrade does: only init and demo create a database file
    command.upgrade(alembic_config(url), "0009")
    engine = create_engine(url)
    stored = {"a": "cn=alice", "b": "CN=bob, O=x", "c": "O=Shantou,CN=carol",
              "d": "DNS:d.example", "e": "CN=Alice"}
    with engine.begin() as conn:
        for name, subject in stored.items():
            conn.execute(text("insert into govnet_user (name, role, cert_subject, created_at) "
                              "values (:n, 'auditor', :s, '2026-01-01 00:00:00')"),
                         {"n": name, "s": subject})
    command.upgrade(alembic_config(url), "0010")
    with engine.connect() as conn:
        got = dict(conn.execute(text("select name, cert_subject from govnet_user")).all())
    engine.dispose()
    assert got == {"a": "CN=alice", "b": None, "c": "O=Shantou,CN=carol",
                   "d": "DNS:d.example", "e": "CN=Alice"}
    assert "user b: certificate subject 'CN=bob, O=x' cleared" in capfd.readouterr().err
