"""Input checks shared by every entry point (CLI options, import files, the API).

One place says what a name, a free text, an interface name, a number and a text
file are, so a value refused on the command line is refused in a file too:

* free text (descriptions, sites, reasons) is printable: no control, format
  (zero-width, bidi) or line-separator character, at most ``limit`` characters;
* a name is required text, never a number or a list (YAML ``name: 123``);
* an interface name and a number are ASCII (full-width ``１`` is not ``1``);
* a text file is UTF-8 and a CSV file has fields of sane size; every failure is
  an :class:`InvalidInput` naming ``FILE:LINE``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from govnet.errors import InvalidInput

# An interface as routers spell it: GigabitEthernet0/0/1, eth1, Eth-Trunk1.100, ge-0/0/0:1.
_INTERFACE = re.compile(r"[A-Za-z][A-Za-z0-9_/.:\-]{0,63}", re.ASCII)
INTERFACE_PATTERN = f"^{_INTERFACE.pattern}$"
"""The same rule as a JSON Schema pattern (the API's OpenAPI document)."""
_DIGITS = re.compile(r"-?[0-9]+", re.ASCII)


def _bad_char(text: str) -> str | None:
    """The first character that is not printable (space is), shown for a message."""
    for ch in text:
        if not ch.isprintable():
            return f"U+{ord(ch):04X}"
    return None


def text(value: object, field: str, *, limit: int = 200, required: bool = False) -> str:
    """Free text, stripped: printable, at most ``limit`` characters.

    >>> text(" 办公网 ", "description")
    '办公网'
    >>> text("a\\u202eb", "description")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    govnet.errors.InvalidInput: description: control character U+202E is not allowed
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{field}: expected text, not {type(value).__name__} {value!r}")
    stripped = value.strip()
    bad = _bad_char(stripped)
    if bad:
        raise InvalidInput(f"{field}: control character {bad} is not allowed")
    if required and not stripped:
        raise InvalidInput(f"{field} is required and must not be empty")
    if len(stripped) > limit:
        raise InvalidInput(f"{field}: {len(stripped)} characters, at most {limit}")
    return stripped


def name(value: object, kind: str, *, limit: int = 64) -> str:
    """A name (district, unit, user, device, site…): required printable text.

    >>> name(123, "device name")
    Traceback (most recent call last):
    ...
    govnet.errors.InvalidInput: device name: expected text, not int 123
    """
    return text(value, kind, limit=limit, required=True)


def interface(value: object, field: str = "port name") -> str:
    """An interface name: an ASCII letter, then up to 63 of ``A-Z a-z 0-9 _ / . : -``.

    >>> interface("GigabitEthernet0/0/1")
    'GigabitEthernet0/0/1'
    >>> interface("eth1\\n")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    govnet.errors.InvalidInput: port name 'eth1\\n' is not an interface name ...
    """
    if not isinstance(value, str) or not _INTERFACE.fullmatch(value):
        raise InvalidInput(f"{field} {value!r} is not an interface name (an ASCII letter, then "
                           "letters, digits, _ / . : -)")
    return value


def number(value: object, field: str, lo: int | None = None, hi: int | None = None,
           allowed: tuple[int, ...] = ()) -> int:
    """A whole number in ASCII digits within ``lo``–``hi`` and, if given, one of ``allowed``
    (YAML ints pass through). The CLI's whole-number options and arguments parse with it
    too (:func:`govnet.console.number_option`).

    >>> number("22", "port", 1, 65535)
    22
    >>> number("２２", "port", 1, 65535)
    Traceback (most recent call last):
    ...
    govnet.errors.InvalidInput: port: '２２' is not a number in ASCII digits
    >>> number("-1", "--limit", 1)
    Traceback (most recent call last):
    ...
    govnet.errors.InvalidInput: --limit must be at least 1, not -1
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput(f"{field}: {value!r} is not a number")
    if isinstance(value, str):
        if not _DIGITS.fullmatch(value.strip()):
            raise InvalidInput(f"{field}: {value!r} is not a number in ASCII digits")
        value = int(value.strip())
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if hi is None:
            raise InvalidInput(f"{field} must be at least {lo}, not {value}")
        if lo is None:
            raise InvalidInput(f"{field} must be at most {hi}, not {value}")
        raise InvalidInput(f"{field} {value} is outside {lo}–{hi}")
    if allowed and value not in allowed:
        raise InvalidInput(f"{field} must be {' or '.join(map(str, allowed))}, not {value}")
    return value


# -- files ------------------------------------------------------------------------

def read_text(path: Path) -> str:
    """The UTF-8 text of ``path`` (a BOM is dropped); InvalidInput names the bad byte."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InvalidInput(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                           "save the file as UTF-8") from None


def csv_records(text_: str, label: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the non-blank rows of a CSV text, each with its first line number.

    An empty file has no header and no rows. A malformed file (a stray quote, a field
    over the csv module's 131,072 characters, more fields than the header) is an
    InvalidInput at ``label:LINE``.
    """
    reader = csv.reader(io.StringIO(text_.lstrip("\ufeff")))
    header: list[str] = []
    records: list[tuple[int, dict[str, str]]] = []
    line = 1
    try:
        for values in reader:
            if not header:
                header = [h.strip() for h in values]
            elif any(v.strip() for v in values):
                if len(values) > len(header):
                    raise InvalidInput(f"{label}:{line}: more fields than the header has")
                records.append((line, {h: v.strip() for h, v in zip(header, values,
                                                                   strict=False) if h}))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidInput(f"{label}:{reader.line_num or line}: not valid CSV: {exc}") from None
    return header, records
