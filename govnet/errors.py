"""Typed errors, each mapped to the exit code of DESIGN.md's CLI contract.

Every error carries a one-line message that says what failed, on what, and
(where useful) what to do. The CLI prints ``error: <message>`` on stderr and
exits with ``exit_code``; no traceback ever reaches a user.
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound=Enum)


class GovnetError(Exception):
    """Base of every error govnet raises on purpose."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(GovnetError):
    """The input is malformed or names something that does not exist (exit 2)."""

    exit_code = 2


def choice(kind: type[E], value: str, what: str) -> E:
    """The member of enum ``kind`` whose value is ``value``, or InvalidInput listing them all.

    >>> from govnet.models import Role
    >>> choice(Role, "auditor", "role")
    <Role.auditor: 'auditor'>
    """
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput(f"unknown {what} {value!r}; one of: "
                           f"{', '.join(str(m.value) for m in kind)}") from None


class NotFound(InvalidInput):
    """A named object (district, unit, VRF, prefix, device…) does not exist (exit 2)."""


class NotPermitted(GovnetError):
    """The acting user's role or scope does not allow the operation (exit 3)."""

    exit_code = 3


class Conflict(GovnetError):
    """The operation conflicts with the current state (exit 4)."""

    exit_code = 4


class AlreadyExists(Conflict):
    """An object of that name or value exists already."""


class PrefixConflict(Conflict):
    """A prefix overlaps or duplicates another."""


class SpaceExhausted(Conflict):
    """No free block of the asked size is left."""


class WrongState(Conflict):
    """The object is not in a state that allows the transition."""


class DeviceError(GovnetError):
    """A device or the network failed (exit 5)."""

    exit_code = 5


class AuthenticationFailed(DeviceError):
    """The device refused the credentials."""


class DeviceUnreachable(DeviceError):
    """The device did not answer (connection refused, timeout, no route)."""


class CommandRejected(DeviceError):
    """The device rejected a configuration line; ``line`` names it."""

    def __init__(self, message: str, *, line: str = "", output: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.output = output


class DemoDeviceRefused(DeviceError):
    """A demo device is never contacted: refused before any packet leaves."""
