"""Bad input on the demo data, typed as users type it (issue 12).

Each command is refused with one line on stderr and the contract's exit code, and
the database is unchanged; a file is refused whole, its error naming FILE:LINE.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govnet_tests.conftest import db_snapshot


@pytest.fixture
def demo(db: str, cli):  # type: ignore[no-untyped-def]
    assert cli("demo --no-tui").code == 0
    return cli


def refused(cli, command: str, code: int, says: str, as_: str | None = None) -> None:  # type: ignore[no-untyped-def]
    before = db_snapshot()
    result = cli(command, as_=as_)
    assert result.code == code, (result.code, result.err)
    assert result.err.count("\n") == 1 and says in result.err, result.err
    assert "internal error" not in result.err
    assert db_snapshot() == before


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("command", "says"), [
    ("inventory ports add jinping-agg-1 'eth1\n'", "is not an interface name"),
    ("inventory ports add jinping-agg-1 'eth1\x07'", "is not an interface name"),
    ("inventory ports add jinping-agg-1 ｅｔｈ1", "is not an interface name"),
    ("inventory ports add jinping-agg-1 eth9 --vlans '１-２'", "ASCII digits"),
    ("inventory ports add jinping-agg-1 eth9 --vlans '１００'", "ASCII digits"),
    ("inventory add x-1 --platform frr --host 10.0.0.9 --role core --site 'a\u202eb'",
     "site: control character U+202E"),
    ("org unit add 'a\u0085b'", "control character U+0085"),
    ("ipam vrf add z --description 'a\u2028b'", "control character U+2028"),
])
def test_bad_names_and_numbers_are_refused(demo, command: str, says: str) -> None:  # type: ignore[no-untyped-def]
    refused(demo, command, 2, says)


YAML_DEVICE = "- name: t-1\n  platform: frr\n  host: 10.0.0.1\n  role: access\n"


@pytest.mark.parametrize(("name", "text", "says"), [
    ("dupkey.yaml", YAML_DEVICE + "  host: 10.0.0.2\n",
     "dupkey.yaml:5: not valid YAML: duplicate field 'host' (also on line 3)"),
    ("number.yaml", YAML_DEVICE.replace("t-1", "123"), "number.yaml:1: name: expected text"),
    ("district.yaml", YAML_DEVICE + "  district: 7\n", "district.yaml:1: district: expected text"),
    ("dupport.yaml", YAML_DEVICE + "  ports:\n    - {name: eth1}\n    - {name: eth1}\n",
     "dupport.yaml:1: ports: 'eth1' is given twice"),
    ("badport.yaml", YAML_DEVICE + "  ports:\n    - {name: \"eth1\\n\"}\n",
     "badport.yaml:1: port name"),
    ("site.yaml", YAML_DEVICE + "  site: \"机房\\x1b[2J\"\n",
     "site.yaml:1: site: control character U+001B"),
    ("site85.yaml", YAML_DEVICE + "  site: \"机\\x85房\"\n", "site85.yaml:1: site: control"),
    ("second.yaml", YAML_DEVICE + YAML_DEVICE.replace("t-1", "t-2") + "  port: ２２\n",
     "second.yaml:5: port: '２２' is not a number in ASCII digits"),
    ("big.csv", "name,platform,host,role,site\nt-1,frr,10.0.0.1,access," + "x" * 140_000 + "\n",
     "big.csv:2: not valid CSV: field larger than field limit"),
    ("latin1.csv", "name,platform,host,role,site\nt-1,frr,10.0.0.1,access,caf\xe9\n".encode(
        "latin-1"), "latin1.csv:2: not UTF-8 text (byte 0xe9)"),
    ("dupcol.csv", "name,platform,host,role,role\nt-1,frr,10.0.0.1,access,core\n",
     "dupcol.csv:1: CSV header: column(s) ['role'] given twice"),
])
def test_inventory_import_refuses_the_file_whole(demo, tmp_path: Path, name: str,  # type: ignore[no-untyped-def]
                                                 text: str | bytes, says: str) -> None:
    path = write(tmp_path, name, text)
    refused(demo, f"inventory import {path}", 2, says)


def test_empty_files_are_nothing_to_import(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for command in ("inventory import {}", "ipam import --from-csv {}"):
        path = write(tmp_path, "empty.csv", "")
        before = db_snapshot()
        result = demo(command.format(path))
        assert (result.code, result.err) == (0, "")
        assert "nothing to import" in result.out
        assert db_snapshot() == before
        assert json.loads(demo(command.format(path) + " --json").out) in (
            [], {"created": [], "pools": [], "skipped": [], "addresses": 0})


HEADER = "prefix,vrf,status,district,owner,description\n"


@pytest.mark.parametrize(("text", "code", "says"), [
    (HEADER + "10.82.9.0/24,,allocated,濠江区,濠江区财政局,a\n"
              "10.82.9.0/24,,allocated,濠江区,濠江区财政局,a\n", 2, "line 3: 10.82.9.0/24 is also on line 2"),
    (HEADER + "10.81.1.0/24,,allocated,龙湖区,龙湖区民政局,\n", 4,
     "line 2: 10.81.1.0/24 is already in the plan"),
    (HEADER + "10.82.9.0/24,,allocated,濠江区,濠江区财政局,办公\x07网\n", 2,
     "line 2: description: control character U+0007"),
    (HEADER + "10.82.9.0/24,,allocated,濠江区,濠江区财政局,办公\u200b网\n", 2,
     "line 2: description: control character U+200B"),
    (HEADER.encode() + "10.82.9.0/24,,allocated,濠江区,,".encode() + b"caf\xe9\n", 2,
     "plan.csv:2: not UTF-8 text"),
    (HEADER + "10.82.9.0/24,,allocated,濠江区,,\"" + "x" * 140_000 + "\"\n", 2,
     "not valid CSV: field larger than field limit"),
])
def test_ipam_csv_import_refuses_bad_rows(demo, tmp_path: Path, text: str | bytes,  # type: ignore[no-untyped-def]
                                          code: int, says: str) -> None:
    path = write(tmp_path, "plan.csv", text)
    refused(demo, f"ipam import --from-csv {path}", code, says, as_="city-ops")


PRIVNET = "access private-network file --owner {owner} --name 专网 --prefix {prefix} " \
          "--interconnection 'st-core-1 GE0/0/9'"


def test_private_network_filing_must_not_overlap_the_plan(demo) -> None:  # type: ignore[no-untyped-def]
    # inside 龙湖区's block and its unit's allocation: someone else's space, always refused
    refused(demo, PRIVNET.format(owner="市教育局", prefix="10.81.1.0/24"), 4,
            "overlaps 10.81.0.0/16 of the address plan (delegated, not 市教育局's)", as_="city-ops")
    refused(demo, PRIVNET.format(owner="市教育局", prefix="10.81.1.0/24") + " --overlaps-plan",
            4, "may not use space held by another", as_="city-ops")
    # inside a municipal pool, or the owner's own district block: only when said so
    refused(demo, PRIVNET.format(owner="龙湖区民政局", prefix="10.81.200.0/24"), 4,
            "overlaps 10.80.0.0/13 of the address plan (container); give --overlaps-plan",
            as_="city-ops")
    result = demo(PRIVNET.format(owner="龙湖区民政局", prefix="10.81.200.0/24")
                  + " --overlaps-plan --json", as_="city-ops")
    assert result.code == 0, result.err
    [event] = json.loads(demo("audit list --action access.privnet.file --json").out)
    assert event["after"]["overlaps_plan"] == ["10.80.0.0/13", "10.81.0.0/16"]
    # outside the plan: filed as before, nothing recorded about overlap
    result = demo(PRIVNET.format(owner="市教育局", prefix="172.20.0.0/16") + " --json",
                  as_="city-ops")
    assert result.code == 0, result.err
    newest = json.loads(demo("audit list --action access.privnet.file --json").out)[0]
    assert "overlaps_plan" not in newest["after"]
