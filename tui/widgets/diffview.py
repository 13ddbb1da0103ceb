"""A unified diff with its lines coloured: additions, removals, hunks, file headers."""

from __future__ import annotations

from rich.text import Text

STYLES = (("+++", "bold"), ("---", "bold"), ("@@", "cyan"), ("+", "green"), ("-", "red"))


def highlight_diff(diff: str) -> Text:
    text = Text()
    for line in diff.splitlines():
        style = next((s for prefix, s in STYLES if line.startswith(prefix)), "")
        text.append(line + "\n", style=style)
    return text
