"""Plain-data views of IPAM rows for JSON, tables and the TUI."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select
from sqlmodel import Session, col

from govnet.models import District, Unit
from govnet.prepared import Prepared
from ipam.models import Prefix, Vrf

_NAME_OF = {model: Prepared(select(col(model.id), col(model.name))  # type: ignore[arg-type]
                              .where(col(model.id) == bindparam("id")))
            for model in (Vrf, District, Unit)}


@dataclass
class Names:
    """id → name maps of the small tables, loaded once per view."""

    vrfs: dict[int, str] = field(default_factory=dict)
    districts: dict[int, str] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> Names:
        return cls(
            vrfs=dict(session.execute(select(col(Vrf.id), col(Vrf.name))).all()),  # type: ignore[arg-type]
            districts=dict(session.execute(select(col(District.id), col(District.name))).all()),  # type: ignore[arg-type]
            units=dict(session.execute(select(col(Unit.id), col(Unit.name))).all()),  # type: ignore[arg-type]
        )


    @classmethod
    def of(cls, session: Session, prefixes: Iterable[Any]) -> Names:
        """Only the names these prefixes (or rows) refer to: a few keyed lookups, not
        whole tables (a city has hundreds of units; an API answer names a handful)."""
        rows = list(prefixes)

        def names(model: Any, ids: set[Any]) -> dict[int, str]:
            ids.discard(None)
            if not ids:
                return {}
            if len(ids) == 1:  # the usual answer (one allocation): a prepared lookup
                (one,) = ids
                row = _NAME_OF[model].first(session, {"id": one})
                return {row.id: row.name} if row else {}
            return dict(session.execute(select(col(model.id), col(model.name))  # type: ignore[arg-type]
                                        .where(col(model.id).in_(ids))).all())

        return cls(vrfs=names(Vrf, {p.vrf_id for p in rows}),
                   districts=names(District, {p.district_id for p in rows}),
                   units=names(Unit, {p.owner_id for p in rows}))


def prefix_dict(session: Session, prefix: Prefix, names: Names | None = None) -> dict[str, Any]:
    """The contract's JSON shape of a prefix."""
    names = names or Names.load(session)
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


def vrf_dict(vrf: Vrf) -> dict[str, Any]:
    """The contract's JSON shape of a zone (VRF)."""
    return {"name": vrf.name, "description": vrf.description,
            "device_name": vrf.device_name, "rd": vrf.rd, "rt": vrf.rt}
