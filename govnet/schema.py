"""Import every table model so ``SQLModel.metadata`` knows the whole schema."""

from __future__ import annotations

import importlib

from sqlmodel import SQLModel

# Each package's models module; one list, used by Alembic and by tests.
MODEL_MODULES = ("govnet.models", "ipam.models", "inventory.models", "access.models",
                 "compliance.models")


def load_models() -> type[SQLModel]:
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real import error inside the module
                raise
    return SQLModel
