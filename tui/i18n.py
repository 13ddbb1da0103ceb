"""The TUI's words in Chinese and English.

``t(key, **values)`` looks a key up in the current language (``zh_CN`` or
``en``); a key missing from the catalogue is returned as is, so an untranslated
label shows up plainly instead of crashing. The language comes from
``GOVNET_LANG``, else the locale (``govnet.settings``); tests switch it with
:func:`set_lang`.
"""

from __future__ import annotations

from govnet.settings import settings

LANGS = ("zh_CN", "en")

# key: (中文, English)
CATALOGUE: dict[str, tuple[str, str]] = {
    # application and navigation
    "app.title": ("电子政务外网运维", "e-Gov Extranet Operations"),
    "app.subtitle": ("{user}（{role}{scope}）", "{user} ({role}{scope})"),
    "nav.dashboard": ("总览", "Dashboard"),
    "nav.plan": ("地址规划", "Address plan"),
    "nav.requests": ("接入申请", "Requests"),
    "nav.devices": ("设备", "Devices"),
    "nav.audit": ("审计", "Audit"),
    "nav.help": ("帮助", "Help"),
    "nav.refresh": ("刷新", "Refresh"),
    "nav.search": ("搜索", "Search"),
    "nav.close": ("关闭", "Close"),
    "Quit": ("退出", "Quit"),
    "palette": ("命令", "Commands"),
    "palette.goto": ("转到：{screen}", "Go to: {screen}"),
    "palette.screen_action": ("{screen}：{action}", "{screen}: {action}"),
    # roles
    "role.admin": ("管理员", "admin"),
    "role.authority": ("主管部门", "authority"),
    "role.municipal_operator": ("市级技术机构", "municipal operator"),
    "role.district_operator": ("区县技术机构", "district operator"),
    "role.applicant": ("申请单位", "applicant"),
    "role.auditor": ("审计员", "auditor"),
    # generic
    "ok": ("确定", "OK"),
    "cancel": ("取消", "Cancel"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "none": ("—", "—"),
    "loading": ("加载中…", "Loading…"),
    "error": ("操作失败", "Failed"),
    "internal_error": ("内部错误：{kind}：{text}", "internal error: {kind}: {text}"),
    "done": ("完成", "Done"),
    "not_available": ("{what}尚未安装", "{what} is not installed yet"),
    "search.placeholder": ("搜索（回车）…", "Search (Enter)…"),
    "field.required": ("必填", "required"),
    "form.fix": ("请先修正标红的字段", "Fix the fields marked in red first"),
    # dashboard
    "dash.by_district": ("各区县地址使用率", "Utilization by district"),
    "dash.by_zone": ("各网络区地址使用率", "Utilization by zone"),
    "dash.requests": ("接入申请（按状态）", "Connection requests by state"),
    "dash.blocks": ("地址块申请", "Block applications"),
    "dash.devices": ("设备可达性（上次检查）", "Devices (as last checked)"),
    "dash.audit": ("最新审计事件", "Latest audit events"),
    "dash.reachable": ("可达", "reachable"),
    "dash.unreachable": ("不可达", "unreachable"),
    "dash.unchecked": ("未检查", "never checked"),
    "dash.no_data": ("暂无数据", "no data"),
    "dash.total": ("合计", "total"),
    # statuses
    "status.container": ("市级地址池", "pool"),
    "status.delegated": ("区县地址块", "district block"),
    "status.allocated": ("已分配", "allocated"),
    "status.reserved": ("保留", "reserved"),
    "status.quarantined": ("隔离期", "quarantined"),
    "status.pending": ("待审批", "pending"),
    "status.approved": ("已批准", "approved"),
    "status.rejected": ("已驳回", "rejected"),
    "purpose.lan": ("局域网", "LAN"),
    "purpose.interconnect": ("互联", "interconnect"),
    "purpose.loopback": ("环回", "loopback"),
    "purpose.mgmt": ("管理", "management"),
    "purpose.other": ("其他", "other"),
    # address plan
    "plan.root": ("地址规划", "Address plan"),
    "plan.more": ("… 再加载 {n} 项（共 {shown} 已显示）", "… load {n} more ({shown} shown)"),
    "plan.detail": ("详情", "Detail"),
    "plan.free": ("空闲地址块", "Free blocks"),
    "plan.free_none": ("没有空闲地址块", "no free blocks"),
    "plan.select": ("选择一个节点查看详情", "Select a node to see its detail"),
    "plan.goto": ("查找前缀，如 10.1.0.0/16", "Find a prefix, e.g. 10.1.0.0/16"),
    "plan.act.allocate": ("分配", "Allocate"),
    "plan.act.delegate": ("下放", "Delegate"),
    "plan.act.reserve": ("保留", "Reserve"),
    "plan.act.release": ("释放", "Release"),
    "plan.act.applications": ("地址块申请", "Block applications"),
    "plan.act.apply": ("申请地址块", "Apply for block"),
    "plan.need_parent": ("请选择一个地址池或区县地址块", "Select a pool or a district block"),
    "plan.need_prefix": ("请选择一个前缀", "Select a prefix"),
    "plan.released": ("已释放 {cidr}", "Released {cidr}"),
    "plan.allocated": ("已分配 {cidr} 给 {owner}", "Allocated {cidr} to {owner}"),
    "plan.delegated": ("已下放 {cidr} 给 {district}", "Delegated {cidr} to {district}"),
    "plan.reserved": ("已保留 {cidr}", "Reserved {cidr}"),
    "plan.applied": ("已提交地址块申请 #{n}", "Submitted block application #{n}"),
    "plan.release_q": ("释放 {cidr}（{owner}）？释放后进入 {days} 天隔离期。",
                       "Release {cidr} ({owner})? It stays quarantined for {days} days."),
    "col.prefix": ("前缀", "Prefix"),
    "col.vrf": ("网络区", "Zone"),
    "col.status": ("状态", "Status"),
    "col.district": ("区县", "District"),
    "col.owner": ("使用单位", "Owner"),
    "col.purpose": ("用途", "Purpose"),
    "col.description": ("说明", "Description"),
    "col.size": ("地址数", "Size"),
    "col.length": ("前缀长度", "Length"),
    "col.used": ("已用", "Used"),
    "col.free": ("空闲", "Free"),
    "col.children": ("子前缀", "Children"),
    "col.quarantine": ("隔离至", "Quarantined until"),
    "col.usage": ("使用率", "Usage"),
    "col.id": ("编号", "No."),
    "col.reason": ("理由", "Reason"),
    "col.applicant": ("申请人", "Applicant"),
    "col.time": ("时间", "Time"),
    "col.actor": ("操作人", "Actor"),
    "col.action": ("操作", "Action"),
    "col.object": ("对象", "Object"),
    "col.unit": ("单位", "Unit"),
    "col.zones": ("网络区", "Zones"),
    "col.site": ("地点", "Site"),
    "col.state": ("状态", "State"),
    "col.device": ("设备", "Device"),
    "col.platform": ("平台", "Platform"),
    "col.host": ("管理地址", "Host"),
    "col.role": ("角色", "Role"),
    "col.reach": ("可达性", "Reachability"),
    "col.checked": ("上次检查", "Last check"),
    "col.port": ("端口", "Port"),
    "col.vlans": ("VLAN", "VLANs"),
    "col.hash": ("哈希", "Hash"),
    # forms
    "form.allocate": ("分配地址", "Allocate addresses"),
    "form.delegate": ("下放地址块给区县", "Delegate a block to a district"),
    "form.reserve": ("保留地址块", "Reserve a block"),
    "form.apply": ("向市级申请地址块", "Apply to the municipal agency for a block"),
    "form.within": ("从", "From"),
    "form.owner": ("使用单位", "Owner unit"),
    "form.size": ("前缀长度（如 /26）", "Prefix length (e.g. /26)"),
    "form.hosts": ("或主机数", "or number of hosts"),
    "form.purpose": ("用途", "Purpose"),
    "form.description": ("说明", "Description"),
    "form.district": ("区县", "District"),
    "form.prefix": ("指定前缀（可选）", "Exact prefix (optional)"),
    "form.cidr": ("前缀", "Prefix"),
    "form.reason": ("理由", "Reason"),
    "form.submit": ("提交", "Submit"),
    "form.size_or_hosts": ("请填写前缀长度或主机数（二选一）",
                           "Give a prefix length or hosts, not both"),
    "form.size_or_prefix": ("请填写前缀长度或指定前缀（二选一）",
                            "Give a prefix length or an exact prefix, not both"),
    "form.choose": ("请选择", "Choose one"),
    "valid.cidr": ("不是有效的 CIDR 前缀", "not a valid CIDR prefix"),
    "valid.size": ("应为 /N，如 /26", "expected /N, e.g. /26"),
    "valid.hosts": ("应为正整数", "expected a positive whole number"),
    "valid.text": ("不能为空，最多 {n} 个字符", "must be 1–{n} characters"),
    "valid.len": ("最多 {n} 个字符", "at most {n} characters"),
    # block applications
    "apps.title": ("地址块申请", "Block applications"),
    "apps.approve": ("批准并下放", "Approve and delegate"),
    "apps.reject": ("驳回", "Reject"),
    "apps.approved": ("已批准申请 #{n}：{cidr}", "Approved application #{n}: {cidr}"),
    "apps.rejected": ("已驳回申请 #{n}", "Rejected application #{n}"),
    "apps.reject_q": ("驳回地址块申请 #{n}：请说明理由",
                      "Reject block application #{n}: give the reason"),
    "apps.need": ("请选择一条待审批的申请", "Select a pending application"),
    # audit
    "audit.verify": ("校验审计链", "Verify chain"),
    "audit.ok": ("审计链完整：{n} 条事件均已校验", "Audit chain intact: {n} events verified"),
    "audit.broken": ("审计链被破坏：{problem}", "Audit chain broken: {problem}"),
    "audit.unverified": ("尚未校验（按 v 校验）", "Not verified yet (press v)"),
    "audit.detail": ("事件详情", "Event detail"),
    "audit.before": ("变更前", "Before"),
    "audit.after": ("变更后", "After"),
    "audit.count": ("显示最新 {n} 条", "Newest {n} shown"),
    # connection requests
    "state.all": ("全部状态", "All states"),
    "status.draft": ("草稿", "draft"),
    "status.submitted": ("已提交", "submitted"),
    "status.returned": ("已退回", "returned"),
    "status.withdrawn": ("已撤回", "withdrawn"),
    "status.provisioning": ("开通中", "provisioning"),
    "status.connected": ("已接入", "connected"),
    "status.failed": ("开通失败", "failed"),
    "status.disconnecting": ("断开中", "disconnecting"),
    "status.disconnected": ("已断开", "disconnected"),
    "status.planned": ("规划", "planned"),
    "req.act.submit": ("新申请", "New request"),
    "req.act.resubmit": ("更正重报", "Correct"),
    "req.act.withdraw": ("撤回", "Withdraw"),
    "req.act.return": ("退回补正", "Return"),
    "req.act.approve": ("核准", "Approve"),
    "req.act.reject": ("不予受理", "Reject"),
    "req.act.provision": ("开通", "Provision"),
    "req.act.disconnect": ("断开", "Disconnect"),
    "req.act.handover": ("交接单", "Handover"),
    "req.act.filter": ("状态筛选", "Filter"),
    "req.detail": ("申请详情", "Request detail"),
    "req.none": ("没有申请", "No requests"),
    "req.need": ("请先选择一条申请", "Select a request first"),
    "req.submitted": ("已提交申请 #{n}", "Submitted request #{n}"),
    "req.resubmitted": ("申请 #{n} 已更正并重新提交", "Request #{n} corrected and resubmitted"),
    "req.withdrawn": ("申请 #{n} 已撤回", "Request #{n} withdrawn"),
    "req.returned": ("申请 #{n} 已退回，缺 {k} 项", "Request #{n} returned, {k} items missing"),
    "req.approved": ("申请 #{n} 已核准（{doc}）", "Request #{n} approved ({doc})"),
    "req.rejected": ("申请 #{n} 不予受理", "Request #{n} rejected"),
    "req.withdraw_q": ("撤回申请 #{n}（{unit}）？", "Withdraw request #{n} ({unit})?"),
    "req.reject_q": ("不予受理申请 #{n}：请说明理由", "Reject request #{n}: give the reason"),
    "req.form.new": ("接入申请", "Connection request"),
    "req.form.correct": ("更正申请 #{n}", "Correct request #{n}"),
    "req.form.return": ("退回申请 #{n}（一次性列明全部缺项）",
                        "Return request #{n} (list everything missing, once)"),
    "req.form.approve": ("核准申请 #{n}", "Approve request #{n}"),
    "req.missing_items": ("缺项（每行一项）", "Missing items (one a line)"),
    "req.missing_need": ("至少列出一项缺项", "List at least one missing item"),
    "req.days": ("补正期限（天）", "Days to correct"),
    "req.doc": ("核准文件文号", "Approval document number"),
    "req.zones_need": ("至少选择一个网络区", "Choose at least one zone"),
    "req.returned_items": ("需补正", "To correct"),
    "f.unit": ("申请单位", "Unit"),
    "f.zones": ("网络区", "Zones"),
    "f.site": ("地点", "Site"),
    "f.contact": ("联系人及电话", "Contact (name, telephone)"),
    "f.purpose": ("用途", "Purpose"),
    "f.model": ("接入方式", "Attachment model"),
    "f.model.gateway": ("网关接入", "gateway"),
    "f.model.routed": ("路由接入", "routed"),
    "f.application_doc": ("书面申请文号", "Written application ref."),
    "f.security_plan": ("安全方案文号", "Security plan ref."),
    "f.device": ("接入设备", "Device"),
    "f.port": ("接入端口", "Port"),
    "f.size": ("地址大小", "Size"),
    "f.submitted_by": ("提交人", "Submitted by"),
    "f.submitted_at": ("提交时间", "Submitted at"),
    "f.returned_by": ("退回人", "Returned by"),
    "f.correct_by": ("补正期限", "Correct by"),
    "f.approval_doc": ("核准文件", "Approval document"),
    "f.approver": ("核准人", "Approver"),
    "f.reject_reason": ("不予受理理由", "Reject reason"),
    "f.last_error": ("最近错误", "Last error"),
    "f.connected_at": ("接入时间", "Connected at"),
    "handover.title": ("接入确认单 #{n}", "Handover sheet #{n}"),
    # provisioning
    "job.provision": ("开通申请 #{n}", "Provision request #{n}"),
    "job.disconnect": ("断开申请 #{n}", "Disconnect request #{n}"),
    "job.dry_run": ("预演：{device} 将变更的配置（尚未写入设备）",
                    "Dry run: the change for {device} (nothing written yet)"),
    "job.nothing": ("没有需要下发的配置", "Nothing to push"),
    "job.run": ("正式执行", "Run it live"),
    "job.running": ("执行中…", "Running…"),
    "job.step": ("步骤：{step}", "step: {step}"),
    "job.result": ("结果：{state}", "Result: {state}"),
    "job.failed": ("失败：{error}", "Failed: {error}"),
    "job.state.connected": ("已接入", "connected"),
    "job.state.disconnected": ("已断开", "disconnected"),
    "job.state.failed": ("失败", "failed"),
    "job.state.unchanged": ("未改变", "unchanged"),
    "job.state.rolled_back": ("已回滚", "rolled back"),
    "job.log": ("作业日志", "Job log"),
    "job.done": ("申请 #{n}：{state}", "Request #{n}: {state}"),
    # devices
    "dev.act.check": ("检查可达性", "Check"),
    "dev.act.backup": ("备份配置", "Back up"),
    "dev.act.diff": ("配置差异", "Diff"),
    "dev.detail": ("设备详情", "Device detail"),
    "dev.diff": ("最近两次备份的差异", "Diff of the last two backups"),
    "dev.no_diff": ("两次备份相同", "The two backups are the same"),
    "dev.need": ("请先选择一台设备", "Select a device first"),
    "dev.none": ("没有设备", "No devices"),
    "dev.ports": ("端口与 VLAN", "Ports and VLANs"),
    "dev.in_use": ("已用", "in use"),
    "dev.backups": ("配置备份", "Backups"),
    "dev.no_backup": ("尚无备份", "no backup yet"),
    "dev.interfaces": ("发现的接口", "Discovered interfaces"),
    "dev.checked": ("{name}：{result}", "{name}: {result}"),
    "dev.backed_up": ("{name} 已备份（{what}）", "{name} backed up ({what})"),
    "dev.changed": ("配置有变化", "changed"),
    "dev.unchanged": ("配置未变", "unchanged"),
    "dev.demo": ("演示设备（不会连接）", "demo device (never contacted)"),
    "dev.working": ("正在连接 {name}…", "Contacting {name}…"),
    # help
    "help.title": ("帮助：按键", "Help: keys"),
    "help.global": ("全局", "Everywhere"),
    "help.screen": ("本页", "This screen"),
    "help.palette": ("命令面板（所有操作）", "Command palette (every action)"),
    "help.intro": (
        "所有操作都调用与命令行相同的服务，按当前用户的角色和范围执行。",
        "Every action calls the same service as the command line, as the acting user.",
    ),
}

_state = {"lang": ""}


def lang() -> str:
    """The current language: ``zh_CN`` or ``en``."""
    if not _state["lang"]:
        _state["lang"] = settings().lang
    return _state["lang"]


def set_lang(value: str | None) -> str:
    """Switch the language (``zh_CN``/``zh`` or ``en``); None re-reads the settings."""
    if value is None:
        _state["lang"] = settings().lang
    else:
        _state["lang"] = "zh_CN" if value.lower().startswith("zh") else "en"
    return _state["lang"]


def t(key: str, **values: object) -> str:
    """The text of ``key`` in the current language, formatted with ``values``."""
    pair = CATALOGUE.get(key)
    if pair is None:
        return key.format(**values) if values else key
    text = pair[0] if lang() == "zh_CN" else pair[1]
    return text.format(**values) if values else text


def status(value: str | None) -> str:
    """A prefix, application or request status in words."""
    if not value:
        return t("none")
    return t(f"status.{value}") if f"status.{value}" in CATALOGUE else value


def role(value: str) -> str:
    return t(f"role.{value}")
