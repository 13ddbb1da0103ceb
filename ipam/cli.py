"""``govnet ipam …``: the address plan from the command line (DESIGN.md's contract)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from govnet.console import (
    JSON_OPTION,
    acting,
    emit,
    for_excel,
    number_argument,
    number_option,
    out,
    table,
)
from govnet.db import begin, read, transaction
from govnet.errors import InvalidInput
from govnet.lazygroup import lazy_module
from ipam import allocator, space
from ipam.view import Names, prefix_dict, vrf_dict

if TYPE_CHECKING:
    from rich.tree import Tree

    from ipam import applications, lookup, report, service
else:  # imported by the commands that use them: allocate needs none (issue 11)
    applications, lookup, report, service = map(lazy_module, (
        "ipam.applications", "ipam.lookup", "ipam.report", "ipam.service"))

app = typer.Typer(
    add_completion=False, help="Address plan: pools, district blocks, allocations.", no_args_is_help=True)
vrf_app = typer.Typer(help="Extranet zones (VRFs).", no_args_is_help=True)
pool_app = typer.Typer(help="Municipal pools.", no_args_is_help=True)
app.add_typer(vrf_app, name="vrf")
app.add_typer(pool_app, name="pool")

VRF = typer.Option(None, "--vrf", help="Zone (VRF); default: the first one created.")
SIZE = typer.Option(None, "--size", help="Prefix length: /N, N or an IPv4 netmask.")
APPLICATION = number_argument(..., "application number", help="The block application's number.")
HOSTS = number_option(None, "--hosts", help="Hosts to fit (IPv4 adds 2; IPv6 LANs are /64).")
FAMILY = number_option(None, "--family", allowed=(4, 6),
                       help="4 or 6 when nothing else tells (default 4).")

PREFIX_COLUMNS = ("prefix", "vrf", "status", "district", "owner", "purpose", "description")


def _prefix_table(rows: list[dict[str, Any]], title: str | None = None) -> Any:
    return table(title, PREFIX_COLUMNS, ([r[c] for c in PREFIX_COLUMNS] for r in rows))


def _said(data: dict[str, Any], verb: str) -> str:
    owner = f" for {data['owner']}" if data.get("owner") else ""
    where = f" ({data['district']})" if data.get("district") else ""
    return f"{verb} {data['prefix']} in {data['vrf']}{owner}{where}"


@vrf_app.command("add")
def vrf_add(name: str, description: str = typer.Option("", "--description"),
            device_name: str | None = typer.Option(
                None, "--device-name", help="VPN instance / VRF name on devices (letters, "
                "digits, - _); default: the zone's name."),
            rd: str | None = typer.Option(None, "--rd", help="Route distinguisher ASN:NN."),
            rt: str | None = typer.Option(None, "--rt", help="Route target ASN:NN "
                                          "(default: the RD)."),
            json_: bool = JSON_OPTION) -> None:
    """Add a zone (VRF) with its own address space."""
    with transaction() as s:
        vrf = service.add_vrf(s, acting(s), name, description=description,
                              device_name=device_name, rd=rd, rt=rt)
        data = vrf_dict(vrf)
    emit(data, json_, lambda: f"added VRF {data['name']}")


@vrf_app.command("list")
def vrf_list(json_: bool = JSON_OPTION) -> None:
    """List the zones."""
    with read() as s:
        acting(s)
        data = [vrf_dict(v) for v in service.list_vrfs(s)]
    emit(data, json_, lambda: table("VRFs", ("name", "description", "device", "rd", "rt"),
                                    ((d["name"], d["description"], d["device_name"] or "",
                                      d["rd"] or "", d["rt"] or "") for d in data)))


@vrf_app.command("remove")
def vrf_remove(name: str, json_: bool = JSON_OPTION) -> None:
    """Remove a zone that holds no prefix and serves no request."""
    from ipam import edit

    with transaction() as s:
        data = edit.remove_vrf(s, acting(s), name)
    emit(data, json_, lambda: f"removed VRF {data['name']}")


@pool_app.command("list")
def pool_list(vrf: str | None = typer.Option(None, "--vrf", help="Only this zone's pools."),
              json_: bool = JSON_OPTION) -> None:
    """List the municipal pools."""
    from ipam import edit

    with read() as s:
        names = Names.load(s)
        data = [prefix_dict(s, p, names) for p in edit.list_pools(s, acting(s), vrf=vrf)]
    emit(data, json_, lambda: _prefix_table(data, "pools"))


@pool_app.command("remove")
def pool_remove(cidr: str, vrf: str | None = VRF, json_: bool = JSON_OPTION) -> None:
    """Remove an empty pool (refused while anything is inside it)."""
    from ipam import edit

    with transaction() as s:
        data = edit.remove_pool(s, acting(s), cidr, vrf=vrf)
    emit(data, json_, lambda: _said(data, "removed pool"))


@app.command("edit")
def edit_cmd(cidr: str, owner: str | None = typer.Option(None, "--owner",
                                                        help="The unit it now belongs to."),
             description: str | None = typer.Option(None, "--description"),
             vrf: str | None = VRF, json_: bool = JSON_OPTION) -> None:
    """Change an allocation's owner or a prefix's description."""
    from ipam import edit

    with transaction() as s:
        data = prefix_dict(s, edit.edit(s, acting(s), cidr, vrf=vrf, owner=owner,
                                        description=description))
    emit(data, json_, lambda: _said(data, "edited"))


@pool_app.command("add")
def pool_add(cidr: str, vrf: str | None = VRF, description: str = typer.Option("", "--description"),
             json_: bool = JSON_OPTION) -> None:
    """Add a municipal pool (a top-level container of a VRF)."""
    with transaction() as s:
        data = prefix_dict(s, service.add_pool(s, acting(s), cidr, vrf=vrf,
                                               description=description))
    emit(data, json_, lambda: _said(data, "added pool"))


@app.command("delegate")
def delegate(district: str = typer.Option(..., "--district"), size: str | None = SIZE,
             prefix: str | None = typer.Option(None, "--prefix"), vrf: str | None = VRF,
             from_: str | None = typer.Option(None, "--from", help="The pool to take it from."),
             family: int | None = FAMILY, json_: bool = JSON_OPTION) -> None:
    """Delegate a block of a municipal pool to a district."""
    with transaction() as s:
        data = prefix_dict(s, service.delegate(s, acting(s), district=district, size=size,
                                               prefix=prefix, vrf=vrf, from_cidr=from_,
                                               family=family))
    emit(data, json_, lambda: _said(data, "delegated"))


@app.command("allocate")
def allocate(owner: str = typer.Option(..., "--owner", help="The unit that gets it."),
             size: str | None = SIZE, hosts: int | None = HOSTS,
             district: str | None = typer.Option(None, "--district"),
             within: str | None = typer.Option(None, "--within"), vrf: str | None = VRF,
             purpose: str = typer.Option("lan", "--purpose"),
             description: str = typer.Option("", "--description"),
             family: int | None = FAMILY, json_: bool = JSON_OPTION) -> None:
    """Allocate the best-fitting free block to a unit."""
    with begin() as conn:  # Core only: a script's allocations pay no ORM start-up
        data = prefix_dict(conn, allocator.allocate(
            conn, acting(conn), owner=owner, size=size, hosts=hosts, district=district,
            within=within, vrf=vrf, purpose=purpose, description=description, family=family))
    emit(data, json_, lambda: _said(data, "allocated"))


@app.command("reserve")
def reserve(cidr: str, reason: str = typer.Option(..., "--reason"), vrf: str | None = VRF,
            json_: bool = JSON_OPTION) -> None:
    """Reserve a specific block."""
    with transaction() as s:
        data = prefix_dict(s, service.reserve(s, acting(s), cidr, reason=reason, vrf=vrf))
    emit(data, json_, lambda: _said(data, "reserved"))


@app.command("release")
def release(cidr: str, vrf: str | None = VRF,
            quarantine_days: int | None = number_option(
                None, "--quarantine-days", lo=None,
                help="Days before reuse (default 30; 0 frees now)."),
            json_: bool = JSON_OPTION) -> None:
    """Release a block into quarantine (not allocatable until it ends)."""
    with transaction() as s:
        result = service.release(s, acting(s), cidr, vrf=vrf, quarantine_days=quarantine_days)
        data = prefix_dict(s, result) if result else {"prefix": cidr, "status": "free"}
    emit(data, json_, lambda: f"released {data['prefix']}: " + (
        f"quarantined until {data['quarantine_until'][:10]}" if data.get("quarantine_until")
        else "free now"))


@app.command("show")
def show(cidr: str, vrf: str | None = VRF, json_: bool = JSON_OPTION) -> None:
    """Show one prefix with its utilization."""
    with read() as s:
        actor = acting(s)
        p = service.get(s, actor, cidr, vrf=vrf)
        names = Names.load(s)
        data = prefix_dict(s, p, names) | report.usage_of(s, p, names).as_dict()
    emit(data, json_, lambda: table(None, ("field", "value"), data.items()))


@app.command("lookup")
def lookup_cmd(address: str, vrf: str | None = VRF, json_: bool = JSON_OPTION) -> None:
    """The innermost prefix holding ADDRESS (longest match), in each zone or in --vrf."""
    with read() as s:
        found = lookup.lookup(s, acting(s), address, vrf=vrf)
        names = Names.load(s)
        data = [prefix_dict(s, p, names) for p in found]
    emit(data, json_, lambda: table(f"lookup {address}", ("prefix", "vrf", "status", "district",
                                                          "owner", "description"),
                                    ([d["prefix"], d["vrf"], d["status"], d["district"],
                                      d["owner"], d["description"]] for d in data)))


def _rich_tree(nodes: list[dict[str, Any]], root: Tree) -> Tree:
    from rich.text import Text

    for n in nodes:
        who = " · ".join(x for x in (n.get("district"), n.get("owner")) if x)
        label = Text.assemble((n["prefix"], "bold"), f" {n['status']} {n['percent']:.0f}%"
                              + (f" {who}" if who else "")
                              + (f" — {n['description']}" if n["description"] else ""))
        _rich_tree(n.get("children", []), root.add(label))
    return root


@app.command("tree")
def tree(cidr: str | None = typer.Argument(None), vrf: str | None = VRF,
         depth: int | None = number_option(None, "--depth", lo=None), json_: bool = JSON_OPTION) -> None:
    """The plan as a tree: pools → district blocks → allocations."""
    with read() as s:
        data = report.tree(s, acting(s), cidr, vrf=vrf, depth=depth)
    def render() -> Tree:
        from rich.text import Text
        from rich.tree import Tree

        return _rich_tree(data, Tree(Text(vrf or "address plan")))

    emit(data, json_, render)


@app.command("free")
def free(cidr: str, vrf: str | None = VRF, json_: bool = JSON_OPTION) -> None:
    """Free blocks of a pool or district block."""
    with read() as s:
        data = report.free(s, acting(s), cidr, vrf=vrf)
    emit(data, json_, lambda: "\n".join(data) if data else f"{cidr}: no free space")


@app.command("utilization")
def utilization(district: str | None = typer.Option(None, "--district"), vrf: str | None = VRF,
                json_: bool = JSON_OPTION) -> None:
    """Utilization of pools and district blocks."""
    with read() as s:
        data = [u.as_dict() for u in report.utilization(s, acting(s), district=district, vrf=vrf)]
    emit(data, json_, lambda: table(
        "utilization", ("prefix", "vrf", "status", "district", "used/size", "%"),
        ((u["prefix"], u["vrf"], u["status"], u["district"],
          space.usage_text(6 if ":" in u["prefix"] else 4, u["used"], u["size"]),
          f"{u['percent']:.1f}") for u in data)))


@app.command("report")
def report_cmd(district: str = typer.Option(..., "--district"),
               fmt: str = typer.Option("json", "--format", help="json, csv, md or xlsx "
                                       "(xlsx needs --output). CSV starts with a UTF-8 BOM "
                                       "for Excel."),
               output: Path | None = typer.Option(None, "--output"),
               json_: bool = typer.Option(False, "--json", help="Same as --format json.")) -> None:
    """A district's usage report to the municipal agency (Art. 25)."""
    fmt = "json" if json_ else fmt
    if fmt == "xlsx":
        if output is None:
            raise InvalidInput("--format xlsx writes a workbook: give --output FILE.xlsx")
        with read() as s:
            data = report.report_xlsx(s, acting(s), district=district)
        output.write_bytes(data)
        out.print(f"wrote {output}")
        return
    with read() as s:
        text = report.report(s, acting(s), district=district, fmt=fmt)
    if fmt == "csv":
        text = for_excel(text)
    if output:
        output.write_text(text, encoding="utf-8")
        out.print(f"wrote {output}")
    else:
        typer.echo(text, nl=False)


@app.command("apply")
def apply(district: str = typer.Option(..., "--district"), size: str | None = SIZE,
          hosts: int | None = HOSTS, reason: str = typer.Option(..., "--reason"),
          vrf: str | None = VRF, family: int = number_option(4, "--family", allowed=(4, 6)),
          json_: bool = JSON_OPTION) -> None:
    """A district applies for an address block."""
    with transaction() as s:
        a = applications.apply(s, acting(s), district=district, size=size, hosts=hosts,
                               reason=reason, vrf=vrf, family=family)
        data = applications.application_dict(s, a)
    emit(data, json_, lambda: f"block application {data['id']} submitted "
                              f"({data['district']}, {data['size']})")


@app.command("applications")
def applications_cmd(status: str | None = typer.Option(None, "--status"),
                     json_: bool = JSON_OPTION) -> None:
    """Block applications (a district operator sees its own)."""
    with read() as s:
        data = [applications.application_dict(s, a)
                for a in applications.list_applications(s, acting(s), status=status)]
    cols = ("id", "district", "vrf", "size", "status", "prefix", "reason")
    emit(data, json_, lambda: table("block applications", cols,
                                    ([d[c] for c in cols] for d in data)))


@app.command("approve-application")
def approve_application(number: int = APPLICATION, prefix: str | None = typer.Option(None, "--prefix"),
                        json_: bool = JSON_OPTION) -> None:
    """Approve a block application and delegate the block."""
    with transaction() as s:
        data = applications.application_dict(
            s, applications.approve(s, acting(s), number, prefix=prefix))
    emit(data, json_, lambda: f"approved application {number}: delegated {data['prefix']} "
                              f"to {data['district']}")


@app.command("reject-application")
def reject_application(number: int = APPLICATION, reason: str = typer.Option(..., "--reason"),
                       json_: bool = JSON_OPTION) -> None:
    """Reject a block application with a reason."""
    with transaction() as s:
        data = applications.application_dict(
            s, applications.reject(s, acting(s), number, reason=reason))
    emit(data, json_, lambda: f"rejected application {number}")


@app.command("import")
def import_cmd(from_devices: bool = typer.Option(False, "--from-devices",
                                                 help="From the newest scan/discovery of every device."),
               from_csv: Path | None = typer.Option(
                   None, "--from-csv", help="CSV: prefix,vrf,status,district,owner,description"),
               pool_length: int = number_option(16, "--pool-length", lo=1, hi=31,
                                               help="Pools made for addresses outside every "
                                               "pool are this long (IPv4; IPv6 /48)."),
               skip_existing: bool = typer.Option(
                   False, "--skip-existing", help="CSV rows already in the plan are skipped "
                   "(listed), not refused."),
               json_: bool = JSON_OPTION) -> None:
    """Adopt an existing network: build the plan from devices or a CSV (all or nothing)."""
    from govnet import validate
    from ipam import importer

    if from_devices == (from_csv is not None):
        raise InvalidInput("give --from-devices or --from-csv FILE")
    if from_csv is not None and not from_csv.is_file():
        raise InvalidInput(f"--from-csv: no file {from_csv}")
    text = validate.read_text(from_csv) if from_csv is not None else ""
    with transaction() as s:
        actor = acting(s)
        result = (importer.from_devices(s, actor, pool_length=pool_length) if from_devices
                  else importer.from_csv(s, actor, text, skip_existing=skip_existing))
    data = result.as_dict()
    if from_csv is not None and not (result.created or result.skipped):
        emit(data, json_, lambda: f"nothing to import in {from_csv}")
        return
    emit(data, json_, lambda: table(
        f"imported {len(result.created)} block(s), {len(result.pools)} pool(s) made, "
        f"{result.addresses} address(es), {len(result.skipped)} skipped — all marked "
        f"'{importer.MARK}'", ("prefix", "vrf", "status", "district", "purpose", "source"),
        ([c["prefix"], c["vrf"], c["status"], c["district"], c["purpose"], c["source"]]
         for c in result.created)))
