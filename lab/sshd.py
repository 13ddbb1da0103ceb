"""One sshd per router namespace whose logins land in that router's vtysh.

The lab user ``govlab`` (group ``frrvty``, which vtysh needs to reach the daemons)
gets its password from ``GOVNET_LAB_PASSWORD`` (required: ``lab up`` refuses to start
without it): the same variable the inventory credential reference
``govlab@env:GOVNET_LAB_PASSWORD`` names, so provisioning finds the password the lab
was built with. Each sshd listens only on its router's management address.
"""

from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

from govnet.errors import DeviceError, InvalidInput
from lab.frr import paths, read_pid_file, vtysh_argv
from lab.netns import sh
from lab.topology import LAB_USER, Node

SSHD = Path("/usr/sbin/sshd")
PASSWORD_ENV = "GOVNET_LAB_PASSWORD"


def lab_password() -> str:
    """The lab user's password, ``$GOVNET_LAB_PASSWORD``; InvalidInput (exit 2) when unset."""
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        raise InvalidInput(f"{PASSWORD_ENV} is not set: export {PASSWORD_ENV}=<a password> "
                           "first (the lab user's password; govnet's credential reference "
                           f"govlab@env:{PASSWORD_ENV} reads it when it provisions)")
    return password


def ensure_user() -> bool:
    """Create the lab user if missing and set its password; True when it was created here."""
    created = False
    try:
        pwd.getpwnam(LAB_USER)
    except KeyError:
        sh(["useradd", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/bin/sh",
            "--groups", "frrvty", "--comment", "govnet lab (vtysh only)", LAB_USER])
        created = True
    sh(["usermod", "-aG", "frrvty", LAB_USER])
    sh(["chpasswd"], stdin=f"{LAB_USER}:{lab_password()}\n")
    return created


def remove_user() -> None:
    sh(["userdel", LAB_USER], check=False)


def ensure_rundir() -> bool:
    """sshd refuses to start without ``/run/sshd``; True when it was created here."""
    run = Path("/run/sshd")
    if run.exists():
        return False
    run.mkdir(mode=0o755)
    return True


def render_config(node: Node) -> str:
    """sshd_config: one listen address, password login, ForceCommand into vtysh."""
    p = paths(node)
    return "\n".join([
        f"ListenAddress {node.mgmt_ip}:22",
        f"HostKey {p['base'] / 'ssh_host_ed25519_key'}",
        f"PidFile {p['base'] / 'sshd.pid'}",
        "PasswordAuthentication yes",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication no",
        "UsePAM no",
        "PermitRootLogin no",
        f"AllowUsers {LAB_USER}",
        "UseDNS no",
        "MaxStartups 64",
        "LoginGraceTime 15",
        "AllowTcpForwarding no",
        "X11Forwarding no",
        "PrintMotd no",
        "PrintLastLog no",
        "Subsystem sftp internal-sftp",
        f"Match User {LAB_USER}",
        f"    ForceCommand exec {' '.join(vtysh_argv(node))}",
        "",
    ])


def start(node: Node) -> int:
    """Generate a host key, write the config, start sshd in the namespace; return its PID."""
    p = paths(node)
    key = p["base"] / "ssh_host_ed25519_key"
    if not key.exists():
        sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"govlab-{node.name}",
            "-f", str(key)])
    conf = p["base"] / "sshd_config"
    conf.write_text(render_config(node))
    pidfile = p["base"] / "sshd.pid"
    pidfile.unlink(missing_ok=True)
    proc = subprocess.run(["ip", "netns", "exec", node.netns, str(SSHD), "-f", str(conf),
                           "-E", str(p["log"] / "sshd.log")],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise DeviceError(f"lab: sshd failed on {node.name}: {proc.stderr.strip() or proc.stdout}")
    return read_pid_file(pidfile, f"sshd on {node.name}")
