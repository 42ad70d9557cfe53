"""How rule scripts start: log to the rule's log file and turn bad input into one clear message."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from runrisk.errors import InputError, StudyError


def run(main: Callable[[], None], log_path: str | None) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
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
