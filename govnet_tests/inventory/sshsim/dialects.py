"""CLI dialects the simulator speaks (test double): prompts, modes, texts.

Only data lives here; :mod:`.session` interprets it. Error texts are the
platforms' real ones, so the drivers' ``error_pattern`` is tested against them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .config import Grammar

HUAWEI_GRAMMAR = Grammar(
    negation="undo ",
    top_openers=r"(interface|acl|ip vpn-instance|aaa|user-interface|bgp|ospf) ",
    nested_openers=r"(ipv4-family|ipv6-family)\b",
    global_lines=r"(sysname|ip route-static|ipv6 route-static|archive configuration) ",
    single_valued=r"(description|ip binding vpn-instance|ip address|route-distinguisher|"
                  r"dot1q termination vid|vlan-type dot1q vid|sysname) ",
)

IOS_GRAMMAR = Grammar(
    negation="no ",
    top_openers=r"(interface|vrf definition|ip access-list|ipv6 access-list|router) ",
    nested_openers=r"address-family ",
    global_lines=r"(hostname|ip route|ipv6 route|archive) ",
    single_valued=r"(description|vrf forwarding|ip address|rd|encapsulation dot1Q|hostname) ",
)


@dataclass(frozen=True)
class Dialect:
    """Everything that differs between two platforms' CLIs."""

    name: str
    grammar: Grammar
    exec_prompt: str  # format with host
    config_prompt: str  # format with host, view suffix and (VRP8) state mark
    view_suffix: str  # format with the view's label, e.g. "-{}" or "-if"
    enter_config: str
    leave_config: str  # back to exec mode from any depth
    up_one: str  # leave one section (at the top: leave config mode)
    show_running: str
    paging: tuple[str, ...]  # accepted silently (paging, terminal width)
    reject: str  # the real rejection text
    header: tuple[str, ...]  # running-config header lines; {now} is volatile
    footer: tuple[str, ...]
    separator: str  # between top-level sections
    global_indent: str  # Comware indents global one-liners by one space
    save: str  # regex of the save command(s)
    save_question: str  # "" when save asks nothing
    save_done: str
    enter_config_banner: str = ""
    user_prompt: str = ""  # IOS-style unprivileged exec ("{host}>"), left with "enable"
    two_stage: bool = False  # VRP8: candidate + commit
    #: The routing-table command: groups (ip|ipv6) and the VPN instance / VRF (optional).
    route_table: str = r"(?!)"


VRP5 = Dialect(
    name="huawei_vrp", grammar=HUAWEI_GRAMMAR,
    exec_prompt="<{host}>", config_prompt="[{host}{view}]", view_suffix="-{}",
    enter_config="system-view", leave_config="return", up_one="quit",
    show_running="display current-configuration",
    paging=("screen-length 0 temporary",),
    reject="Error: Unrecognized command found at '^' position.",
    header=("!Software Version V200R010C10SPC700", "#"),
    footer=("return",), separator="#", global_indent="",
    save="save",
    save_question="Warning: The current configuration will be written to the device.\r\n"
                  "Are you sure to continue?[Y/N]",
    save_done="Info: Save the configuration successfully.",
    enter_config_banner="Enter system view, return user view with Ctrl+Z.",
    route_table=r"display (ip|ipv6) routing-table(?: vpn-instance (\S+))? verbose",
)

VRP8 = Dialect(
    name="huawei_vrpv8", grammar=HUAWEI_GRAMMAR,
    exec_prompt="<{host}>", config_prompt="[{mark}{host}{view}]", view_suffix="-{}",
    enter_config="system-view", leave_config="return", up_one="quit",
    show_running="display current-configuration",
    paging=("screen-length 0 temporary",),
    reject="Error: Unrecognized command found at '^' position.",
    header=("!Software Version V800R011C00SPC607B607",
            "!Last configuration was updated at {now}", "#"),
    footer=("return",), separator="#", global_indent="",
    save="save",
    save_question="Warning: The current configuration will be written to the device. "
                  "Continue? [Y/N]:",
    save_done="Info: Save the configuration successfully.",
    enter_config_banner="Enter system view, return user view with return command.",
    two_stage=True,
    route_table=r"display (ip|ipv6) routing-table(?: vpn-instance (\S+))? verbose",
)

#: CloudEngine switches: VRP8's CLI (two-stage commit), their own software version.
CE = replace(VRP8, name="huawei_ce", header=(
    "!Software Version V200R005C10SPC800", "!Last configuration was updated at {now}", "#"))

COMWARE = Dialect(
    name="h3c_comware", grammar=HUAWEI_GRAMMAR,
    exec_prompt="<{host}>", config_prompt="[{host}{view}]", view_suffix="-{}",
    enter_config="system-view", leave_config="return", up_one="quit",
    show_running="display current-configuration",
    paging=("screen-length disable",),
    reject="% Unrecognized command found at '^' position.",
    header=("#", " version 7.1.064, Release 0821P11", "#"),
    footer=("return",), separator="#", global_indent=" ",
    save=r"save(?: force)?", save_question="",
    save_done="Validating file. Please wait...\r\n"
              "Saved the current configuration to mainboard device successfully.",
    enter_config_banner="System View: return to User View with Ctrl+Z.",
    route_table=r"display (ip|ipv6) routing-table(?: vpn-instance (\S+))?",
)

IOS = Dialect(
    name="cisco_ios", grammar=IOS_GRAMMAR,
    exec_prompt="{host}#", config_prompt="{host}(config{view})#", view_suffix="-{}",
    enter_config="configure terminal", leave_config="end", up_one="exit",
    show_running="show running-config",
    paging=("terminal length 0", "terminal width 511"),
    reject="% Invalid input detected at '^' marker.",
    header=("Building configuration...", "", "Current configuration : {size} bytes", "!",
            "! Last configuration change at {now}", "!", "version 15.9", "!"),
    footer=("end",), separator="!", global_indent="",
    save=r"write(?: mem(?:ory)?)?|copy running-config startup-config", save_question="",
    save_done="Building configuration...\r\n[OK]",
    enter_config_banner="Enter configuration commands, one per line.  End with CNTL/Z.",
    user_prompt="{host}>",
    route_table=r"show (ip|ipv6) route(?: vrf (\S+))?",
)

RUIJIE = Dialect(
    name="ruijie_os", grammar=IOS_GRAMMAR,
    exec_prompt="{host}#", config_prompt="{host}(config{view})#", view_suffix="-{}",
    enter_config="configure terminal", leave_config="end", up_one="exit",
    show_running="show running-config",
    paging=("terminal length 0", "terminal width 256"),
    reject="% Invalid input detected at '^' marker.",
    header=("Building configuration...", "Current configuration : {size} bytes", "",
            "version RGOS 11.4(1)B12P8", "!"),
    footer=("end",), separator="!", global_indent="",
    save=r"write(?: memory)?", save_question="",
    save_done="Building configuration...\r\n[OK]",
    enter_config_banner="Enter configuration commands, one per line.  End with CNTL/Z.",
    user_prompt="{host}>",
)

DIALECTS = {d.name: d for d in (VRP5, VRP8, CE, COMWARE, IOS, RUIJIE)}

#: Labels of section views in prompts ("[R1-GigabitEthernet0/0/1.100]", "(config-if)").
VIEW_LABELS: dict[str, tuple[tuple[str, str], ...]] = {
    "huawei": ((r"interface (\S+)", "{0}"), (r"acl (?:number )?(\d+)", "acl-adv-{0}"),
               (r"acl advanced (\d+)", "acl-ipv4-adv-{0}"),
               (r"ip vpn-instance (\S+)", "vpn-instance-{0}"),
               (r"ipv4-family", "af-ipv4"), (r"ipv6-family", "af-ipv6"), (r"(\S+)", "{0}")),
    "ios": ((r"interface ", "if"), (r"ip access-list extended ", "ext-nacl"),
            (r"ipv6 access-list ", "ipv6-acl"), (r"vrf definition ", "vrf"),
            (r"address-family ", "vrf-af"), (r"(\S+)", "{0}")),
}
