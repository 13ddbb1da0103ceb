"""Service messages and audit action names follow GOVNET_LANG (the catalogue in
govnet/messages.py), in the CLI and in the TUI, with exit codes unchanged."""

from __future__ import annotations

import pytest
from rich.console import Console

from govnet import messages
from govnet.settings import settings
from govnet_tests.conftest import db_snapshot


@pytest.mark.parametrize("english,chinese", [
    ("jp (district_operator of 金平区) may not add users", "jp（金平区区县技术机构）无权add users"),
    ("edu (applicant) may not approve connection requests",
     "edu（申请单位）无权approve connection requests"),
    ("unknown district '火星区'", "未知的区县：火星区"),
    ("unknown role 'wizard'; one of: admin, auditor", "未知的角色：wizard；可选：admin, auditor"),
    ("no free /24 left in 10.80.0.0/16", "10.80.0.0/16 中已没有空闲的 /24"),
    ("10.87.0.0/23 is already allocated in VRF 公用网络区",
     "10.87.0.0/23 在网络区 公用网络区 中已是已分配状态"),
    ("jp-agg-1 is a demo device: govnet never connects to it",
     "jp-agg-1 是演示设备：govnet 从不连接演示设备（真实设备在实验环境中）"),
    ("connection request 3 is draft, not submitted: submit it first",
     "接入申请 3 当前为草稿，不是已提交：submit it first"),
])
def test_catalogue(english: str, chinese: str) -> None:
    assert messages.localize(english, "zh_CN") == chinese
    assert messages.localize(english, "en") == english


def test_unmatched_message_is_kept() -> None:
    text = "something no template knows"
    assert messages.localize(text, "zh_CN") == text


def test_every_template_field_is_used_consistently() -> None:
    """A Chinese template names only fields its English template captures."""
    import re

    for english, chinese in messages.PATTERNS:
        assert set(re.findall(r"\{(\w+)\}", chinese)) <= set(re.findall(r"\{(\w+)\}", english))


def test_action_names() -> None:
    assert messages.action_name("access.request.return", "zh_CN") == "申请·退回补正"
    assert messages.action_name("ipam.allocate", "en") == "ipam.allocate"


@pytest.mark.parametrize("lang,expected", [("zh_CN", "未知的区县：火星区"),
                                           ("en", "unknown district '火星区'")])
def test_cli_refusal_follows_govnet_lang(db, cli, monkeypatch, lang, expected):
    monkeypatch.setenv("GOVNET_LANG", lang)
    settings.cache_clear()
    before = db_snapshot()
    r = cli("org unit add 新单位 --district 火星区")
    assert r.code == 2 and expected in r.err and r.err.count("\n") == 1, r.err
    assert db_snapshot() == before


def test_cli_not_permitted_in_chinese(db, cli, monkeypatch):
    cli("org district add 金平区")
    cli("user add jp --role district_operator --district 金平区")
    monkeypatch.setenv("GOVNET_LANG", "zh_CN")
    settings.cache_clear()
    r = cli("org unit add 新单位", as_="jp")
    assert r.code == 3 and "无权" in r.err, r.err


def test_chinese_action_names_align_in_a_table() -> None:
    """Wide characters are measured as two cells: every row of the table is one width."""
    from govnet.console import table

    rows = [(1, messages.action_name("ipam.allocate", "zh_CN")),
            (2, messages.action_name("access.request.return", "zh_CN")), (3, "ipam.release")]
    console = Console(width=80, record=True)
    console.print(table(None, ("seq", "action"), rows))
    lines = [line for line in console.export_text().splitlines() if line.strip()]
    assert len({console.measure(line).maximum for line in lines}) == 1
