"""How rule scripts start: log to the rule's log file and turn bad input into one clear message."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from runrisk.errors import InputError, StudyError


def run(main: Callable[[], None], log_path: str | None) -> None:
    """Run a rule's main: everything it says goes to the rule's log; the terminal gets only warnings and
    errors (a run of 45 jobs would otherwise bury the one line that matters)."""
    terminal = logging.StreamHandler(sys.stderr)
    handlers: list[logging.Handler] = [terminal]
    if log_path:
        terminal.setLevel(logging.WARNING)
        handlers.append(logging.FileHandler(log_path, mode="w"))
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", handlers=handlers, force=True)
    try:
        main()
    except InputError as exc:
        logging.getLogger("runrisk").error("bad input: %s", exc)
        sys.exit(1)
    except StudyError as exc:
        logging.getLogger("runrisk").error("%s", exc)
        sys.exit(1)
