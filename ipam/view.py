"""Plain-data views of IPAM rows for JSON, tables and the TUI."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table, bindparam, select

from govnet import tables
from govnet.prepared import Bind, Prepared

# Core tables: the allocation command shows its answer without importing the ORM.
_VRF, _DISTRICT, _UNIT = tables.vrf, tables.district, tables.unit
_NAME_OF = {t.name: Prepared(select(t.c.id, t.c.name).where(t.c.id == bindparam("id")))
            for t in (_VRF, _DISTRICT, _UNIT)}


def _names(session: Bind, table: Table) -> dict[int, str]:
    return {row.id: row.name for row in session.execute(select(table.c.id, table.c.name))}


@dataclass
class Names:
    """id → name maps of the small tables, loaded once per view."""

    vrfs: dict[int, str] = field(default_factory=dict)
    districts: dict[int, str] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Bind) -> Names:
        return cls(vrfs=_names(session, _VRF), districts=_names(session, _DISTRICT),
                   units=_names(session, _UNIT))


    @classmethod
    def of(cls, session: Bind, prefixes: Iterable[Any]) -> Names:
        """Only the names these prefixes (or rows) refer to: a few keyed lookups, not
        whole tables (a city has hundreds of units; an API answer names a handful)."""
        rows = list(prefixes)

        def names(table: Table, ids: set[Any]) -> dict[int, str]:
            ids.discard(None)
            if not ids:
                return {}
            if len(ids) == 1:  # the usual answer (one allocation): a prepared lookup
                (one,) = ids
                row = _NAME_OF[table.name].first(session, {"id": one})
                return {row.id: row.name} if row else {}
            return {row.id: row.name for row in session.execute(
                select(table.c.id, table.c.name).where(table.c.id.in_(ids)))}

        return cls(vrfs=names(_VRF, {p.vrf_id for p in rows}),
                   districts=names(_DISTRICT, {p.district_id for p in rows}),
                   units=names(_UNIT, {p.owner_id for p in rows}))


def prefix_dict(session: Bind, prefix: Any, names: Names | None = None) -> dict[str, Any]:
    """The contract's JSON shape of a prefix (an ORM object, a row, or a dict of its values)."""
    if isinstance(prefix, dict):
        prefix = SimpleNamespace(**prefix)
    names = names or Names.of(session, [prefix])
    return {
        "id": prefix.id,
        "prefix": prefix.cidr,
        "vrf": names.vrfs.get(prefix.vrf_id),
        "status": prefix.status,
        "district": names.districts.get(prefix.district_id) if prefix.district_id else None,
        "owner": names.units.get(prefix.owner_id) if prefix.owner_id else None,
        "purpose": prefix.purpose,
        "description": prefix.description,
        "quarantine_until": prefix.quarantine_until.isoformat() if prefix.quarantine_until
        else None,
    }


def vrf_dict(vrf: Any) -> dict[str, Any]:
    """The contract's JSON shape of a zone (VRF)."""
    return {"name": vrf.name, "description": vrf.description,
            "device_name": vrf.device_name, "rd": vrf.rd, "rt": vrf.rt}
