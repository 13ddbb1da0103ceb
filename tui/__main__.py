"""``python -m tui [--as NAME]``: open the TUI (same as ``govnet tui``)."""

from __future__ import annotations

import sys

from govnet.errors import GovnetError
from govnet.settings import settings


def main(argv: list[str]) -> int:
    name = argv[argv.index("--as") + 1] if "--as" in argv[:-1] else settings().user
    from tui.app import run

    try:
        return run(name)
    except GovnetError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
