"""``govnet access`` request commands as a user types them: the Article 24 path in JSON,
and every refusal with its exit code, one-line message and an unchanged database."""

from __future__ import annotations

import json
import shlex
from typing import Any

import pytest

from govnet_tests.access.test_workflow_world import (
    CITY_UNIT,
    DEVICE,
    JP_UNIT,
    LH_UNIT,
    PORT,
    PRIVATE,
    PUBLIC,
    build_world,
    dump,
)

SUBMIT = (f"access submit --unit {CITY_UNIT} --zone {PUBLIC} --hosts 50 "
          "--site '金平区金砂路 1 号' --contact '张三 13800000000' --purpose 办公网接入")


@pytest.fixture
def world(any_db: str) -> str:
    build_world()
    return any_db


def ok(cli: Any, command: str, as_: str) -> dict[str, Any]:
    result = cli(command + " --json", as_=as_)
    assert result.code == 0, result.err
    assert result.err == ""
    return json.loads(result.out)


def refused(cli: Any, command: str, as_: str, code: int, says: str) -> str:
    """Run a command that must fail: exit ``code``, one stderr line, nothing changed."""
    before = dump()
    result = cli(command, as_=as_)
    assert result.code == code, (result.code, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    assert says in lines[0], lines[0]
    assert "Traceback" not in result.err and result.out == ""
    assert dump() == before, "a refused command changed the database"
    return lines[0]


def test_article_24_path_on_the_command_line(world: str, cli: Any) -> None:
    req = ok(cli, SUBMIT + f" --zone {PRIVATE}", "edu")
    number = req["id"]
    assert req["state"] == "submitted" and [z["vrf"] for z in req["zones"]] == [PUBLIC, PRIVATE]

    ret = ok(cli, f"access return {number} --missing '单位盖章 seal' "
                  "--missing '网络拓扑图 diagram' --missing '安全责任书 security pledge'", "boss")
    assert ret["state"] == "returned"
    assert ret["returned_items"][:3] == ["单位盖章 seal", "网络拓扑图 diagram",
                                         "安全责任书 security pledge"]
    assert len(ret["returned_items"]) == 4  # + the missing written application, found by govnet

    again = ok(cli, f"access resubmit {number} --application-doc 'APP-2026-12' --size /25",
               "edu")
    assert (again["state"], again["size"], again["application_doc"]) == \
        ("submitted", "/25", "APP-2026-12")

    refused(cli, f"access return {number} --missing 'more'", "boss", 4, "returned once already")

    approved = ok(cli, f"access approve {number} --doc '汕政务核〔2026〕3号'", "boss")
    assert approved["state"] == "approved" and approved["approver"] == "boss"

    shown = ok(cli, f"access show {number}", "edu")
    assert shown["approval_doc"] == "汕政务核〔2026〕3号" and shown["return_count"] == 1
    listed = ok(cli, "access list --status approved", "boss")
    assert [r["id"] for r in listed] == [number]

    human = cli(f"access show {number}", as_="boss")
    assert human.code == 0 and "汕政务核〔2026〕3号" in human.out and PRIVATE in human.out
    assert "approved" in cli("access list", as_="edu").out


def test_human_output_lines(world: str, cli: Any) -> None:
    submitted = cli(SUBMIT + " --application-doc A-1", as_="edu")
    assert submitted.code == 0 and "connection request 1 (市教育局) submitted" in submitted.out
    assert "approved (D-1)" in cli("access approve 1 --doc D-1", as_="boss").out


def _submit(cli: Any, user: str = "edu", unit: str = CITY_UNIT, extra: str = "") -> int:
    cmd = SUBMIT.replace(f"--unit {CITY_UNIT}", f"--unit {unit}")
    return ok(cli, f"{cmd} --application-doc APP-1 {extra}", user)["id"]


CASES: list[tuple[str, str, str, int, str]] = [
    # (setup, command (N = the request), user, expected code, message fragment)
    ("submitted", "approve N", "boss", 2, "Missing option '--doc'"),
    ("submitted", "approve N --doc ''", "boss", 2, "--doc is required"),
    ("submitted", "reject N --reason ' '", "boss", 2, "--reason is required"),
    ("submitted", "reject N", "boss", 2, "Missing option '--reason'"),
    ("submitted", "return N", "boss", 2, "Missing option '--missing'"),
    ("submitted", "approve N --doc D", "edu", 3, "may not approve"),
    ("submitted", "approve N --doc D", "ops", 3, "may not approve"),
    # another unit's or district's request reads as a missing one (exit 2, no oracle)
    ("submitted", "withdraw N", "jp_unit", 2, "no connection request"),
    ("submitted", "show N", "lh_unit", 2, "no connection request"),
    ("jp", "withdraw N", "lh_ops", 2, "no connection request"),
    ("lh", "approve N --doc D", "jp_boss", 3, "outside its district"),
    ("approved", "withdraw N", "edu", 4, "only before approval"),
    ("approved", "approve N --doc D2", "boss", 4, "is approved, not submitted"),
    ("approved", "reject N --reason r", "boss", 4, "is approved"),
    ("submitted", "resubmit N --site x", "edu", 4, "is submitted, not returned"),
    ("submitted", "show 999", "boss", 2, "no connection request 999"),
    ("submitted", "list --status pending", "boss", 2, "unknown status"),
    ("submitted", "show N", "nobody", 3, "unknown user"),
    ("none", f"submit --unit {JP_UNIT} --zone {PUBLIC} --hosts 10 --site s --contact c "
     "--purpose p", "lh_ops", 3, "outside its district"),
    ("none", f"submit --unit {CITY_UNIT} --zone {PUBLIC} --hosts 10 --size /24 --site s "
     "--contact c --purpose p", "edu", 2, "one of them"),
    ("none", f"submit --unit {CITY_UNIT} --zone 无此区 --hosts 10 --site s --contact c "
     "--purpose p", "edu", 2, "unknown VRF"),
    ("none", f"submit --unit {CITY_UNIT} --zone {PUBLIC} --hosts 10 --site s --contact ''"
     " --purpose p", "edu", 2, "--contact is required"),
    ("none", f"submit --unit {LH_UNIT} --zone {PUBLIC} --hosts 10 --site s --contact c "
     f"--purpose p --device {DEVICE} --port {PORT}", "lh_unit", 2, "another district"),
    ("none", f"submit --unit {CITY_UNIT} --zone {PUBLIC} --hosts 10 --site s --contact c "
     "--purpose p --device nope --port x", "edu", 2, "unknown device"),
    ("none", f"submit --unit {CITY_UNIT} --zone {PUBLIC} --site s --contact c --purpose p",
     "edu", 2, "one of them"),
    ("none", "submit --unit x", "edu", 2, "Missing option"),
]


@pytest.mark.parametrize(("setup", "command", "user", "code", "says"), CASES,
                         ids=[f"{c[1].split()[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_refused_commands(world: str, cli: Any, setup: str, command: str, user: str,
                          code: int, says: str) -> None:
    number = 0
    if setup in ("submitted", "approved"):
        number = _submit(cli)
    elif setup == "jp":
        number = _submit(cli, "jp_unit", JP_UNIT)
    elif setup == "lh":
        number = _submit(cli, "lh_unit", LH_UNIT)
    if setup == "approved":
        ok(cli, f"access approve {number} --doc D-1", "boss")
    words = [str(number) if w == "N" else w for w in shlex.split(command)]
    refused(cli, "access " + shlex.join(words), user, code, says)


def test_return_resubmit_and_withdraw_commands(world: str, cli: Any) -> None:
    number = ok(cli, SUBMIT, "edu")["id"]
    ok(cli, f"access return {number} --missing 盖章 --days 5", "boss")
    line = cli(f"access show {number}", as_="edu").out
    assert "盖章" in line and "correct by" in line
    changed = ok(cli, f"access resubmit {number} --zone {PRIVATE} --hosts 20 --contact 王五 "
                      "--application-doc A-9 --model routed", "edu")
    assert [z["vrf"] for z in changed["zones"]] == [PRIVATE] and changed["model"] == "routed"
    assert changed["size"] == "/27" and changed["contact"] == "王五"
    assert ok(cli, f"access withdraw {number}", "edu")["state"] == "withdrawn"
    refused(cli, f"access withdraw {number}", "edu", 4, "is withdrawn")


def test_operator_submits_with_attachment(world: str, cli: Any) -> None:
    req = ok(cli, f"access submit --unit {JP_UNIT} --zone {PUBLIC} --size /28 --site s "
                  f"--contact c --purpose p --model routed --device {DEVICE} --port {PORT} "
                  "--security-plan SEC-1", "jp_ops")
    assert (req["device"], req["port"], req["security_plan"]) == (DEVICE, PORT, "SEC-1")
    assert req["submitted_by"] == "jp_ops" and req["district"] == "金平区"
