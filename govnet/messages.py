"""Service messages and audit action names in the user's language (``GOVNET_LANG``).

Services raise errors in English with the values in them; nothing at a raise site
changes. At display time (``govnet.console`` for the CLI, the TUI's one error
handler) :func:`localize` matches the message against a catalogue of English
templates with named fields and renders the Chinese template with the same values.
A message no template matches is shown as it is, so an untranslated message is
never lost. To translate another message, add one ``(English, 中文)`` pair to
:data:`PATTERNS`; ``{name}`` matches any text, and a field's value is itself
translated when it is a known word (a role, a status, a kind of object).

>>> localize("unknown district '潮州'", "zh_CN")
'未知的区县：潮州'
>>> localize("unknown district '潮州'", "en")
"unknown district '潮州'"
>>> action_name("ipam.allocate", "zh_CN")
'地址·分配'
"""

from __future__ import annotations

import re
from functools import cache

from govnet.settings import settings

# (English template, Chinese template); the first template that matches wins, so the
# more specific comes first.
PATTERNS: list[tuple[str, str]] = [
    ("{who} ({role} of {scope}) may not {action} outside its district",
     "{who}（{scope}{role}）无权在本区县以外{action}"),
    ("{who} ({role} of {scope}) may not {action}", "{who}（{scope}{role}）无权{action}"),
    ("{who} ({role}) may not {action}", "{who}（{role}）无权{action}"),
    ("unknown user {name}: an admin adds it with {how}",
     "未知用户 {name}：请管理员用 {how} 添加"),
    ("unknown {what} {value}; one of: {choices}", "未知的{what}：{value}；可选：{choices}"),
    ("unknown {what} {value}", "未知的{what}：{value}"),
    ("no connection request {n}", "没有编号为 {n} 的接入申请"),
    ("no block application {n}", "没有编号为 {n} 的地址块申请"),
    ("no prefix {net} in VRF {vrf}", "网络区 {vrf} 中没有前缀 {net}"),
    ("{net} overlaps an existing prefix inside {parent}", "{net} 与 {parent} 内已有的前缀重叠"),
    ("{net} overlaps pool {pool} in VRF {vrf}", "{net} 与网络区 {vrf} 的地址池 {pool} 重叠"),
    ("{net} is already {status} in VRF {vrf}", "{net} 在网络区 {vrf} 中已是{status}状态"),
    ("{net} already exists in VRF {vrf} ({status})", "{net} 已存在于网络区 {vrf}（{status}）"),
    ("{net} is outside every pool of VRF {vrf}", "{net} 不在网络区 {vrf} 的任何地址池内"),
    ("no free /{n} left in {where}", "{where} 中已没有空闲的 /{n}"),
    ("{block} is another district's block than {unit}'s: {rest}",
     "{block} 是其他区县的地址块，不能分配给{unit}：单位地址只能来自本区县的地址块或市级地址池"),
    ("no free address left in {net}", "{net} 中已没有空闲地址"),
    ("{net} still holds allocations: release them first", "{net} 内仍有分配，请先释放"),
    ("{net} is a municipal pool; pools are not released", "{net} 是市级地址池，不能释放"),
    ("{net} is not allocated in VRF {vrf}: nothing to release",
     "{net} 在网络区 {vrf} 中未分配，无可释放"),
    ("connection request {n} is {state}, not {wanted}: {rest}",
     "接入申请 {n} 当前为{state}，不是{wanted}：{rest}"),
    ("connection request {n} was returned once already {rest}",
     "接入申请 {n} 已退回过一次（第十条：一次性告知全部缺项），请核准或不予受理"),
    ("connection request {n} has no approval document {rest}",
     "接入申请 {n} 没有核准文件，不能开通"),
    ("{device} is a demo device: govnet never connects to it{rest}",
     "{device} 是演示设备：govnet 从不连接演示设备（真实设备在实验环境中）"),
    ("--days must be 1–365, not {n}", "补正期限应为 1–365 天，而不是 {n}"),
    ("{field} is required and must not be empty", "{field} 为必填项，不能为空"),
    ("{text} is not a valid CIDR prefix", "{text} 不是有效的 CIDR 前缀"),
    ("{text} is not a valid IP address", "{text} 不是有效的 IP 地址"),
    # whole numbers typed on the command line (govnet.validate.number)
    ("{field}: {value} is not a number in ASCII digits", "{field}：{value} 不是用 ASCII 数字写的数"),
    ("{field} must be at least {lo}, not {value}", "{field} 至少为 {lo}，而不是 {value}"),
    ("{field} must be at most {hi}, not {value}", "{field} 至多为 {hi}，而不是 {value}"),
    ("{field} {value} is outside {lo}–{hi}", "{field} {value} 超出 {lo}–{hi} 的范围"),
    ("--head {value} is not an audit head: {rest}",
     "--head {value} 不是审计链头：应为 'govnet audit head' 打印的 64 位十六进制数"),
    # database failures (govnet.dberrors)
    ("no such database file {path} (GOVNET_DB): {rest}",
     "数据库文件 {path} 不存在（GOVNET_DB）：请检查路径；'govnet init' 会新建数据库"),
    ("no database yet at {path}: run 'govnet init' to create it",
     "{path} 处还没有数据库：请运行 'govnet init' 创建"),
    ("no such database {where} (GOVNET_DB): {rest}", "数据库 {where} 不存在（GOVNET_DB）：请检查名称"),
    ("database {where}: the disk is full; {rest}",
     "数据库 {where}：磁盘已满，请释放空间后重试（未做任何更改）"),
    ("database {where}: the server's disk is full; {rest}",
     "数据库 {where}：服务器磁盘已满，请释放空间后重试（未做任何更改）"),
    ("database {where} is read-only {rest}", "数据库 {where} 是只读的：可以读取，不能修改"),
    ("database {where} cannot be opened for writing {rest}",
     "数据库 {where} 无法写入（所在目录只读或无法访问）：可以读取，不能修改"),
    ("database {where} has no govnet schema or an older one ({detail}): run 'govnet init'",
     "数据库 {where} 没有 govnet 表结构或版本较旧（{detail}）：请运行 'govnet init'"),
    ("database server {host} is unreachable ({reason}): {rest}",
     "无法连接数据库服务器 {host}（{reason}）：请确认 PostgreSQL 正在运行、GOVNET_DB 无误"),
    ("lost the connection to database server {host} ({detail}); {rest}",
     "与数据库服务器 {host} 的连接中断（{detail}）；本命令的事务未提交（除非恰在提交时中断）"),
]

# Words that appear as field values: roles, states, kinds of objects, verbs.
WORDS: dict[str, str] = {
    "admin": "管理员", "authority": "主管部门", "municipal_operator": "市级技术机构",
    "district_operator": "区县技术机构", "applicant": "申请单位", "auditor": "审计员",
    "district": "区县", "unit": "单位", "VRF": "网络区", "device": "设备", "role": "角色",
    "platform": "平台", "purpose": "用途", "state": "状态", "user": "用户",
    "container": "地址池", "delegated": "区县地址块", "allocated": "已分配",
    "reserved": "保留", "quarantined": "隔离期", "draft": "草稿", "submitted": "已提交",
    "returned": "已退回", "approved": "已核准", "rejected": "不予受理", "withdrawn": "已撤回",
    "provisioning": "开通中", "connected": "已接入", "failed": "开通失败",
    "disconnecting": "断开中", "disconnected": "已断开",
}

# Audit action names: ``area.object.verb``, translated part by part.
ACTION_PARTS: dict[str, str] = {
    "ipam": "地址", "access": "接入", "inventory": "设备", "compliance": "合规",
    "org": "组织", "user": "用户", "request": "申请", "job": "作业", "device": "设备",
    "port": "端口", "vlan": "VLAN", "address": "地址", "application": "地址块申请",
    "pool": "地址池", "vrf": "网络区", "district": "区县", "unit": "单位",
    "add": "添加", "remove": "删除", "update": "修改", "allocate": "分配", "delegate": "下放",
    "reserve": "保留", "release": "释放", "import": "导入", "assign": "指派", "claim": "占用",
    "submit": "提交", "resubmit": "更正重报", "withdraw": "撤回", "return": "退回补正",
    "approve": "核准", "reject": "不予受理", "provision": "开通", "disconnect": "断开",
    "committed": "已提交", "zones": "网络区", "scan": "扫描", "acknowledge": "确认",
    "isolate": "隔离", "restore": "恢复", "check": "检查", "backup": "备份", "diff": "比较",
    "rename": "改名", "edit": "修改", "role": "角色",
}


def _zh(lang: str | None) -> bool:
    return (lang if lang is not None else settings().lang).lower().startswith("zh")


@cache
def _compiled() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for english, chinese in PATTERNS:
        parts = re.split(r"\{(\w+)\}", english)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)"
                        for i, p in enumerate(parts))
        out.append((re.compile(regex + r"\Z", re.S), chinese))
    return out


def _value(text: str) -> str:
    text = text.strip("'\"")
    return WORDS.get(text, text)


def localize(message: str, lang: str | None = None) -> str:
    """``message`` in ``lang`` (default: ``GOVNET_LANG``); unmatched text unchanged."""
    if not _zh(lang):
        return message
    for regex, chinese in _compiled():
        match = regex.match(message)
        if match:
            return chinese.format(**{k: _value(v) for k, v in match.groupdict().items()})
    return message


def action_name(action: str, lang: str | None = None) -> str:
    """An audit action (``ipam.allocate``) in words; unknown parts stay as they are.
    With an object part (``access.request.return``) the area is left out: 申请·退回补正."""
    if not _zh(lang):
        return action
    parts = action.split(".")
    return "·".join(ACTION_PARTS.get(p, p) for p in (parts[1:] if len(parts) > 2 else parts))
