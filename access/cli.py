"""``govnet access …``: connection requests, private networks and paperwork (DESIGN.md's contract).

Each command opens one transaction (or a read), calls ``access.workflow`` /
``access.privnet`` / ``access.handover`` with the acting user, and prints a line,
a table or (``--json``) the request's data. Provisioning commands (``provision``,
``disconnect``, ``resume``, ``jobs``, ``cpe-config``) are appended in the section
marked below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Group

from access import handover, privnet, workflow
from govnet.console import JSON_OPTION, acting, emit, number_argument, number_option, out, table
from govnet.db import read, transaction

app = typer.Typer(add_completion=False, help="Connection requests, private networks and provisioning.",
                  no_args_is_help=True)
privnet_app = typer.Typer(help="Private networks: filings (Art. 23) and applications (Art. 24).",
                          no_args_is_help=True)
app.add_typer(privnet_app, name="private-network")

NUMBER = number_argument(..., "request number", help="The request number.")
ZONES = typer.Option(..., "--zone", help="Zone (VRF); repeat for several.")
PRIVNET = number_argument(..., "private network number")
HOSTS = number_option(None, "--hosts", help="Hosts on the unit LAN.")
SIZE = typer.Option(None, "--size", help="Unit LAN prefix length, /N.")
MODEL = typer.Option("gateway", "--model", help="gateway or routed.")
FAMILY = typer.Option(None, "--family", help="ipv4, ipv6 or dual (default: ipv4, or ipv6 "
                      "where the zones have only IPv6 space). IPv6 LANs are /64.")
DEVICE = typer.Option(None, "--device", help="Attach on this device (else govnet chooses).")
PORT = typer.Option(None, "--port", help="…and this port of it.")
APPLICATION_DOC = typer.Option(None, "--application-doc", help="Written application ref.")
SECURITY_PLAN = typer.Option(None, "--security-plan", help="Security plan ref.")


# -- views ---------------------------------------------------------------------------

def _zones(data: dict[str, Any]) -> str:
    return ", ".join(z["vrf"] for z in data["zones"])


def _request_view(data: dict[str, Any]) -> Any:
    fields = [("request", data["id"]), ("unit", data["unit"]),
              ("district", data["district"] or "市级 city"), ("state", data["state"]),
              ("zones", _zones(data)), ("size", data["size"] + (
                  f" ({data['hosts']} hosts)" if data["hosts"] else "")),
              ("families", data["families"]),
              ("model", data["model"]), ("site", data["site"]), ("contact", data["contact"]),
              ("purpose", data["purpose"]),
              ("attachment", f"{data['device']} {data['port']}" if data["device"] else None),
              ("application doc", data["application_doc"]),
              ("security plan", data["security_plan"]), ("submitted by", data["submitted_by"]),
              ("submitted at", data["submitted_at"])]
    if data["return_count"]:
        fields += [("returned by", data["returned_by"]),
                   ("missing", "; ".join(data["returned_items"])),
                   ("correct by", (data["correct_by"] or "")[:10])]
    fields += [(k, data[v]) for k, v in (
        ("approval doc", "approval_doc"), ("approver", "approver"),
        ("reject reason", "reject_reason"), ("decided at", "decided_at"),
        ("last error", "last_error"), ("connected at", "connected_at"),
        ("disconnected at", "disconnected_at")) if data[v]]
    main = table(f"connection request {data['id']}", ("field", "value"), fields)
    cols = ("vrf", "state", "device", "port", "vlan", "lan", "gateway4", "interconnect",
            "peer4", "lan6", "gateway6", "interconnect6", "peer6")
    zones = table("zones", cols, ([z[c] for c in cols] for z in data["zones"]))
    return Group(main, zones)


def _said(data: dict[str, Any], verb: str) -> str:
    return f"connection request {data['id']} ({data['unit']}) {verb}"


def _opt(values: list[str] | None) -> list[str] | None:
    return list(values) if values else None


# -- requests --------------------------------------------------------------------------

@app.command("submit")
def submit(unit: str = typer.Option(..., "--unit", help="The applying unit."),
           zone: list[str] = ZONES, hosts: int | None = HOSTS, size: str | None = SIZE,
           site: str = typer.Option(..., "--site", help="Where the unit is."),
           contact: str = typer.Option(..., "--contact", help="Name and telephone."),
           purpose: str = typer.Option(..., "--purpose", help="What the connection is for."),
           model: str = MODEL, device: str | None = DEVICE, port: str | None = PORT,
           application_doc: str | None = APPLICATION_DOC,
           security_plan: str | None = SECURITY_PLAN, family: str | None = FAMILY,
           json_: bool = JSON_OPTION) -> None:
    """Submit a unit's written connection application (Art. 24)."""
    with transaction() as s:
        request = workflow.submit(
            s, acting(s), unit=unit, zones=zone, hosts=hosts, size=size, families=family,
            site=site,
            contact=contact, purpose=purpose, model=model, device=device, port=port,
            application_doc=application_doc, security_plan=security_plan)
        data = workflow.request_dict(s, request)
    emit(data, json_, lambda: _said(data, f"submitted: {_zones(data)}, {data['size']}"))


@app.command("list")
def list_cmd(status: str | None = typer.Option(None, "--status", help="Only this state."),
             json_: bool = JSON_OPTION) -> None:
    """Connection requests you may see (yours, your district's, or all)."""
    with read() as s:
        data = [workflow.request_dict(s, r)
                for r in workflow.list_requests(s, acting(s), status=status)]
    emit(data, json_, lambda: table(
        "connection requests", ("id", "unit", "district", "state", "zones", "size", "submitted"),
        ([d["id"], d["unit"], d["district"], d["state"], _zones(d), d["size"],
          (d["submitted_at"] or "")[:10]] for d in data)))


@app.command("show")
def show(number: int = NUMBER, json_: bool = JSON_OPTION) -> None:
    """One request with its zones, addresses and decisions."""
    with read() as s:
        data = workflow.request_dict(s, workflow.get_request(s, acting(s), number))
    emit(data, json_, lambda: _request_view(data))


@app.command("return")
def return_cmd(number: int = NUMBER,
               missing: list[str] = typer.Option(..., "--missing",
                                                 help="A missing item; repeat for each."),
               days: int = number_option(workflow.CORRECTION_DAYS, "--days", lo=None,
                                        help="Days the unit has to correct it."),
               json_: bool = JSON_OPTION) -> None:
    """Return an incomplete application once, listing everything missing (Art. 10)."""
    with transaction() as s:
        data = workflow.request_dict(
            s, workflow.return_request(s, acting(s), number, missing=missing, days=days))
    emit(data, json_, lambda: _said(data, "returned; missing: " + "; ".join(
        data["returned_items"]) + f"; correct by {(data['correct_by'] or '')[:10]}"))


@app.command("resubmit")
def resubmit(number: int = NUMBER, zone: list[str] | None = typer.Option(None, "--zone"),
             hosts: int | None = HOSTS, size: str | None = SIZE,
             site: str | None = typer.Option(None, "--site"),
             contact: str | None = typer.Option(None, "--contact"),
             purpose: str | None = typer.Option(None, "--purpose"),
             model: str | None = typer.Option(None, "--model"), device: str | None = DEVICE,
             port: str | None = PORT, application_doc: str | None = APPLICATION_DOC,
             security_plan: str | None = SECURITY_PLAN, family: str | None = FAMILY,
             json_: bool = JSON_OPTION) -> None:
    """Correct a returned request (fields given replace the old ones) and submit it again."""
    with transaction() as s:
        request = workflow.resubmit(
            s, acting(s), number, zones=_opt(zone), hosts=hosts, size=size, families=family,
            site=site,
            contact=contact, purpose=purpose, model=model, device=device, port=port,
            application_doc=application_doc, security_plan=security_plan)
        data = workflow.request_dict(s, request)
    emit(data, json_, lambda: _said(data, "resubmitted"))


@app.command("withdraw")
def withdraw(number: int = NUMBER, json_: bool = JSON_OPTION) -> None:
    """Withdraw a request before it is approved."""
    with transaction() as s:
        data = workflow.request_dict(s, workflow.withdraw(s, acting(s), number))
    emit(data, json_, lambda: _said(data, "withdrawn"))


@app.command("approve")
def approve(number: int = NUMBER,
            doc: str = typer.Option(..., "--doc", help="Approval document number (核准文件)."),
            json_: bool = JSON_OPTION) -> None:
    """Approve a request with the approval document's number."""
    with transaction() as s:
        data = workflow.request_dict(s, workflow.approve(s, acting(s), number, doc=doc))
    emit(data, json_, lambda: _said(data, f"approved ({data['approval_doc']})"))


@app.command("reject")
def reject(number: int = NUMBER, reason: str = typer.Option(..., "--reason"),
           json_: bool = JSON_OPTION) -> None:
    """Reject a request with a reason."""
    with transaction() as s:
        data = workflow.request_dict(s, workflow.reject(s, acting(s), number, reason=reason))
    emit(data, json_, lambda: _said(data, "rejected"))


@app.command("handover")
def handover_cmd(number: int = NUMBER,
                 fmt: str = typer.Option("md", "--format", help="md or html"),
                 output: Path | None = typer.Option(None, "--output", help="Write to a file."),
                 json_: bool = JSON_OPTION) -> None:
    """The network-opening confirmation sheet (网络开通确认单) of a connected request."""
    with read() as s:
        actor = acting(s)
        if json_:
            data = handover.handover_data(s, actor, number)
        else:
            text = handover.render_handover(s, actor, number, fmt)
    if json_:
        emit(data, True, lambda: None)
    elif output:
        output.write_text(text, encoding="utf-8")
        out.print(f"wrote {output}")
    else:
        typer.echo(text, nl=False)


# -- private networks ----------------------------------------------------------------------

def _network_line(data: dict[str, Any], verb: str) -> str:
    return (f"private network {data['id']} ({data['owner']}: {data['name']}, "
            f"{', '.join(data['prefixes'])}) {verb}")


def _register(kind: str, *, owner: str, name: str, prefix: list[str], interconnection: str,
              zone: str | None, plan: str | None, overlaps_plan: bool, json_: bool) -> None:
    with transaction() as s:
        register = privnet.file_network if kind == "file" else privnet.apply_network
        network = register(s, acting(s), owner=owner, name=name, prefixes=prefix,
                           interconnection=interconnection, zone=zone,
                           plan=plan, overlaps_plan=overlaps_plan)  # type: ignore[arg-type]
        data = privnet.network_dict(s, network)
    emit(data, json_, lambda: _network_line(data, data["state"]))


OWNER = typer.Option(..., "--owner", help="The owning unit.")
NAME = typer.Option(..., "--name", help="The network's name.")
PREFIXES = typer.Option(..., "--prefix", help="A prefix of the network; repeat for each.")
INTERCONNECTION = typer.Option(..., "--interconnection",
                               help="Where it interconnects with the extranet.")
ZONE = typer.Option(None, "--zone", help="The extranet zone it interconnects with.")
OVERLAPS_PLAN = typer.Option(
    False, "--overlaps-plan", help="Register it although it overlaps a pool or the owner's own "
    "plan space (recorded in the audit log); another's space is always refused.")


@privnet_app.command("file")
def privnet_file(owner: str = OWNER, name: str = NAME, prefix: list[str] = PREFIXES,
                 interconnection: str = INTERCONNECTION, zone: str | None = ZONE,
                 plan: str | None = typer.Option(None, "--plan", help="Plan ref, if any."),
                 overlaps_plan: bool = OVERLAPS_PLAN, json_: bool = JSON_OPTION) -> None:
    """File a retained private network with the authority (备案, Art. 23)."""
    _register("file", owner=owner, name=name, prefix=prefix, interconnection=interconnection,
              zone=zone, plan=plan, overlaps_plan=overlaps_plan, json_=json_)


@privnet_app.command("apply")
def privnet_apply(owner: str = OWNER, name: str = NAME, prefix: list[str] = PREFIXES,
                  interconnection: str = INTERCONNECTION, zone: str | None = ZONE,
                  plan: str = typer.Option(..., "--plan",
                                           help="The technical and security plan ref."),
                  overlaps_plan: bool = OVERLAPS_PLAN, json_: bool = JSON_OPTION) -> None:
    """Apply for a new private network; its plan needs approval first (Art. 24)."""
    _register("apply", owner=owner, name=name, prefix=prefix, interconnection=interconnection,
              zone=zone, plan=plan, overlaps_plan=overlaps_plan, json_=json_)


@privnet_app.command("approve")
def privnet_approve(number: int = PRIVNET,
                    doc: str = typer.Option(..., "--doc", help="Approval document number."),
                    json_: bool = JSON_OPTION) -> None:
    """Approve a private-network application's plan."""
    with transaction() as s:
        data = privnet.network_dict(s, privnet.approve(s, acting(s), number, doc=doc))
    emit(data, json_, lambda: _network_line(data, f"approved ({data['approval_doc']})"))


@privnet_app.command("reject")
def privnet_reject(number: int = PRIVNET,
                   reason: str = typer.Option(..., "--reason"),
                   json_: bool = JSON_OPTION) -> None:
    """Reject a private-network application with a reason."""
    with transaction() as s:
        data = privnet.network_dict(s, privnet.reject(s, acting(s), number, reason=reason))
    emit(data, json_, lambda: _network_line(data, "rejected"))


@privnet_app.command("list")
def privnet_list(status: str | None = typer.Option(None, "--status"),
                 json_: bool = JSON_OPTION) -> None:
    """Filed and applied-for private networks."""
    with read() as s:
        data = [privnet.network_dict(s, n)
                for n in privnet.list_networks(s, acting(s), status=status)]
    cols = ("id", "owner", "name", "kind", "state", "zone", "prefixes", "interconnection")
    emit(data, json_, lambda: table("private networks", cols, (
        [", ".join(d[c]) if c == "prefixes" else d[c] for c in cols] for d in data)))


@privnet_app.command("show")
def privnet_show(number: int = PRIVNET, json_: bool = JSON_OPTION) -> None:
    """One private network."""
    with read() as s:
        data = privnet.network_dict(s, privnet.get_network(s, acting(s), number))
    emit(data, json_, lambda: table(None, ("field", "value"), (
        (k, ", ".join(v) if isinstance(v, list) else v) for k, v in data.items())))


# -- provisioning commands ---------------------------------------------------------------
# The provisioning engineer appends ``provision``, ``disconnect``, ``resume``, ``jobs`` and
# ``cpe-config`` below this line (``@app.command(...)`` on this same ``app``).
from access.cli_provision import add_commands  # noqa: E402 - provisioning, see cli_provision

add_commands(app)
