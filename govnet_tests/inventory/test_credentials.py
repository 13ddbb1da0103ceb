"""Credential references: syntax, resolution at connect time, secrets never shown."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

from govnet.errors import DeviceError, InvalidInput
from inventory.credentials import CredentialRef, Credentials, parse, resolve, target_for


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring backend for the tests."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


class BrokenKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("no D-Bus session")


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.mark.parametrize(("text", "expected"), [
    ("env:CORE_PW", CredentialRef("env", "CORE_PW", None)),
    ("admin@env:CORE_PW", CredentialRef("env", "CORE_PW", "admin")),
    ("keyring:govnet-core/netops", CredentialRef("keyring", "govnet-core", "netops")),
    ("key:~/.ssh/id_ed25519", CredentialRef("key", "~/.ssh/id_ed25519", None)),
    ("ops.1@key:/etc/govnet/keys/core", CredentialRef("key", "/etc/govnet/keys/core", "ops.1")),
])
def test_parse_accepts_each_form_and_prints_it_back(text, expected):
    assert parse(text) == expected
    assert str(parse(text)) == text


@pytest.mark.parametrize("text", [
    "", "password123", "env:", "env:1BAD", "env:CORE PW", "keyring:svc", "keyring:/user",
    "keyring:svc/", "key:", "@env:X", "a@b@env:X", "vault:secret/x",
])
def test_parse_rejects_malformed_references_with_one_line(text):
    with pytest.raises(InvalidInput) as err:
        parse(text)
    assert "\n" not in str(err.value)
    assert "[USER@]env:VAR" in str(err.value)


def test_env_reference_reads_the_variable_at_resolve_time():
    env = {"CORE_PW": "pa55", "GOVNET_DEVICE_USER": "netops"}
    assert resolve("env:CORE_PW", env) == Credentials("netops", password="pa55")
    assert resolve("admin@env:CORE_PW", env) == Credentials("admin", password="pa55")
    assert resolve("env:CORE_PW", {"CORE_PW": "x"}).username == "govnet"


@pytest.mark.parametrize(("env", "words"), [
    ({}, "is not set"), ({"CORE_PW": ""}, "is empty"),
])
def test_missing_env_variable_names_the_reference(env, words):
    with pytest.raises(DeviceError) as err:
        resolve("admin@env:CORE_PW", env)
    assert str(err.value) == f"credential admin@env:CORE_PW: environment variable CORE_PW {words}"


def test_keyring_reference_reads_the_keyring(memory_keyring):
    memory_keyring.set_password("govnet-core", "netops", "kr-secret")
    assert resolve("keyring:govnet-core/netops", {}) == Credentials("netops", "kr-secret")


def test_missing_keyring_entry_names_service_and_user(memory_keyring):
    with pytest.raises(DeviceError, match="no password in the keyring for service "
                                          "'govnet-core', user 'netops'"):
        resolve("keyring:govnet-core/netops", {})


def test_unusable_keyring_is_a_device_error():
    previous = keyring.get_keyring()
    keyring.set_keyring(BrokenKeyring())
    try:
        with pytest.raises(DeviceError, match="keyring unavailable: no D-Bus session"):
            resolve("keyring:govnet-core/netops", {})
    finally:
        keyring.set_keyring(previous)


def test_key_reference_checks_the_file(tmp_path):
    key = tmp_path / "id_ed25519"
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    assert resolve(f"ops@key:{key}", {}) == Credentials("ops", key_file=str(key))
    with pytest.raises(DeviceError, match="does not exist or is not readable"):
        resolve(f"key:{tmp_path / 'absent'}", {})


def test_password_never_in_repr_or_error():
    creds = resolve("env:CORE_PW", {"CORE_PW": "hunter2"})
    assert "hunter2" not in repr(creds)
    assert "password='***'" in repr(creds)
    target = target_for("core-1", "huawei_vrp", "192.0.2.1", credential="env:CORE_PW",
                        environ={"CORE_PW": "hunter2"})
    assert target.password == "hunter2"
    assert "hunter2" not in repr(target)


def test_demo_target_resolves_nothing():
    target = target_for("demo-1", "huawei_vrp", "192.0.2.1", credential="env:NOT_SET",
                        demo=True, environ={})
    assert target.demo and target.password is None
