"""Numbers, heads and names typed on the command line (issue 21): one govnet line, exit 2,
the database unchanged -- never the parser's own text.

Every whole-number option and argument parses with one validator
(``govnet.console.number_option`` / ``number_argument`` over ``validate.number``); the
siblings of each reported input are here too.
"""

from __future__ import annotations

import pytest

from govnet_tests.conftest import db_snapshot


@pytest.fixture
def demo(db: str, cli):  # type: ignore[no-untyped-def]
    assert cli("demo --no-tui").code == 0
    return cli


def refused(cli, command: str, says: str) -> None:  # type: ignore[no-untyped-def]
    before = db_snapshot()
    result = cli(command)
    assert result.code == 2, (result.code, result.err)
    assert result.err.count("\n") == 1 and says in result.err, result.err
    assert result.err.startswith("error: ")
    assert "Invalid value" not in result.err and "Input should be" not in result.err
    assert "internal error" not in result.err
    assert db_snapshot() == before


@pytest.mark.parametrize(("command", "says"), [
    # the reported ones
    ("ipam allocate --owner 市教育局 --hosts ５０ --district 金平区",
     "--hosts: '５０' is not a number in ASCII digits"),
    ("access approve abc --doc 汕电政核〔2026〕9号", "request number: 'abc' is not a number"),
    ("audit list --limit -1", "--limit must be at least 1, not -1"),
    ("audit list --limit 0", "--limit must be at least 1, not 0"),
    ("audit verify --head 0000", "--head '0000' is not an audit head"),
    ("audit verify --head " + "g" * 64, "is not an audit head"),
    ("audit verify --head " + "a" * 63, "is not an audit head"),
    ("ipam allocate --owner 不存在单位 --hosts 50", "unknown unit '不存在单位'"),
    # their siblings: other number options and number arguments
    ("access approve ３ --doc x", "request number: '３' is not a number"),
    ("access approve 0 --doc x", "request number must be at least 1, not 0"),
    ("access show 1.5", "request number: '1.5' is not a number"),
    ("access provision 1 x --dry-run", "request number: 'x' is not a number"),
    ("access provision 1 --workers ８ --dry-run", "--workers: '８' is not a number"),
    ("access provision 1 --workers 65 --dry-run", "--workers 65 is outside 1–64"),
    ("access jobs ２", "request number: '２' is not a number"),
    ("access cpe-config x", "request number: 'x' is not a number"),
    ("access submit --unit 市教育局 --zone 公用网络区 --hosts ２０ --site s --contact c "
     "--purpose p", "--hosts: '２０' is not a number"),
    ("access return 2 --missing a --days ７", "--days: '７' is not a number"),
    ("access private-network show x", "private network number: 'x' is not a number"),
    ("ipam apply --district 金平区 --hosts 50 --reason r --family 5", "--family must be 4 or 6"),
    ("ipam allocate --owner 市教育局 --size /24 --district 金平区 --family ６",
     "--family: '６' is not a number"),
    ("ipam release 10.80.0.0/24 --quarantine-days ３", "--quarantine-days: '３' is not a number"),
    ("ipam tree --depth 二", "--depth: '二' is not a number"),
    ("ipam approve-application x", "application number: 'x' is not a number"),
    ("ipam reject-application 0 --reason r", "application number must be at least 1"),
    ("ipam import --from-csv x.csv --pool-length 40", "--pool-length 40 is outside 1–31"),
    ("compliance show abc", "finding number: 'abc' is not a number"),
    ("compliance isolate ０ --doc d", "finding number: '０' is not a number"),
    ("compliance scan --workers 0", "--workers 0 is outside 1–64"),
    ("inventory add x-9 --platform frr --host 10.0.0.9 --role core --port ２２",
     "--port: '２２' is not a number"),
    ("inventory check jinping-agg-1 --workers x", "--workers: 'x' is not a number"),
    ("serve --port 70000", "--port 70000 is outside 1–65535"),
    ("lab unit-up x", "request number: 'x' is not a number"),
    ("lab up --districts 9", "--districts 9 is outside 1–8"),
])
def test_bad_numbers_are_one_govnet_line(demo, command: str, says: str) -> None:  # type: ignore[no-untyped-def]
    refused(demo, command, says)


def test_good_numbers_still_work(demo) -> None:  # type: ignore[no-untyped-def]
    assert demo("audit list --limit 1 --json").out.count('"seq"') == 1
    r = demo("ipam allocate --owner 金平区教育局 --hosts 50 --district 金平区 --json")
    assert r.code == 0 and '"prefix"' in r.out


def test_zh_cn_numbers(demo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from govnet.settings import settings

    monkeypatch.setenv("GOVNET_LANG", "zh_CN")
    settings.cache_clear()
    refused(demo, "audit list --limit -1", "--limit 至少为 1，而不是 -1")
    refused(demo, "ipam allocate --owner 市教育局 --hosts ５０ --district 金平区",
            "--hosts：５０ 不是用 ASCII 数字写的数")
