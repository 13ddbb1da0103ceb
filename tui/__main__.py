"""``python -m tui [--as NAME]``: open the TUI (same as ``govnet tui``)."""

from __future__ import annotations

import sys

from govnet.console import actor_name, state
from govnet.errors import GovnetError


def main(argv: list[str]) -> int:
    from tui.app import run

    state.acting_as = argv[argv.index("--as") + 1] if "--as" in argv[:-1] else None
    try:
        return run(actor_name())
    except GovnetError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
