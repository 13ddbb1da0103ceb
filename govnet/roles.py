"""The roles of DESIGN.md (no database code here: the Core paths import it too)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    authority = "authority"
    municipal_operator = "municipal_operator"
    district_operator = "district_operator"
    applicant = "applicant"
    auditor = "auditor"
