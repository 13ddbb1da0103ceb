"""inventory.io: YAML/CSV import (all or nothing, errors by line) and exports that
Nornir and Ansible load as they are."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from govnet.db import read, transaction
from govnet.errors import InvalidInput
from govnet_tests.conftest import actor
from inventory import io, service

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def districts(db: str, cli: Any) -> Any:
    for cmd in ["org district add 金平区 --code jinping", "org district add 龙湖区 --code longhu",
                "user add jp --role district_operator --district 金平区",
                "user add ops --role municipal_operator"]:
        assert cli(cmd).code == 0
    return cli


def devices_now() -> list[dict[str, Any]]:
    with read() as s:
        return [service.show(s, actor(), d.name) for d in service.list_devices(s, actor())]


@pytest.mark.parametrize("name", ["devices.yaml", "devices.csv"])
def test_import_yaml_and_csv_give_the_same_inventory(districts: Any, name: str) -> None:
    r = districts(f"inventory import {FIXTURES / name} --json", as_="ops")
    assert r.code == 0, r.err
    assert [d["name"] for d in json.loads(r.out)] == ["st-core1", "jp-agg1", "lh-acc1",
                                                      "demo-acc1"]
    by_name = {d["name"]: d for d in devices_now()}
    assert by_name["lh-acc1"]["district"] == "龙湖区" and by_name["lh-acc1"]["port"] == 2222
    assert by_name["lh-acc1"]["host"] == "lh-acc1.gov.example"
    assert by_name["demo-acc1"]["demo"] is True and by_name["st-core1"]["demo"] is False
    assert by_name["st-core1"]["site"] == "市政务服务数据管理局机房"
    assert [(p["name"], p["vlans"]) for p in by_name["jp-agg1"]["ports"]] == [
        ("GigabitEthernet1/0/1", "100-199"), ("GigabitEthernet1/0/2", "200-299")]


def test_yaml_and_csv_imports_are_identical(districts: Any, tmp_path: Path) -> None:
    assert districts(f"inventory import {FIXTURES / 'devices.yaml'}").code == 0
    from_yaml = devices_now()
    assert districts(f"inventory import {FIXTURES / 'devices.csv'} --replace").code == 0
    assert devices_now() == from_yaml


BAD_FILES = [
    ("bad_row.csv", "bad_row.csv:4: role 'edge'", "(and 1 more bad row(s)); nothing imported"),
    ("bad_row.yaml", "bad_row.yaml:5: credential reference 's3cret' is not valid",
     "nothing imported"),
]


@pytest.mark.parametrize(("name", "first", "tail"), BAD_FILES)
def test_bad_row_reported_by_line_and_nothing_imported(districts: Any, name: str, first: str,
                                                       tail: str) -> None:
    r = districts(f"inventory import {FIXTURES / name}", as_="ops")
    assert r.code == 2
    assert r.err.startswith(f"error: {FIXTURES / name}:") and first in r.err and tail in r.err
    assert len(r.err.splitlines()) == 1
    assert devices_now() == []


@pytest.mark.parametrize(("suffix", "content", "message"), [
    (".yaml", "- name: a\n  platform: frr\n  host: 10.0.0.1\n  role: core\n  colour: red\n",
     ":1: unknown field(s) ['colour']"),
    (".yaml", "- name: a\n  platform: frr\n  host: [10.0.0.1\n", ":4: not valid YAML"),
    (".yaml", "name: a\n", ":1: expected a list of devices"),
    (".yaml", "- {name: a, platform: frr, host: 10.0.0.1, role: core}\n"
              "- {name: a, platform: frr, host: 10.0.0.2, role: core}\n",
     ":2: device 'a' is also on line 1"),
    (".yaml", "- {name: a, platform: frr, host: 10.0.0.1, role: core, demo: maybe}\n",
     ":1: demo: 'maybe' is not true/false"),
    (".yaml", "- {name: a, platform: frr, host: 10.0.0.1, role: core,"
              " ports: [{name: eth1, vlans: 10-5}]}\n", ":1: VLAN range 10-5"),
    (".yaml", "- {name: a, platform: frr, role: core}\n", ":1: missing host"),
    (".csv", "name,platform,host,role,colour\na,frr,10.0.0.1,core,red\n",
     ":1: CSV header: unknown column(s) ['colour']"),
    (".csv", "name,platform,host,role\na,frr,10.0.0.1,core,extra\n",
     ":2: more fields than the header has"),
    (".csv", "name,platform,host,role\n\na,frr,10.0.0.1,core\nb,frr,host_x!,core\n",
     ":4: host 'host_x!'"),
    (".txt", "whatever", "unknown format"),
])
def test_import_errors_name_the_line(districts: Any, tmp_path: Path, suffix: str,
                                     content: str, message: str) -> None:
    path = tmp_path / f"devices{suffix}"
    path.write_text(content, encoding="utf-8")
    r = districts(f"inventory import {path}", as_="ops")
    assert r.code == 2 and message in r.err, r.err
    assert devices_now() == []


def test_existing_device_needs_replace(districts: Any, tmp_path: Path) -> None:
    assert districts(f"inventory import {FIXTURES / 'devices.yaml'}").code == 0
    r = districts(f"inventory import {FIXTURES / 'devices.csv'}")
    assert r.code == 2 and "devices.csv:2: device 'st-core1' exists already" in r.err
    changed = tmp_path / "changed.csv"
    changed.write_text((FIXTURES / "devices.csv").read_text(encoding="utf-8").replace(
        "10.80.0.1", "10.80.0.2"), encoding="utf-8")
    assert districts(f"inventory import {changed} --replace").code == 0
    assert {d["name"]: d["host"] for d in devices_now()}["st-core1"] == "10.80.0.2"


def test_import_needs_a_manager(districts: Any) -> None:
    r = districts(f"inventory import {FIXTURES / 'devices.yaml'}", as_="jp")
    assert r.code == 3 and devices_now() == []


def test_import_service_raises_located_invalid_input(districts: Any) -> None:
    with pytest.raises(InvalidInput, match=r"bad_row.csv:4"), transaction() as s:
        io.import_file(s, actor("ops"), FIXTURES / "bad_row.csv")


# -- export -------------------------------------------------------------------

@pytest.fixture
def imported(districts: Any) -> Any:
    assert districts(f"inventory import {FIXTURES / 'devices.yaml'}").code == 0
    return districts


def test_nornir_export_loads_in_simple_inventory(imported: Any, tmp_path: Path) -> None:
    from nornir.plugins.inventory import SimpleInventory

    hosts = tmp_path / "hosts.yaml"
    r = imported(f"inventory export --format nornir --output {hosts}")
    assert r.code == 0, r.err
    inv = SimpleInventory(host_file=str(hosts), group_file=str(tmp_path / "none.yaml"),
                          defaults_file=str(tmp_path / "none.yaml")).load()
    assert sorted(inv.hosts) == ["demo-acc1", "jp-agg1", "lh-acc1", "st-core1"]
    lh = inv.hosts["lh-acc1"]
    assert (lh.hostname, lh.port, lh.platform, lh.username) == (
        "lh-acc1.gov.example", 2222, "cisco_ios", "netops")
    assert lh.data["district"] == "龙湖区" and lh.data["role"] == "access"
    assert inv.hosts["jp-agg1"].get_connection_parameters("netmiko").platform == "hp_comware"
    # each connection plugin gets its own name for the platform
    assert {name: (h.get_connection_parameters("netmiko").platform,
                   h.get_connection_parameters("napalm").platform)
            for name, h in inv.hosts.items()} == {
        "st-core1": ("huawei_vrpv8", "huawei_vrp"), "jp-agg1": ("hp_comware", "h3c_comware"),
        "lh-acc1": ("cisco_ios", "ios"),
        "demo-acc1": ("ruijie_os", "ruijie_os")}  # RGOS has no NAPALM driver: nothing exported
    assert "napalm" not in inv.hosts["demo-acc1"].connection_options
    assert inv.hosts["jp-agg1"].data["ports"][0]["vlans"] == "100-199"
    assert inv.hosts["demo-acc1"].data["demo"] is True
    assert all(h.password is None for h in inv.hosts.values())


def test_ansible_export_structure(imported: Any) -> None:
    r = imported("inventory export --format ansible")
    assert r.code == 0, r.err
    data = yaml.safe_load(r.out)
    children = data["all"]["children"]
    assert set(children["core"]["hosts"]) == {"st-core1"}
    assert set(children["access"]["hosts"]) == {"lh-acc1", "demo-acc1"}
    assert set(children["district_jinping"]["hosts"]) == {"jp-agg1"}
    core = children["core"]["hosts"]["st-core1"]
    assert core["ansible_host"] == "10.80.0.1" and core["ansible_user"] == "netops"
    assert core["ansible_password"] == "{{ lookup('ansible.builtin.env', 'GOVNET_CORE_PW') }}"
    agg = children["aggregation"]["hosts"]["jp-agg1"]
    assert agg["ansible_password"] == \
        "{{ lookup('community.general.keyring', 'govnet-agg netops') }}"
    acc = children["access"]["hosts"]["lh-acc1"]
    assert acc["ansible_ssh_private_key_file"] == "~/.ssh/govnet_ed25519"
    assert acc["ansible_network_os"] == "cisco.ios.ios" and acc["ansible_port"] == 2222


def test_every_platform_has_ansible_and_napalm_names() -> None:
    from inventory.drivers import platforms

    for slug in platforms():
        assert io.tool_names(slug).ansible_network_os.count(".") == 2  # a collection's FQCN


def test_a_new_driver_family_takes_its_parents_names() -> None:
    from inventory.drivers import _REGISTRY
    from inventory.drivers.huawei_vrpv8 import HuaweiVrpV8Driver

    class Family(HuaweiVrpV8Driver):
        platform = "huawei_vrpv8_testfamily"

    _REGISTRY[Family.platform] = Family
    try:
        assert io.tool_names(Family.platform) == io.TOOL_NAMES["huawei_vrpv8"]
    finally:
        del _REGISTRY[Family.platform]


def _ansible(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run a real ansible-core command (installed with the test extra) in a scratch home."""
    tool = shutil.which(argv[0], path=str(Path(sys.executable).parent)) or shutil.which(argv[0])
    if tool is None:
        pytest.fail(f"{argv[0]} not found: install the test extra (ansible-core)")
    env = {**os.environ, "ANSIBLE_HOME": str(tmp_path / "ansible"), "LC_ALL": "C.UTF-8",
           "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"), "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_HOST_KEY_CHECKING": "False", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "True"}
    return subprocess.run([tool, *argv[1:]], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def test_ansible_inventory_resolves_network_os_and_platform_groups(imported: Any,
                                                                  tmp_path: Path) -> None:
    """The export loaded by the real ``ansible-inventory``: every host has a network OS and
    network_cli, and the platform, role and district groups hold the right hosts."""
    path = tmp_path / "hosts.yaml"
    assert imported(f"inventory export --format ansible --output {path}").code == 0
    r = _ansible(tmp_path, "ansible-inventory", "-i", str(path), "--list")
    assert r.returncode == 0, r.stderr
    listing = json.loads(r.stdout)
    hostvars = listing["_meta"]["hostvars"]
    assert {h: v["ansible_network_os"] for h, v in hostvars.items()} == {
        "st-core1": "community.network.ce", "jp-agg1": "h3c_open.comware.comware",
        "lh-acc1": "cisco.ios.ios", "demo-acc1": "cisco.ios.ios"}
    assert {v["ansible_connection"] for v in hostvars.values()} == {"ansible.netcommon.network_cli"}
    assert {g: sorted(listing[g]["hosts"]) for g in listing if g.startswith("platform_")} == {
        "platform_huawei_vrpv8": ["st-core1"], "platform_h3c_comware": ["jp-agg1"],
        "platform_cisco_ios": ["lh-acc1"], "platform_ruijie_os": ["demo-acc1"]}
    assert sorted(listing["district_jinping"]["hosts"]) == ["jp-agg1"]


def test_ansible_playbook_run_sees_the_variables_and_groups(imported: Any,
                                                           tmp_path: Path) -> None:
    """A real ``ansible-playbook`` run over the export (``ansible.builtin.debug`` of hostvars;
    the connection is forced to local and the password lookup is overridden: the network
    collections and community.general's keyring lookup are not installed here)."""
    path = tmp_path / "hosts.yaml"
    assert imported(f"inventory export --format ansible --output {path}").code == 0
    play = tmp_path / "show.yaml"
    play.write_text(yaml.safe_dump([{
        "name": "govnet export", "hosts": "platform_h3c_comware:platform_huawei_vrpv8",
        "gather_facts": False,
        "tasks": [{"ansible.builtin.debug": {"msg": (
            "GOVNET {{ inventory_hostname }} {{ hostvars[inventory_hostname].ansible_network_os }} "
            "{{ govnet_platform }} {{ group_names | sort | join(',') }}")}}]}]))
    r = _ansible(tmp_path, "ansible-playbook", "-i", str(path), str(play),
                 "-e", "ansible_connection=local", "-e", "ansible_password=unused")
    assert r.returncode == 0, r.stdout + r.stderr
    shown = sorted(line.split("GOVNET ", 1)[1].rstrip('"') for line in r.stdout.splitlines()
                   if "GOVNET " in line)
    assert shown == [
        "jp-agg1 h3c_open.comware.comware h3c_comware aggregation,district_jinping,"
        "platform_h3c_comware",
        "st-core1 community.network.ce huawei_vrpv8 core,platform_huawei_vrpv8"]
    assert "ok=1" in r.stdout and "failed=0" in r.stdout


def test_csv_export_round_trips(imported: Any, tmp_path: Path) -> None:
    before = devices_now()
    out = tmp_path / "export.csv"
    assert imported(f"inventory export --format csv -o {out}").code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # for Excel; the import skips it
    for d in before:
        assert imported(f"inventory remove {d['name']}").code == 0
    assert devices_now() == []
    r = imported(f"inventory import {out}")
    assert r.code == 0, r.err
    strip = ("last_check_at",)
    assert [{k: v for k, v in d.items() if k not in strip} for d in devices_now()] == \
        [{k: v for k, v in d.items() if k not in strip} for d in before]


def test_export_follows_read_scope(imported: Any) -> None:
    r = imported("inventory export --format csv --json", as_="jp")
    rows = json.loads(r.out)["text"].splitlines()
    assert len(rows) == 2 and rows[1].startswith("jp-agg1,")


def test_fixture_files_are_valid_examples(tmp_path: Path) -> None:
    """The fixtures double as documentation: both parse to the same rows."""
    shutil.copy(FIXTURES / "devices.yaml", tmp_path / "d.yaml")
    yaml_rows = io.read_rows(tmp_path / "d.yaml")
    csv_rows = io.read_rows(FIXTURES / "devices.csv")
    assert [r.values["name"] for r in yaml_rows] == [r.values["name"] for r in csv_rows]
    assert [r.line for r in yaml_rows] == [3, 9, 20, 27]
