from __future__ import annotations

import pytest

from govnet import org
from govnet.db import transaction
from govnet_tests.conftest import actor
from ipam import service


@pytest.fixture
def plan(any_db):  # type: ignore[no-untyped-def]
    """A small plan: one VRF, v4 and v6 pools, two districts with blocks, units, users."""
    admin = actor()
    with transaction() as s:
        service.add_vrf(s, admin, "public")
        service.add_vrf(s, admin, "private")
        service.add_pool(s, admin, "10.0.0.0/16", vrf="public")
        service.add_pool(s, admin, "2001:db8::/32", vrf="public")
        for name in ("金平区", "龙湖区"):
            org.add_district(s, admin, name)
        service.delegate(s, admin, district="金平区", prefix="10.0.0.0/20", vrf="public")
        service.delegate(s, admin, district="龙湖区", prefix="10.0.16.0/20", vrf="public")
        service.delegate(s, admin, district="金平区", size="/48", vrf="public", family=6)
        org.add_unit(s, admin, "金平区教育局", district="金平区")
        org.add_unit(s, admin, "龙湖区民政局", district="龙湖区")
        org.add_unit(s, admin, "市教育局")
        org.add_user(s, admin, "jp-ops", role="district_operator", district="金平区")
        org.add_user(s, admin, "lh-ops", role="district_operator", district="龙湖区")
        org.add_user(s, admin, "city-ops", role="municipal_operator")
        org.add_user(s, admin, "edu", role="applicant", unit="市教育局")
        org.add_user(s, admin, "auditor", role="auditor")
    return any_db
