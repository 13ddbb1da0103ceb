"""``govnet inventory …``: devices, ports, backups and discovery (DESIGN.md's contract)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from govnet.console import JSON_OPTION, acting, emit, emit_json, for_excel, number_option, out, table
from govnet.db import read, transaction
from inventory import backup as backups
from inventory import discovery, io, service

app = typer.Typer(
    add_completion=False, help="Devices, ports, config backups and discovery.", no_args_is_help=True)
ports_app = typer.Typer(help="Attachable ports and their VLAN ranges.", no_args_is_help=True)
app.add_typer(ports_app, name="ports")

TIMEOUT = typer.Option(10.0, "--timeout", help="Seconds to wait for each device.")
WORKERS = number_option(8, "--workers", hi=64, help="Devices contacted at once.")


def _said(data: dict[str, Any], verb: str) -> str:
    where = f", {data['district']}" if data.get("district") else ""
    demo = " (demo)" if data.get("demo") else ""
    return (f"{verb} {data['name']} ({data['platform']} {data['host']}:{data['port']}, "
            f"{data['role']}{where}){demo}")


@app.command("add")
def add(name: str,
        platform: str = typer.Option(..., "--platform", help="Driver slug, e.g. frr, huawei_vrp."),
        host: str = typer.Option(..., "--host", help="Management address or host name."),
        port: int = number_option(22, "--port", hi=65535, help="SSH port."),
        role: str = typer.Option(..., "--role", help="core, aggregation or access."),
        district: str | None = typer.Option(None, "--district"),
        site: str | None = typer.Option(None, "--site"),
        credential: str | None = typer.Option(
            None, "--credential", help="[USER@]env:VAR, keyring:SERVICE/USER or [USER@]key:PATH"),
        demo: bool = typer.Option(False, "--demo", help="A demo device: never contacted."),
        replace: bool = typer.Option(False, "--replace", help="Update the device if it exists."),
        json_: bool = JSON_OPTION) -> None:
    """Add a device (the credential is a reference; no secret is stored)."""
    with transaction() as s:
        device = service.add_device(s, acting(s), name=name, platform=platform, host=host,
                                    port=port, role=role, district=district, site=site,
                                    credential=credential, demo=demo, replace=replace)
        data = service.device_dict(s, device)
    emit(data, json_, lambda: _said(data, "added"))


@app.command("remove")
def remove(name: str, json_: bool = JSON_OPTION) -> None:
    """Remove a device with its ports, snapshots and discovery (not while VLANs are in use)."""
    with transaction() as s:
        service.remove_device(s, acting(s), name)
    emit({"name": name, "removed": True}, json_, lambda: f"removed {name}")


def _reach(d: dict[str, Any]) -> str:
    if d["last_check_ok"] is None:
        return "never checked"
    return ("ok " if d["last_check_ok"] else "FAILED ") + (d["last_check_at"] or "")


@app.command("list")
def list_(district: str | None = typer.Option(None, "--district"),
          json_: bool = JSON_OPTION) -> None:
    """Devices you may read, with reachability as the last check found it."""
    with read() as s:
        data = [service.device_dict(s, d)
                for d in service.list_devices(s, acting(s), district=district)]
    emit(data, json_, lambda: table(
        "devices", ("name", "platform", "host", "role", "district", "site", "reachable"),
        ([d["name"], d["platform"] + (" (demo)" if d["demo"] else ""),
          f"{d['host']}:{d['port']}", d["role"], d["district"], d["site"], _reach(d)]
         for d in data)))


def _render_show(data: dict[str, Any]) -> None:
    fields = [(k, data[k]) for k in ("name", "platform", "host", "port", "role", "district",
                                     "site", "credential", "demo")]
    fields += [("reachable", _reach(data)), ("last error", data["last_error"]),
               ("last backup", f"{data['last_backup']['taken_at']} "
                f"{data['last_backup']['sha256'][:12]}" if data["last_backup"] else "none")]
    out.print(table(data["name"], ("field", "value"), fields))
    out.print(table("ports", ("port", "VLANs", "in use", "description"), (
        [p["name"], p["vlans"], ", ".join(f"{c['vlan']} ({c['owner']})" for c in p["in_use"])
         or "-", p["description"]] for p in data["ports"])))
    if data["interfaces"]:
        out.print(table("discovered interfaces", ("interface", "up", "vrf", "addresses",
                                                  "vlan", "description"), (
            [i["name"], {True: "up", False: "down"}.get(i["up"], "?"), i["vrf"],
             " ".join(i["addresses"]), i["vlan"], i["description"]]
            for i in data["interfaces"])))


@app.command("show")
def show(name: str, json_: bool = JSON_OPTION) -> None:
    """A device: ports, VLANs in use, last backup, discovered interfaces."""
    with read() as s:
        data = service.show(s, acting(s), name)
    emit(data, json_, lambda: _render_show(data))


@app.command("import")
def import_(file: Path,
            replace: bool = typer.Option(False, "--replace", help="Update existing devices."),
            json_: bool = JSON_OPTION) -> None:
    """Import devices from YAML or CSV: every row is checked first; all or nothing."""
    with transaction() as s:
        devices = io.import_file(s, acting(s), file, replace=replace)
        data = [service.device_dict(s, d) for d in devices]
    emit(data, json_, lambda: f"imported {len(data)} device(s) from {file}" if data
         else f"nothing to import in {file}")


@app.command("export")
def export(fmt: str = typer.Option(..., "--format", help="nornir, ansible or csv."),
           output: Path | None = typer.Option(None, "--output", "-o", help="Write to FILE."),
           json_: bool = JSON_OPTION) -> None:
    """Export the devices you may read as a Nornir hosts file, Ansible inventory or CSV."""
    with read() as s:
        text = io.export(s, acting(s), fmt)
    if output is not None:  # a CSV file is for Excel: with a BOM (the import skips it)
        output.write_text(for_excel(text) if fmt == "csv" else text, encoding="utf-8")
        emit({"format": fmt, "output": str(output)}, json_,
             lambda: f"wrote the {fmt} inventory to {output}")
    elif json_:
        emit_json({"format": fmt, "text": text})
    else:
        typer.echo(for_excel(text) if fmt == "csv" else text, nl=False)


@ports_app.command("add")
def ports_add(device: str, port: str,
              vlans: str = typer.Option("1-4094", "--vlans", help="VLAN range A-B."),
              description: str | None = typer.Option(None, "--description"),
              json_: bool = JSON_OPTION) -> None:
    """Make a port attachable with a VLAN range (an existing port gets the new range)."""
    with transaction() as s:
        p = service.add_port(s, acting(s), device=device, name=port,
                             vlans=service.parse_vlans(vlans), description=description)
        data = {"device": device, "port": p.name, "vlans": f"{p.vlan_lo}-{p.vlan_hi}",
                "description": p.description}
    emit(data, json_, lambda: f"{device}:{port} attachable with VLANs {data['vlans']}")


@ports_app.command("list")
def ports_list(device: str, json_: bool = JSON_OPTION) -> None:
    """A device's ports, VLAN ranges and the VLANs in use."""
    with read() as s:
        data = service.show(s, acting(s), device)["ports"]
    emit(data, json_, lambda: table(f"{device} ports", ("port", "VLANs", "in use"), (
        [p["name"], p["vlans"], ", ".join(str(c["vlan"]) for c in p["in_use"]) or "-"]
        for p in data)))


def _results_table(title: str, results: list[dict[str, Any]], detail: str) -> Any:
    return table(title, ("device", "result", detail), (
        [r["device"], "ok" if r["ok"] else "FAILED", r.get(detail) if r["ok"] else r["error"]]
        for r in results))


@app.command("check")
def check(names: list[str] = typer.Argument(..., metavar="NAME…"),
          timeout: float = TIMEOUT, workers: int = WORKERS, json_: bool = JSON_OPTION) -> None:
    """Connect, print facts and record whether the device was reachable."""
    with read() as s:
        actor = acting(s)
    results = discovery.check(actor, names, workers=workers, timeout=timeout)
    data = [r.as_dict() for r in results]

    def render() -> None:
        for r in data:
            if r["ok"]:
                facts = r["data"] or {}
                out.print(table(f"{r['device']}: reachable", ("fact", "value"), (
                    [k, ", ".join(map(str, v)) if isinstance(v, list) else v]
                    for k, v in facts.items())))
    emit(data, json_, render)
    backups.raise_for_failures(results, "check")


@app.command("backup")
def backup(names: list[str] = typer.Argument(None, metavar="[NAME…]"),
           timeout: float = TIMEOUT, workers: int = WORKERS, json_: bool = JSON_OPTION) -> None:
    """Store running-config snapshots (all your non-demo devices if none named)."""
    with read() as s:
        actor = acting(s)
    results = backups.backup(actor, names or (), workers=workers, timeout=timeout)
    data = [r.as_dict() | {"result": ("stored" if r.stored else "unchanged") if r.ok
                           else "failed"} for r in results]
    emit(data, json_, lambda: _results_table("backup", data, "result"))
    backups.raise_for_failures(results, "backup")


@app.command("diff")
def diff(name: str, live: bool = typer.Option(False, "--live",
                                              help="Diff the last snapshot against the device."),
         timeout: float = TIMEOUT, json_: bool = JSON_OPTION) -> None:
    """Unified diff of the last two config snapshots (or of the last one and the device)."""
    with read() as s:
        actor = acting(s)
        text = None if live else backups.diff(s, actor, name)
    if text is None:
        text = backups.live_diff(actor, name, timeout=timeout)
    if json_:
        emit_json({"device": name, "live": live, "changed": bool(text), "diff": text})
    else:
        typer.echo(text or f"{name}: no difference", nl=not text)


@app.command("discover")
def discover(names: list[str] = typer.Argument(None, metavar="[NAME…]"),
             timeout: float = TIMEOUT, workers: int = WORKERS,
             json_: bool = JSON_OPTION) -> None:
    """Read interfaces, addresses and state from devices and store them."""
    with read() as s:
        actor = acting(s)
    results = discovery.discover(actor, names or (), workers=workers, timeout=timeout)
    data = [r.as_dict() for r in results]
    emit(data, json_, lambda: _results_table("discovery", [
        d | {"interfaces": f"{len(d['data'] or [])} interfaces"} for d in data], "interfaces"))
    backups.raise_for_failures(results, "discovery")
