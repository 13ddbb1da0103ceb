"""Who still refers to a row: the one check behind every "remove" (nothing is orphaned).

The foreign keys of the whole schema are walked, so a table another package adds is
covered without touching this module. Rows a parent owns outright (its free-space index)
are left out by the caller.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from govnet.errors import WrongState
from govnet.models import table_of
from govnet.schema import load_models

# Table names read as nouns in messages (the rest read as they are, "_" → " ").
LABELS = {"govnet_user": "user", "blockapplication": "block application",
          "ipaddress": "address", "configsnapshot": "config snapshot"}


def referrers(session: Session, model: type[SQLModel], row_id: int, *,
              ignore: tuple[str, ...] = ()) -> dict[str, int]:
    """Rows per referring table (by label) whose foreign key names ``row_id``."""
    target = table_of(model)
    found: dict[str, int] = {}
    for table in load_models().metadata.sorted_tables:
        if table.name in ignore:
            continue
        for fk in table.foreign_keys:
            if fk.column.table is not target:
                continue
            n = session.execute(select(func.count()).select_from(table)
                                .where(fk.parent == row_id)).scalar_one()
            if n:
                label = LABELS.get(table.name, table.name.replace("_", " "))
                found[label] = found.get(label, 0) + n
    return found


def refuse_if_referred(session: Session, model: type[SQLModel], row_id: int, what: str, *,
                       ignore: tuple[str, ...] = (), hint: str = "remove or move them first"
                       ) -> None:
    """WrongState (exit 4) naming what still refers to ``what``."""
    found = referrers(session, model, row_id, ignore=ignore)
    if found:
        uses = ", ".join(f"{label} ×{n}" for label, n in found.items())
        raise WrongState(f"{what} is still referred to by {uses}: {hint}")
