"""One CLI session on a simulated device (test double): modes, prompts, commands.

``feed(line)`` takes one typed line and returns what the device prints before
its next prompt; ``prompt()`` is that prompt. Questions (``[Y/N]``) set
``pending``: the next line is the answer. Commands are dispatched through
regex tables, one per mode, so a dialect's commands are data, not branches.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import outputs, routes
from .config import ConfigTree
from .device import SimDevice
from .dialects import VIEW_LABELS

CRLF = "\r\n"
_YNC = ("Warning: Uncommitted configurations found. Are you sure to commit them before "
        "exiting? [Y(yes)/N(no)/C(cancel)]:")


def _show(render: Callable[[SimDevice], str]) -> Callable[[CliSession], str]:
    return lambda session: render(session.dev)


class CliSession:
    """The state of one logged-in user: mode, view, candidate config, question."""

    def __init__(self, device: SimDevice) -> None:
        self.dev = device
        self.d = device.dialect
        self.mode = "exec" if device.privileged or not self.d.user_prompt else "user"
        self.hide_input = False  # answering a password question: no echo, not logged
        self.view: list[str] = []
        self.candidate: ConfigTree | None = None
        self.pending: Callable[[str], str] | None = None
        self.closed = False
        self.cut = False  # a line cut the management path: drop the connection

    # -- prompt --------------------------------------------------------------
    def prompt(self) -> str:
        if self.mode == "user":
            return self.d.user_prompt.format(host=self.dev.hostname)
        if self.mode == "exec":
            return self.d.exec_prompt.format(host=self.dev.hostname)
        labels = VIEW_LABELS[self.dev.family]
        view = ""
        for text in self.view:
            for pattern, label in labels:
                m = re.match(pattern, text)
                if m:
                    view += self.d.view_suffix.format(label.format(*m.groups()))
                    break
        mark = "*" if self.uncommitted() else "~"
        return self.d.config_prompt.format(host=self.dev.hostname, view=view, mark=mark)

    def uncommitted(self) -> bool:
        return self.candidate is not None and self.candidate != self.dev.running

    # -- input ---------------------------------------------------------------
    def feed(self, line: str) -> str:
        self.dev.log.append("***" if self.hide_input else line)
        if self.pending is not None:
            answer, self.pending, secret = self.pending, None, self.hide_input
            self.hide_input = False
            return answer(line if secret else line.strip().lower())
        text = line.strip()
        if not text:
            return ""
        with self.dev.lock:
            if self.mode == "exec" and self.dev.unknown_commands \
                    and re.search(self.dev.unknown_commands, text):
                return self.reject(text)
            table = {"user": self.USER, "exec": self.EXEC, "config": self.CONFIG}[self.mode]
            for pattern, method in table:
                m = re.fullmatch(pattern.format(d=self.d), text)
                if m:
                    return method(self, *m.groups())
            if self.mode == "config" and not re.search(self.dev.bad_pattern, text):
                tree = self.candidate if self.d.two_stage else self.dev.running.copy()
                assert tree is not None
                self.view = tree.edit(self.view, text)
                if not self.d.two_stage:
                    self.dev.set_running(tree)
                if self.dev.cut_pattern and re.search(self.dev.cut_pattern, text):
                    self.cut = True
                return ""
            return self.reject(text)

    def reject(self, text: str) -> str:
        bad = re.search(r"bogus", text)
        column = len(self.prompt()) + (bad.start() if bad else 0)
        return " " * column + "^" + CRLF + self.d.reject

    def ask(self, question: str, answer: Callable[[str], str], secret: bool = False) -> str:
        self.pending, self.hide_input = answer, secret
        return question

    def enable(self) -> str:
        def check(secret: str) -> str:
            if secret == (self.dev.enable_secret or self.dev.password):
                self.mode = "exec"
                return ""
            return "% Access denied"
        return self.ask("Password: ", check, secret=True)

    # -- exec mode -----------------------------------------------------------
    def enter_config(self) -> str:
        self.mode, self.view = "config", []
        if self.d.two_stage:
            self.candidate = self.dev.running.copy()
        return self.d.enter_config_banner

    def leave_config(self) -> str:
        if self.uncommitted():
            return self.ask(_YNC, self._answer_ync)
        self.mode, self.view, self.candidate = "exec", [], None
        return ""

    def _answer_ync(self, answer: str) -> str:
        if answer.startswith("c"):
            return ""
        if answer.startswith("y"):
            self.commit()
        self.mode, self.view, self.candidate = "exec", [], None
        return ""

    def up_one(self) -> str:
        if self.view:
            self.view = self.view[:-1]
            return ""
        return self.leave_config()

    def quit_session(self) -> str:
        self.closed = True
        return ""

    def show_running(self) -> str:
        return self.dev.running_config()

    def save(self) -> str:
        def do_save(answer: str = "y") -> str:
            if not answer.startswith("y"):
                return ""
            self.dev.saved = self.dev.running.copy()
            return self.d.save_done

        def slave_too(answer: str) -> str:
            if not answer.startswith("y"):
                return ""
            return self.ask("Warning: The configuration will also be saved to the slave "
                            "board. Continue? [Y/N]:", do_save)
        if self.d.save_question:
            return self.ask(self.d.save_question, slave_too if self.dev.dual_mpu else do_save)
        return do_save()

    def silent(self, *_: str) -> str:
        return ""

    # -- VRP8: two-stage configuration -----------------------------------------
    def commit(self) -> str:
        if not self.d.two_stage:
            return self.reject("commit")
        if self.uncommitted():
            assert self.candidate is not None
            old = self.dev.running.sections()
            changed = [sec for sec in self.candidate.sections() if sec not in old]
            if any(re.search(self.dev.commit_conflict, x) for sec in changed for x in sec):
                return ("Error: The address conflicts with the address of another "
                        "interface.\r\nCommit failed.")
            self.dev.set_running(self.candidate)
            self.dev.record_commit()
        return ""

    def clear_candidate(self) -> str:
        self.candidate = self.dev.running.copy()
        self.view = []
        return ""

    def rollback_commit(self, commit_id: str) -> str:
        trees = dict(self.dev.commits)
        if commit_id not in trees:
            return "Error: The specified commit ID does not exist."
        self.dev.set_running(trees[commit_id])
        self.dev.record_commit()
        return CRLF.join(["Check configuration.....done.", "Rollback configuration.....done.",
                          "Info: The configuration rollback has been performed successfully."])

    # -- Comware: archive, replace, commit delay --------------------------------
    def _archive_setting(self) -> tuple[str, str] | None:
        for node in self.dev.running.root.children:
            m = re.fullmatch(r"archive configuration location (\S+) filename-prefix (\S+)",
                             node.text)
            if m:
                return m.group(1), m.group(2)
        return None

    def display_archive(self) -> str:
        setting = self._archive_setting()
        if setting is None:
            return "Location: Not configured"
        return outputs.archive_listing(self.dev, *setting)

    def archive_now(self) -> str:
        setting = self._archive_setting()
        if setting is None:
            return "Error: The archive path and file name prefix are not specified."
        location, prefix = setting
        count = sum(1 for n in self.dev.files if n.startswith(f"{location}/{prefix}_"))
        name = f"{location}/{prefix}_{count + 1}.cfg"

        def archive(answer: str) -> str:
            if not answer.startswith("y"):
                return ""
            self.dev.files[name] = self.dev.running.copy()
            return f"The running configuration is saved to the archive file {name}."
        return self.ask("Save the running configuration to an archive file. "
                        "Continue? [Y/N]:", archive)

    def replace_from_file(self, name: str) -> str:
        if name not in self.dev.files:
            return f"Error: File {name} does not exist."

        def replace(_answer: str) -> str:
            self.dev.set_running(self.dev.files[name])
            self.view = []
            return (f"Now replacing the current configuration. Please wait...{CRLF}"
                    f"Succeeded in replacing current configuration with the file {name}.")
        return self.ask("Current configuration will be lost, save current configuration? "
                        "[Y/N]:", replace)

    def commit_delay(self, minutes: str) -> str:
        self.dev.commit_delay_snapshot = self.dev.running.copy()
        return f"Info: Please confirm the configuration within {minutes} minutes."

    def commit_confirm(self) -> str:
        self.dev.commit_delay_snapshot = None
        return ""

    # -- IOS: flash files and configure replace ---------------------------------
    def copy_running(self, name: str) -> str:
        def copy(answer: str) -> str:
            self.dev.files[answer or name] = self.dev.running.copy()
            return f"{len(self.dev.running_config())} bytes copied in 0.012 secs"
        return self.ask(f"Destination filename [{name.split(':', 1)[1]}]? ", copy)

    def configure_replace(self, name: str) -> str:
        if name not in self.dev.files:
            return f"%Error opening {name} (No such file or directory)"
        self.dev.set_running(self.dev.files[name])
        return CRLF.join(["!Pass 1", "", "!List of Commands:", "end", "",
                          "Total number of passes: 1", "Rollback Done"])

    def delete_file(self, name: str) -> str:
        return "" if self.dev.files.pop(name, None) else f"%Error deleting {name} (No such file)"

    USER: list[tuple[str, Callable[..., str]]] = [
        (r"enable", enable),
        (r"terminal (?:length|width) \d+", silent),
        (r"quit|exit|logout", quit_session),
        (r"show version", _show(outputs.ios_version)),
    ]
    EXEC: list[tuple[str, Callable[..., str]]] = [
        (r"{d.enter_config}", enter_config),
        (r"(?:screen-length 0 temporary|screen-length disable|terminal (?:length|width) \d+)",
         silent),
        (r"{d.show_running}", show_running),
        (r"{d.save}", save),
        (r"quit|exit|logout", quit_session),
        (r"display version", _show(outputs.huawei_version)),
        (r"show version", _show(outputs.ios_version)),
        (r"show hosts", _show(outputs.ios_hosts)),
        (r"show ip interface brief", _show(outputs.ip_interface_brief)),
        (r"show interfaces", _show(outputs.ios_interfaces)),
        (r"display configuration commit list", _show(outputs.commit_list)),
        (r"display interface brief", _show(outputs.interface_brief)),
        (r"{d.route_table}", lambda self, ip, vrf: routes.render(self.dev, ip, vrf)),
        (r"rollback configuration to commit-id (\d+)", rollback_commit),
        (r"display archive configuration", display_archive),
        (r"archive configuration", archive_now),
        (r"mkdir (\S+)", lambda self, path: f"Creating directory {path}... Done."),
        (r"copy running-config (flash:\S+)", copy_running),
        (r"configure replace (flash:\S+) list force", configure_replace),
        (r"delete /force (flash:\S+)", delete_file),
    ]
    CONFIG: list[tuple[str, Callable[..., str]]] = [
        (r"{d.leave_config}", leave_config),
        (r"{d.up_one}", up_one),
        (r"display current-configuration|do show running-config", show_running),
        (r"commit", commit),
        (r"clear configuration candidate", clear_candidate),
        (r"configuration commit delay (\d+)", commit_delay),
        (r"configuration commit", commit_confirm),
        (r"configuration replace file (\S+)", replace_from_file),
    ]

