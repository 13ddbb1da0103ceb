"""Inventory import (YAML, CSV) and export (Nornir, Ansible, CSV).

Import is all or nothing: every row is validated first, and the first bad row
is reported as ``FILE:LINE: what is wrong`` (with the count of further bad
rows); nothing is written unless every row is good. The CSV columns are those
of :data:`CSV_COLUMNS`; ``ports`` holds ``NAME=A-B[:DESCRIPTION]`` items separated
by ``;``.
A YAML file is a list of devices (or ``devices:`` with that list), each a
mapping of the same fields, ``ports`` a list of ``{name, vlans, description}``.

Exports carry no secret: the credential reference gives the user name, and
for Ansible a lookup of the environment variable, keyring entry or key file
the reference names, resolved by Ansible at run time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, select

from govnet import validate
from govnet.auth import Actor, require
from govnet.errors import GovnetError, InvalidInput
from govnet.models import District
from inventory import service
from inventory.models import Device
from inventory.service import MANAGERS, DeviceSpec

CSV_COLUMNS = ("name", "platform", "host", "port", "role", "district", "site", "credential",
               "demo", "ports")
_FIELDS = set(CSV_COLUMNS)
_TEXT_FIELDS = ("name", "platform", "host", "role", "district", "site", "credential")
_TRUE, _FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n", ""}


@dataclass
class Row:
    """One device of an import file, with the line it starts on."""

    line: int
    values: dict[str, Any]
    spec: DeviceSpec | None = None
    ports: list[tuple[str, tuple[int, int], str | None]] = field(default_factory=list)


def _with_location(exc: GovnetError, where: str) -> GovnetError:
    """The same error (same type, same exit code), its message prefixed with FILE:LINE."""
    exc.message = f"{where}: {exc.message}"
    exc.args = (exc.message,)
    return exc


# -- reading -------------------------------------------------------------------

class _LineLoader(yaml.SafeLoader):
    """A safe loader that notes each mapping's first line as ``__line__``."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"field name {key!r} is not text", key_node.start_mark)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate field {key!r} (also on line {seen[key]})",
                key_node.start_mark)
        seen[key] = line
    mapping = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _read_yaml(text: str, label: str) -> list[Row]:
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise InvalidInput(f"{label}:{line}: not valid YAML: "
                           f"{getattr(exc, 'problem', None) or exc}") from None
    if isinstance(data, dict) and set(data) - {"__line__"} == {"devices"}:
        data = data["devices"]
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise InvalidInput(f"{label}:1: expected a list of devices (or 'devices:' with one)")
    return [Row(line=d.pop("__line__"), values=d) for d in data]


def _read_csv(text: str, label: str) -> list[Row]:
    header, records = validate.csv_records(text, label)
    if not header:
        return []  # an empty file: nothing to import
    unknown = [h for h in header if h not in _FIELDS]
    if unknown or "name" not in header:
        raise InvalidInput(f"{label}:1: CSV header: unknown column(s) {unknown}; "
                           f"expected {', '.join(CSV_COLUMNS)}" if unknown else
                           f"{label}:1: CSV header needs at least name, platform, host, role")
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise InvalidInput(f"{label}:1: CSV header: column(s) {duplicated} given twice")
    return [Row(line=line, values=values) for line, values in records]


def _ports(value: Any) -> list[tuple[str, tuple[int, int], str | None]]:
    """Ports from YAML (list of mappings) or CSV (``NAME=A-B[:DESCRIPTION];…``)."""
    if value in (None, "", []):
        return []
    items: list[dict[str, Any]] = []
    if isinstance(value, str):
        for text in filter(None, (p.strip() for p in value.split(";"))):
            name, _, rest = text.partition("=")
            vlan_text, _, note = rest.partition(":")
            items.append({"name": name.strip(), "vlans": vlan_text.strip() or "1-4094",
                          "description": note.strip() or None})
    elif isinstance(value, list) and all(isinstance(p, dict) for p in value):
        items = value
    else:
        raise InvalidInput("ports: expected a list of {name, vlans} or NAME=A-B[:TEXT];…")
    result: list[tuple[str, tuple[int, int], str | None]] = []
    for item in items:
        unknown = set(item) - {"name", "vlans", "description", "__line__"}
        if unknown:
            raise InvalidInput(f"ports: unknown field(s) {sorted(unknown)}")
        name = validate.interface(item.get("name"))
        if any(name == other for other, _, _ in result):
            raise InvalidInput(f"ports: {name!r} is given twice")
        vlans_value = item.get("vlans") or "1-4094"
        if not isinstance(vlans_value, str | int) or isinstance(vlans_value, bool):
            raise InvalidInput(f"ports: {name}: vlans {vlans_value!r} is not A-B")
        description = item.get("description")
        result.append((name, service.parse_vlans(str(vlans_value)),
                       None if description is None else validate.text(
                           description, f"ports: {name}: description")))
    return result


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise InvalidInput(f"demo: {value!r} is not true/false")


def _spec(values: dict[str, Any]) -> DeviceSpec:
    unknown = sorted(set(values) - _FIELDS)
    if unknown:
        raise InvalidInput(f"unknown field(s) {unknown}; known: {', '.join(CSV_COLUMNS)}")
    missing = [k for k in ("name", "platform", "host", "role") if not values.get(k)]
    if missing:
        raise InvalidInput(f"missing {', '.join(missing)}")
    text = {k: validate.text(values.get(k), k, limit=256) for k in _TEXT_FIELDS}
    return DeviceSpec(
        name=text["name"], platform=text["platform"], host=text["host"],
        port=values.get("port") or 22, role=text["role"], district=text["district"] or None,
        site=text["site"], credential=text["credential"], demo=_boolean(values.get("demo")))


def read_rows(path: Path, text: str | None = None) -> list[Row]:
    """The rows of a YAML (``.yaml``/``.yml``) or CSV file, not yet validated."""
    label = str(path)
    if text is None:
        text = validate.read_text(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _read_yaml(text, label)
    if suffix == ".csv":
        return _read_csv(text, label)
    raise InvalidInput(f"{label}: unknown format; use .yaml, .yml or .csv")


def import_file(session: Session, actor: Actor, path: Path, *, replace: bool = False,
                text: str | None = None) -> list[Device]:
    """Validate every row of ``path``, then add them all (or nothing)."""
    require(actor, *MANAGERS, action="manage the inventory")
    rows = read_rows(path, text)
    errors: list[GovnetError] = []
    seen: dict[str, int] = {}
    for row in rows:
        where = f"{path}:{row.line}"
        try:
            row.spec = _spec(row.values)
            service.validate_device(session, row.spec)
            row.ports = _ports(row.values.get("ports"))
            if row.spec.name in seen:
                raise InvalidInput(
                    f"device {row.spec.name!r} is also on line {seen[row.spec.name]}")
            seen[row.spec.name] = row.line
            if not replace and _exists(session, row.spec.name):
                raise InvalidInput(f"device {row.spec.name!r} exists already "
                                   "(use --replace to update it)")
        except GovnetError as exc:
            errors.append(_with_location(exc, where))
    if errors:
        first = errors[0]
        if len(errors) > 1:
            first.message += f" (and {len(errors) - 1} more bad row(s)); nothing imported"
        else:
            first.message += "; nothing imported"
        first.args = (first.message,)
        raise first
    devices = []
    for row in rows:
        assert row.spec is not None
        try:
            devices.append(service.add_device(session, actor, **vars(row.spec), replace=replace))
            for name, vlans, description in row.ports:
                service.add_port(session, actor, device=row.spec.name, name=name, vlans=vlans,
                                 description=description)
        except GovnetError as exc:  # e.g. narrowing a port with VLANs in use
            raise _with_location(exc, f"{path}:{row.line}") from None
    return devices


def _exists(session: Session, name: str) -> bool:
    try:
        service.find_device(session, name)
        return True
    except GovnetError:
        return False


# -- writing -------------------------------------------------------------------

def _username(credential: str) -> str | None:
    if not credential:
        return None
    from inventory.credentials import parse

    return parse(credential).username


def _rows(session: Session, devices: Iterable[Device]) -> list[dict[str, Any]]:
    districts = {d.id: d for d in session.exec(select(District))}
    out = []
    for d in devices:
        district = districts.get(d.district_id) if d.district_id else None
        ports = service.list_ports(session, d)
        out.append({
            "name": d.name, "platform": d.platform, "host": d.host, "port": d.port,
            "role": d.role, "district": district.name if district else "",
            "district_code": district.code if district and district.code else "",
            "site": d.site, "credential": d.credential, "demo": d.demo,
            "ports": [{"name": p.name, "vlans": f"{p.vlan_lo}-{p.vlan_hi}",
                       "description": p.description} for p in ports],
        })
    return out


def _csv_port(port: dict[str, Any]) -> str:
    text = f"{port['name']}={port['vlans']}"
    return f"{text}:{port['description'].replace(';', ',')}" if port["description"] else text


def export_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: r[k] for k in CSV_COLUMNS if k not in ("demo", "ports")}
                        | {"demo": "true" if r["demo"] else "false",
                           "ports": ";".join(_csv_port(p) for p in r["ports"])})
    return buf.getvalue()


@dataclass(frozen=True)
class ToolNames:
    """What other tools call a govnet platform (netmiko's name is the driver's ``device_type``)."""

    ansible_network_os: str
    napalm: str | None  # NAPALM driver name; None: no NAPALM driver exists


#: One line per platform slug. A slug missing here takes its parent driver's line (a new
#: family of a platform); tests check every registered slug resolves.
#:
#: * ``cisco.ios.ios``, ``frr.frr.frr``: the maintained collections.
#: * ``community.network.ce`` (CloudEngine, VRP8) also for VRP5: no collection covers
#:   VRP5, and the ce terminal/cliconf plugins speak the same ``<host>``/``[host]``
#:   prompts, ``screen-length 0 temporary`` and ``display``/``system-view`` commands,
#:   so ``network_cli`` and ``ansible.netcommon.cli_command`` work; the ``ce_*``
#:   modules are CloudEngine-only. community.network is deprecated upstream.
#: * ``h3c_open.comware.comware``: H3C's own collection (Comware 7, network_cli).
#: * Ruijie RGOS: no collection; its CLI is IOS-style (netmiko's ``ruijie_os`` is
#:   built on its Cisco base), so ``cisco.ios.ios``'s terminal/cliconf plugins.
#: * NAPALM: ``ios`` (core), ``huawei_vrp`` (napalm-huawei-vrp, VRP5 and VRP8),
#:   ``h3c_comware`` (napalm-h3c-comware); none for FRR and RGOS.
TOOL_NAMES: dict[str, ToolNames] = {
    "cisco_ios": ToolNames("cisco.ios.ios", "ios"),
    "frr": ToolNames("frr.frr.frr", None),
    "huawei_vrp": ToolNames("community.network.ce", "huawei_vrp"),
    "huawei_vrpv8": ToolNames("community.network.ce", "huawei_vrp"),
    "h3c_comware": ToolNames("h3c_open.comware.comware", "h3c_comware"),
    "ruijie_os": ToolNames("cisco.ios.ios", None),
}


def tool_names(platform: str) -> ToolNames:
    """The platform's line of :data:`TOOL_NAMES`, or its nearest parent driver's."""
    from inventory.drivers import get_driver

    for cls in get_driver(platform).__mro__:
        slug = getattr(cls, "platform", None)
        if isinstance(slug, str) and slug in TOOL_NAMES:
            return TOOL_NAMES[slug]
    raise InvalidInput(f"platform {platform!r} has no Ansible/NAPALM names: add it to "
                       "inventory.io.TOOL_NAMES")


def export_nornir(rows: list[dict[str, Any]]) -> str:
    """A Nornir SimpleInventory hosts file (no groups file needed).

    ``platform`` is govnet's slug; each connection plugin gets its own name for it
    (``connection_options: {netmiko: {platform: hp_comware}, napalm: {platform: …}}``).
    """
    from inventory.drivers import get_driver

    hosts: dict[str, Any] = {}
    for r in rows:
        host: dict[str, Any] = {"hostname": r["host"], "port": r["port"],
                                "platform": r["platform"]}
        user = _username(r["credential"])
        if user:
            host["username"] = user
        options: dict[str, Any] = {}
        device_type = getattr(get_driver(r["platform"]), "device_type", None)
        if device_type:
            options["netmiko"] = {"platform": device_type}
        napalm = tool_names(r["platform"]).napalm
        if napalm:
            options["napalm"] = {"platform": napalm}
        if options:
            host["connection_options"] = options
        host["data"] = {"role": r["role"], "district": r["district"] or None,
                        "site": r["site"], "credential": r["credential"] or None,
                        "demo": r["demo"], "ports": r["ports"]}
        hosts[r["name"]] = host
    return yaml.safe_dump(hosts, allow_unicode=True, sort_keys=False)


def _ansible_secret_vars(credential: str) -> dict[str, str]:
    """Where Ansible finds the secret at run time (a lookup, never the secret)."""
    if not credential:
        return {}
    from inventory.credentials import parse

    ref = parse(credential)
    if ref.kind == "env":
        return {"ansible_password": f"{{{{ lookup('ansible.builtin.env', '{ref.name}') }}}}"}
    if ref.kind == "keyring":
        return {"ansible_password": "{{ lookup('community.general.keyring', "
                                    f"'{ref.name} {ref.username}') }}}}"}
    return {"ansible_ssh_private_key_file": ref.name}


def export_ansible(rows: list[dict[str, Any]]) -> str:
    """An Ansible YAML inventory: ``all: children: <role>: hosts: …``, plus district groups
    and platform groups (``platform_<slug>``); every host has ``ansible_network_os``."""
    children: dict[str, Any] = {}
    for r in rows:
        hostvars: dict[str, Any] = {"ansible_host": r["host"], "ansible_port": r["port"],
                                    "ansible_connection": "ansible.netcommon.network_cli",
                                    "ansible_network_os":
                                        tool_names(r["platform"]).ansible_network_os}
        user = _username(r["credential"])
        if user:
            hostvars["ansible_user"] = user
        hostvars |= _ansible_secret_vars(r["credential"])
        hostvars |= {"govnet_platform": r["platform"], "govnet_role": r["role"],
                     "govnet_district": r["district"] or None, "govnet_site": r["site"],
                     "govnet_demo": r["demo"]}
        children.setdefault(r["role"], {"hosts": {}})["hosts"][r["name"]] = hostvars
        groups = [f"platform_{r['platform']}"]
        if r["district_code"]:
            groups.append("district_" + r["district_code"].replace("-", "_"))
        for group in groups:
            children.setdefault(group, {"hosts": {}})["hosts"][r["name"]] = {}
    return yaml.safe_dump({"all": {"children": children}}, allow_unicode=True, sort_keys=False)


EXPORTERS = {"csv": export_csv, "nornir": export_nornir, "ansible": export_ansible}


def export(session: Session, actor: Actor, fmt: str) -> str:
    """The devices the actor may read, in ``fmt`` (nornir, ansible or csv)."""
    if fmt not in EXPORTERS:
        raise InvalidInput(f"unknown export format {fmt!r}; one of: {', '.join(EXPORTERS)}")
    return EXPORTERS[fmt](_rows(session, service.list_devices(session, actor)))
