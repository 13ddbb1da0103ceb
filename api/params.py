"""The API's edge: one set of types every route's ids, integers, strings and enums use.

A value the database cannot hold or a refusal the CLI would give is a 400 here, before
any service runs (no 500 from PostgreSQL on a NUL byte or an id past ``integer``):

* an id or a number (path, query): ASCII digits only (not ``２８``, ``٢٨``, `` 28``,
  ``+5`` or ``1_000``), 1–2³¹−1 for ids (the ``Integer`` columns of govnet/tables.py,
  PostgreSQL's ``integer``), offsets 0–2³¹−1;
* a number in a JSON body: a JSON integer (``true`` is not 1, ``"5"`` is not 5) in its range;
* every string (path, query, body): printable by :func:`govnet.validate.text`'s rule (no
  NUL, control, zero-width, bidi or line-separator character), at most :data:`TEXT_MAX`;
* a prefix size: ``/N``, ``N`` or an IPv4 netmask in ASCII digits; a family: 4 or 6.

The types are plain ``Annotated`` aliases so the OpenAPI document says the same ranges
and patterns the server enforces.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
)
from pydantic import BaseModel as _BaseModel

from govnet import validate
from govnet.errors import InvalidInput

ID_MAX = 2**31 - 1
"""The largest id (and offset) the database holds: PostgreSQL ``integer`` columns."""
TEXT_MAX = 500
"""The longest string the API reads (the widest text column, ``String(500)``)."""
NAME_MAX = 128
_ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)
SIZE_PATTERN = r"^(/?[0-9]{1,3}|[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})$"


def _ascii_number(value: Any) -> Any:
    """A query or path number arrives as text: only ASCII digits make a number."""
    if isinstance(value, str) and not _ASCII_DIGITS.fullmatch(value):
        raise ValueError(f"{value!r} is not a number in ASCII digits")
    return value


def _printable(value: str) -> str:
    """The CLI's rule for free text (:func:`govnet.validate.text`), as a pydantic check."""
    try:
        validate.text(value, "text", limit=TEXT_MAX)
    except InvalidInput as exc:
        raise ValueError(exc.message.removeprefix("text: ")) from None
    return value


# -- types for path and query parameters -------------------------------------------------

_Digits = BeforeValidator(_ascii_number)
_Printable = AfterValidator(_printable)
Id = Annotated[int, Field(ge=1, le=ID_MAX, description="An id (1–2³¹−1)."), _Digits]
"""An id; a route adds ``Query()``/``Path()`` itself when it needs a description."""
Str = Annotated[str, StringConstraints(max_length=TEXT_MAX), _Printable]
"""Printable text in a query string."""
IdPath = Annotated[int, Path(ge=1, le=ID_MAX, description="An id (1–2³¹−1)."), _Digits]
NumberPath = Annotated[int, Path(ge=1, le=ID_MAX, description="Its number."), _Digits]
NamePath = Annotated[str, Path(max_length=NAME_MAX), _Printable]
IdQuery = Annotated[Id | None, Query()]
DepthQuery = Annotated[Annotated[int, Field(ge=0, le=128), _Digits] | None, Query()]
LimitQuery = Annotated[int, Query(ge=0, le=1000, description="Page size (0: the largest page)."),
                       _Digits]
OffsetQuery = Annotated[int, Query(ge=0, le=ID_MAX), _Digits]
TextQuery = Annotated[Str | None, Query()]
NameQuery = Annotated[str, Query(min_length=1, max_length=NAME_MAX), _Printable]
CountQuery = Annotated[int, Query(ge=1, le=1000, description="How many (1–1000)."), _Digits]
VrfIdQuery = Annotated[str | None, Query(pattern=r"^(null|[0-9]{1,10})$",
                                         description="A VRF id (or 'null').")]

# -- types for JSON bodies ---------------------------------------------------------------

Text = Annotated[str, Field(max_length=TEXT_MAX), _Printable]
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX), _Printable]
DeviceName = Annotated[str, Field(max_length=64, description="A device name (may be empty)."),
                      _Printable]
Size = Annotated[str, Field(pattern=SIZE_PATTERN, description="/N, N or an IPv4 netmask "
                            "(ASCII digits).")]
Interface = Annotated[str, Field(pattern=validate.INTERFACE_PATTERN,
                                 description="An interface name (ASCII).")]
Family = Literal[4, 6]
Hosts = Annotated[StrictInt, Field(ge=1, le=ID_MAX, description="How many hosts.")]
Days = Annotated[StrictInt, Field(ge=0, le=36500)]
PrefixLength = Annotated[StrictInt, Field(ge=0, le=128)]
StrictId = Annotated[StrictInt, Field(ge=1, le=ID_MAX)]
Flag = Annotated[StrictBool, Field(description="A JSON boolean (not \"yes\", not 1).")]


class Body(_BaseModel):
    """A request body: unknown fields are refused (a typo is not silently ignored)."""

    model_config = ConfigDict(extra="forbid")
