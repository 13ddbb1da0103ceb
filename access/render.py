"""Rendering of access configuration: one Jinja2 environment on ``configs/``.

``render(platform, template, spec)`` turns a validated spec (``access.specs``)
into the platform's configuration lines. Validation is the guard (CLI text has
no escaping, so ``autoescape`` would mean nothing); two checks here back it up:

* every ``{{ value }}`` passes ``_guard`` (Jinja2 ``finalize``): a value holding a
  line break, a control character or a CLI-special mark (``; # ! | ?``) stops the
  rendering, so no value can open a line of its own;
* every rendered line must start with the literal text that begins some line of
  the platform's templates, so no line exists that no template wrote.

Templates live in ``configs/<platform>/<name>.j2`` (``GOVNET_CONFIGS`` overrides
the folder); each platform has the templates in ``TEMPLATES``:

* ``attach`` / ``detach``: one zone attachment and its exact inverse. Attach only
  *binds* to the zone's VPN instance / VRF; the instance itself is shared by every
  unit of the zone on the device, so it is rendered apart by ``vrf``
  (``render_vrf``: provisioning prepends it when the running config lacks the
  instance) and detach never removes it.
* ``cpe``: day-0 lines for the unit's own router; ``isolate`` / ``restore``:
  shut and reopen the unit's subinterface (compliance enforcement).

VRP8's two-stage ``commit`` is the driver's, never a template line.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from access.specs import AttachSpec, CpeSpec, InterfaceSpec
from govnet.errors import InvalidInput

TEMPLATES = ("attach", "detach", "cpe", "isolate", "restore", "vrf")

_NAME = re.compile(r"[a-z][a-z0-9_]{0,40}")
_TAG = re.compile(r"\{[{%#]")
_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_INCLUDE = re.compile(r"""\{%-?\s*(?:include|extends|import|from)\s+["']([^"']+)["']""")
_LINE_BREAKING = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})
_CLI_MARKS = frozenset(";#!|?")


def configs_dir() -> Path:
    """The template root: ``$GOVNET_CONFIGS``, else the installed ``configs`` package
    (``importlib.resources``: a wheel ships the templates as that package's data)."""
    override = os.environ.get("GOVNET_CONFIGS")
    if override:
        return Path(override)
    try:
        root = resources.files("configs")
    except ModuleNotFoundError:  # an editable install made before configs was a package
        return Path(__file__).resolve().parents[1] / "configs"
    return Path(str(root))  # a directory on disk: Jinja2's loader reads files by path


def template_platforms() -> list[str]:
    """The platform folders under the template root, sorted."""
    root = configs_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and _NAME.fullmatch(p.name))


def _unsafe(text: str) -> str | None:
    """The first character of ``text`` that may not appear in a rendered value."""
    for ch in text:
        if ch in _CLI_MARKS or unicodedata.category(ch) in _LINE_BREAKING:
            return ch
    return None


def _guard(value: object) -> str:
    """Jinja2 ``finalize``: every substituted value, checked as it is written."""
    if value is None:
        raise InvalidInput("refusing to render an empty (None) value into configuration")
    text = str(value)
    bad = _unsafe(text)
    if bad is not None:
        raise InvalidInput(f"refusing to render a value holding U+{ord(bad):04X} "
                           "(line break, control character or CLI mark)")
    return text


@lru_cache(maxsize=8)
def _environment(root: str) -> Environment:
    return Environment(
        loader=FileSystemLoader(root),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,  # CLI text has no escaping; validation is the guard
        finalize=_guard,
    )


@lru_cache(maxsize=64)
def _heads(root: str, platform: str) -> frozenset[str]:
    """Literal beginnings of the template lines a platform's output may come from."""
    heads: set[str] = set()
    pending, seen = sorted(Path(root, platform).glob("*.j2")), set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        source = _COMMENT.sub("", path.read_text(encoding="utf-8"))
        pending.extend(Path(root, name) for name in _INCLUDE.findall(source))
        for line in source.splitlines():
            tag = _TAG.search(line)
            head = line[: tag.start()] if tag else line
            if head.strip():
                heads.add(head)
    return frozenset(heads)


def _lines(text: str, heads: frozenset[str], where: str) -> list[str]:
    """Split rendered text into non-blank lines, checking each one's provenance."""
    lines: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        bad = _unsafe(line)
        if bad is not None:
            raise InvalidInput(f"{where}: rendered line {number} holds U+{ord(bad):04X}")
        if not line.strip():
            continue
        if not any(line.startswith(head) for head in heads):
            raise InvalidInput(f"{where}: rendered line {number} comes from no template line")
        lines.append(line.rstrip())
    return lines


def render(platform: str, template: str, spec: object) -> list[str]:
    """Render ``configs/<platform>/<template>.j2`` with ``spec`` as ``spec``.

    Returns the configuration lines (no blank lines, indentation as the platform
    writes it). Unknown platform or template, or an unsafe value: InvalidInput.
    """
    if platform not in template_platforms():
        raise InvalidInput(f"platform: no templates for {platform!r}; known: "
                           f"{', '.join(template_platforms())}")
    if not _NAME.fullmatch(template):
        raise InvalidInput(f"template: {template!r} is not a template name")
    spec_platform = getattr(spec, "platform", platform)
    if spec_platform != platform:
        raise InvalidInput(f"platform: the spec is for {spec_platform!r}, not {platform!r}")
    root = str(configs_dir())
    try:
        compiled = _environment(root).get_template(f"{platform}/{template}.j2")
    except TemplateNotFound:
        raise InvalidInput(f"template: no {template!r} template for {platform}") from None
    where = f"{platform}/{template}"
    return _lines(compiled.render(spec=spec), _heads(root, platform), where)


def render_attach(spec: AttachSpec) -> list[str]:
    """Lines that attach the unit: filters, subinterface (VRF before addresses), routes."""
    return render(spec.platform, "attach", spec)


def render_detach(spec: AttachSpec) -> list[str]:
    """Lines that undo ``render_attach`` (the shared VPN instance stays)."""
    return render(spec.platform, "detach", spec)


def render_vrf(spec: AttachSpec) -> list[str]:
    """The zone's VPN instance / VRF definition, for a device that lacks it."""
    if spec.vrf is None or spec.rd is None:
        raise InvalidInput("vrf: defining a VPN instance needs vrf and rd")
    return render(spec.platform, "vrf", spec)


def render_cpe(spec: AttachSpec | CpeSpec) -> list[str]:
    """Day-0 lines for the unit's own router.

    Given an AttachSpec, the unit's router is assumed to be of the same platform,
    with the same port name and the same VLAN tag; pass a CpeSpec to say otherwise.
    """
    if isinstance(spec, AttachSpec):
        spec = CpeSpec(attach=spec, platform=spec.platform,
                       interface=spec.parent_interface, vlan=spec.vlan)
    return render(spec.platform, "cpe", spec)


def render_isolate(spec: InterfaceSpec) -> list[str]:
    """Lines that shut the subinterface (compliance enforcement)."""
    return render(spec.platform, "isolate", spec)


def render_restore(spec: InterfaceSpec) -> list[str]:
    """Lines that undo ``render_isolate``."""
    return render(spec.platform, "restore", spec)


__all__ = ["TEMPLATES", "configs_dir", "render", "render_attach", "render_cpe",
           "render_detach", "render_isolate", "render_restore", "render_vrf",
           "template_platforms"]
