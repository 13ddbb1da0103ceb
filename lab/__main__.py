"""``python -m lab …``: the lab CLI on its own (the same app ``govnet lab`` mounts)."""

from __future__ import annotations

import sys

import typer

from govnet.errors import GovnetError
from lab.cli import app


def main(argv: list[str] | None = None) -> int:
    """Run the lab CLI: one ``error:`` line and the error's exit code, never a traceback."""
    try:
        rv = app(args=argv, standalone_mode=False, prog_name="govnet lab")
    except GovnetError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except typer.TyperException as exc:  # usage errors (typer's bundled click)
        print(f"error: {exc.format_message()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":
    sys.exit(main())
