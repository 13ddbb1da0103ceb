"""Show-command outputs of the simulated devices (test double), in the
platforms' real layouts so ntc-templates and NAPALM parse them."""

from __future__ import annotations

from netaddr import IPNetwork

from .device import SimDevice


def huawei_interface_brief(dev: SimDevice) -> str:
    rows = [
        "PHY: Physical",
        "*down: administratively down",
        "(l): loopback",
        "(s): spoofing",
        "InUti/OutUti: input utility/output utility",
        "Interface                   PHY   Protocol  InUti OutUti   inErrors  outErrors",
    ]
    for name, up, _addr, _desc in dev.interfaces():
        state = "up" if up else "*down"
        rows.append(f"{name:<28}{state:<6}{state:<10}0%     0%          0          0")
    return "\r\n".join(rows)


def comware_interface_brief(dev: SimDevice) -> str:
    rows = [
        "Brief information on interfaces in route mode:",
        "Link: ADM - administratively down; Stby - standby",
        "Protocol: (s) - spoofing",
        "Interface            Link Protocol Primary IP      Description",
    ]
    for name, up, addr, desc in dev.interfaces():
        short = name.replace("GigabitEthernet", "GE")
        ip = addr.split()[0] if addr else "--"
        link = "UP" if up else "ADM"
        rows.append(f"{short:<21}{link:<5}{link if up else 'DOWN':<9}{ip:<16}{desc}".rstrip())
    return "\r\n".join(rows) + "\r\n"


def huawei_version(dev: SimDevice) -> str:
    return "\r\n".join([
        "Huawei Versatile Routing Platform Software",
        "VRP (R) software, Version 5.160 (AR2200 V200R010C10SPC700)",
        "Copyright (C) 2011-2026 HUAWEI TECH CO., LTD",
        "Huawei AR2240 Router uptime is 0 week, 0 day, 1 hour, 2 minutes",
    ])


def ios_version(dev: SimDevice) -> str:
    return "\r\n".join([
        "Cisco IOS Software, ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), "
        "Version 15.9(3)M4, RELEASE SOFTWARE (fc1)",
        "Copyright (c) 1986-2026 by Cisco Systems, Inc.",
        "",
        f"{dev.hostname} uptime is 1 hour, 2 minutes",
        "System image file is \"flash:isr4300-universalk9.bin\"",
        "",
        "cisco ISR4331/K9 (1RU) processor with 1795999K/6147K bytes of memory.",
        "Processor board ID FDO21520TGH",
        "3 Gigabit Ethernet interfaces",
    ])


def ios_hosts(dev: SimDevice) -> str:
    return "Default domain is egov.example\r\nName/address lookup uses static mappings\r\n"


def ios_ip_interface_brief(dev: SimDevice) -> str:
    rows = ["Interface              IP-Address      OK? Method Status                Protocol"]
    for name, up, addr, _desc in dev.interfaces():
        ip = addr.split()[0] if addr else "unassigned"
        status, proto = ("up", "up") if up else ("administratively down", "down")
        rows.append(f"{name:<23}{ip:<16}YES manual {status:<22}{proto}")
    return "\r\n".join(rows)


def ip_interface_brief(dev: SimDevice) -> str:
    """``show ip interface brief`` in the IOS or the RGOS layout."""
    if dev.dialect_name != "ruijie_os":
        return ios_ip_interface_brief(dev)
    rows = ["Interface                        IP-Address(Pri)      IP-Address(Sec)      "
            "Status                 Protocol"]
    for name, up, addr, _desc in dev.interfaces():
        ip = str(IPNetwork(addr.replace(" ", "/"))) if addr else "no address"
        state = "up" if up else "down"
        rows.append(f"{name:<33}{ip:<21}{'no address':<21}{state:<23}{state}")
    return "\r\n".join(rows)


def ios_interfaces(dev: SimDevice) -> str:
    rows = []
    for name, up, addr, desc in dev.interfaces():
        state = "up" if up else "administratively down"
        rows += [
            f"{name} is {state}, line protocol is {'up' if up else 'down'} ",
            "  Hardware is ISR4331-3x1GE, address is 00a3.d14f.9a01 (bia 00a3.d14f.9a01)",
        ]
        if desc:
            rows.append(f"  Description: {desc}")
        if addr:
            rows.append(f"  Internet address is {addr.split()[0]}/30")
        rows.append("  MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec, ")
    return "\r\n".join(rows)


def commit_list(dev: SimDevice) -> str:
    rows = [" " + "-" * 77, " No.   CommitId        Label                 User       Date",
            " " + "-" * 77]
    for number, (commit_id, _tree) in enumerate(reversed(dev.commits), start=1):
        rows.append(f" {number:<6}{commit_id:<16}-                     {dev.username:<11}"
                    f"{dev.now:%Y-%m-%d %H:%M:%S}+00:00")
    return "\r\n".join(rows)


def archive_listing(dev: SimDevice, location: str, prefix: str) -> str:
    names = sorted((n for n in dev.files if n.startswith(f"{location}/{prefix}_")),
                   key=lambda n: int(n.rsplit("_", 1)[1].split(".")[0]))
    rows = [f"Location: {location}", f"Filename prefix: {prefix}",
            "Archive interval in minutes: 0", "Maximum number of archive files: 5",
            "Saved archive files:", "  No. TimeStamp                  FileName"]
    rows += [f"  {i:<4}{dev.now:%a %b %d %H:%M:%S %Y}   {n}" for i, n in enumerate(names, 1)]
    rows += ["# indicates the most recent archive file.",
             f"Next archive file to be saved: {prefix}_{len(names) + 1}.cfg"]
    return "\r\n".join(rows)


def interface_brief(dev: SimDevice) -> str:
    """``display interface brief`` in the Huawei or the Comware layout."""
    if dev.dialect_name == "h3c_comware":
        return comware_interface_brief(dev)
    return huawei_interface_brief(dev)
