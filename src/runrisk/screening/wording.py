"""Numbers as the pages' languages write them (a light module: the squad pages use it without the
screening's model and measuring code)."""

from __future__ import annotations


def number(value: float, lang: str, digits: int = 1) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "nl" else text
