"""``govnet lab``: real FRR routers and unit hosts in network namespaces on this machine.

Commands raise :mod:`govnet.errors` types; the CLI root (or ``python -m lab``)
turns them into ``error: <one line>`` and the exit code. Missing root, FRR or
OpenSSH exits 5 (DeviceError) with the ``apt-get install`` line to run.
"""

from __future__ import annotations

import json
import sys

import typer

from govnet.console import number_argument, number_option
from govnet.errors import Conflict, GovnetError, InvalidInput
from lab import control, state
from lab.topology import LAB_VRF

app = typer.Typer(
    add_completion=False,
    help="Real-router lab: FRR routers (core + one aggregation per district) and unit "
    "hosts in network namespaces, reachable over SSH on 198.18.0.0/24 (bridge govlab0). "
    "Lab user govlab, password from GOVNET_LAB_PASSWORD (required). Dual-stack; a second "
    f"zone in VRF {LAB_VRF} (a network namespace per router) on each aggregation router's "
    "port ethv1.",
    no_args_is_help=True,
)


def _district_names(session: object, given: list[str] | None) -> list[str]:
    """Districts of agg1, agg2, …: as given, else the database's in the order they were made."""
    if given:
        return given
    from sqlmodel import col, select

    from govnet.models import District

    return [d.name for d in session.exec(  # type: ignore[attr-defined]
        select(District).order_by(col(District.id)))]


def _register(st: state.LabState, districts: list[str] | None = None) -> None:
    """Register the routers in the inventory; a missing inventory module is only a note."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        from govnet.console import acting  # --as / GOVNET_USER / login name
        from govnet.db import transaction
        from lab.register import register_lab

        with transaction() as session:
            names = _district_names(session, districts)
            registered = register_lab(session, acting(session), st, districts=names)
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise GovnetError(f"lab is up, but the inventory database is not usable ({first}); "
                          "run `govnet init`, then `govnet lab register`") from exc
    except ImportError as exc:
        typer.echo(f"note: the inventory is not available ({exc}); routers not registered")
        return
    except GovnetError as exc:
        raise type(exc)(f"lab is up, but registering it in the inventory failed: {exc.message}"
                        " (fix that, then run `govnet lab register`)") from exc
    aggs = [n for n in st.topology.routers if n.district is not None]
    where = ", ".join(f"{n.name} {names[n.district - 1]}" for n in aggs
                      if n.district is not None and n.district <= len(names))
    typer.echo(f"registered in the inventory: {', '.join(registered)} (platform frr, credential "
               "govlab@env:GOVNET_LAB_PASSWORD)" + (f"; districts: {where}" if where else ""))
    if len(names) < len(aggs):
        typer.echo(f"note: {len(aggs) - len(names)} aggregation router(s) have no district "
                   "(add districts with `govnet org district add`, or give --district)")


DISTRICTS = typer.Option(None, "--district", help="District of agg1, agg2, … in order "
                         "(repeat); default: the database's districts in creation order.")


@app.command()
def up(
    districts: int = number_option(2, "--districts", "-n", hi=8,
                                    help="Aggregation routers (1–8)."),
    units: int = number_option(2, "--units", help="Unit-host namespaces per aggregation router."),
    register: bool = typer.Option(True, "--register/--no-register",
                                  help="Add the routers to the inventory (platform frr)."),
    vrf: str = typer.Option(LAB_VRF, "--vrf", help="Device VRF name of the second zone."),
    district: list[str] | None = DISTRICTS,
) -> None:
    """Bring the lab up (exit 4 if one is already up; exit 2 without GOVNET_LAB_PASSWORD)."""
    st = control.up(districts, units, vrf)
    r = st.topology.routers
    typer.echo(f"lab up in {st.bringup_seconds:.2f} s (OSPF converged {st.converge_seconds:.2f} s "
               f"later): {len(r)} routers, {len(st.topology.hosts)} unit hosts; "
               f"state {state.state_path()}")
    for n in r:
        typer.echo(f"  {n.name:<6} ssh govlab@{n.mgmt_ip}  loopback {n.loopback} "
                   f"{n.loopback6}, in VRF {n.vrf} {n.vrf_loopback}")
    typer.echo(f"second zone: VRF {vrf} (network namespace per router) on port ethv1 of each "
               "aggregation router")
    if register:
        _register(st, district)


@app.command()
def register(district: list[str] | None = DISTRICTS) -> None:
    """Add the running lab's routers and unit ports to the inventory (again)."""
    st = state.load()
    if st is None or st.status != "up":
        raise Conflict("no lab is up; run `govnet lab up` first")
    _register(st, district)


@app.command("unit-addr")
def unit_addr(
    host: str = typer.Argument(..., help="Unit host, e.g. unit-1-1."),
    vlan: int = number_option(..., "--vlan", hi=4094, help="VLAN of the attachment (100-103)."),
    address: str = typer.Option("", "--address", help="CIDR for the host, e.g. 10.1.1.2/30."),
    gateway: str = typer.Option("", "--gateway", help="Default gateway (the router side)."),
    clear: bool = typer.Option(False, "--clear", help="Remove the VLAN's addresses instead."),
) -> None:
    """Play the unit: address a unit host on one VLAN (the router side is govnet's job)."""
    from lab import units

    st = state.load()
    if st is None:
        raise Conflict("no lab is up; run `govnet lab up` first")
    node = st.topology.node(host)
    if node.is_router:
        raise InvalidInput(f"{host} is a router; unit-addr configures unit hosts")
    if clear:
        units.clear(node, vlan)
        typer.echo(f"{host} eth0.{vlan}: addresses removed")
        return
    if not address:
        raise InvalidInput("give --address CIDR (or --clear)")
    units.configure(node, vlan, address, gateway or None)
    router, port = node.uplink or ("?", "?")
    via = f", default via {gateway}" if gateway else ""
    typer.echo(f"{host} eth0.{vlan}: {address}{via} (cabled to {router} {port}.{vlan})")


@app.command()
def down() -> None:
    """Remove every namespace, link, process, the lab user and the lab directory."""
    removed = control.down()
    typer.echo(f"lab down: removed {len(removed)} items" if removed else "no lab to remove")


@app.command()
def status(as_json: bool = typer.Option(False, "--json", help="Machine-readable JSON.")) -> None:
    """Every node: kind, namespace, addresses, cabling, whether its processes run."""
    data = control.status()
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    if not data["nodes"]:
        typer.echo(f"no lab (state dir {data['lab_dir']})")
        return
    typer.echo(f"lab {data['status']} (state dir {data['lab_dir']})")
    typer.echo(f"{'NODE':<10} {'KIND':<12} {'NAMESPACE':<18} {'MGMT':<13} {'LOOPBACK':<12} "
               f"{'CABLED TO':<12} RUNNING")
    for n in data["nodes"]:
        cabled = f"{n['router']}:{n['port']}" if n["kind"] == "unit-host" else ""
        procs = ",".join(k for k, v in n["processes"].items() if v["running"])
        running = "yes" if n["running"] else "NO"
        typer.echo(f"{n['name']:<10} {n['kind']:<12} {n['namespace']:<18} "
                   f"{n['mgmt_address'] or '-':<13} {n['loopback'] or '-':<12} {cabled:<12} "
                   f"{running} {procs}")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def exec(  # noqa: A001 - the command is called `exec`
    node: str = typer.Argument(..., help="Node name, e.g. core, agg1, unit-1-1."),
    command: list[str] = typer.Argument(..., help="Command to run (after --)."),
) -> None:
    """Run a command inside a node's namespace; its exit code passes through."""
    raise typer.Exit(control.exec_node(node, command))


@app.command("unit-up")
def unit_up(number: int = number_argument(..., "request number",
                                          help="A connected request's number."),
            as_json: bool = typer.Option(False, "--json", help="Machine-readable JSON.")) -> None:
    """Play the unit side of a connected request on the unit host cabled to its port."""
    from lab.unit import unit_up as bring_up

    data = bring_up(number)
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    for zone in data["zones"]:
        for six in ("", "6"):
            if zone[f"address{six}"]:
                lan = zone[f"lan_address{six}"]
                typer.echo(f"{data['host']}: {zone[f'address{six}']} on {zone['ifname']}, "
                           f"default via {zone[f'gateway{six}']}"
                           + (f", LAN {lan} on lo" if lan else "")
                           + (f" (VRF {zone['vrf']})" if zone["vrf"] else ""))
    if data["announced"]:
        typer.echo(f"{data['device']}: now announces unit space into OSPF "
                   f"({len(data['announced'])} lines; the lab's day-0 stand-in)")
    for target, ok in data["pinged"].items():
        typer.echo(f"{data['host']} {'reaches' if ok else 'does NOT reach'} the core's "
                   f"loopback {target}")


@app.command("unit-down")
def unit_down(number: int = number_argument(..., "request number",
                                            help="The request's number.")) -> None:
    """Remove the unit side of a request from its lab unit host."""
    from lab.unit import unit_down as take_down

    data = take_down(number)
    typer.echo(f"{data['host']}: unit side of request {number} removed")
