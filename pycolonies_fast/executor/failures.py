"""What a failure report says: an error's summary and traceback, safe for any exception and capped.

User code can raise anything: an exception whose ``__str__`` raises (even ``SystemExit``), or one
whose message is megabytes long. The runner must still fail the process with a reason and go on,
so formatting never raises, and each error string sent to the server is at most
``MAX_ERROR_CHARS`` characters (the middle of a longer one is cut, saying how much).
"""

from __future__ import annotations

import traceback

__all__ = ["BROKEN_STR", "MAX_ERROR_CHARS", "SHORT_REPORT_CHARS", "capped", "describe", "safe_str", "short_report"]

#: The longest error string a runner sends with a fail; longer ones lose their middle.
MAX_ERROR_CHARS = 16_384
#: A failure report longer than this that the server (or a proxy) refuses is sent again at once
#: in short (``short_report``): a process never stays RUNNING because its report was too big.
SHORT_REPORT_CHARS = 1024
#: What stands for the message of an exception whose ``str()`` raised.
BROKEN_STR = "<its str() failed>"


def capped(text: str) -> str:
    """``text``, or its start and end with the middle cut out when it is longer than ``MAX_ERROR_CHARS``."""
    if len(text) <= MAX_ERROR_CHARS:
        return text
    cut = len(text) - MAX_ERROR_CHARS
    while True:  # the marker's own length depends on the number it shows
        marker = f"\n[... {cut:,} characters cut ...]\n"
        if len(text) - (MAX_ERROR_CHARS - len(marker)) == cut:
            break
        cut = len(text) - (MAX_ERROR_CHARS - len(marker))
    keep = MAX_ERROR_CHARS - len(marker)
    head = keep * 3 // 4
    return text[:head] + marker + text[len(text) - (keep - head):]


def safe_str(exc: BaseException) -> str:
    """``str(exc)``, or a note when that raises (anything, ``SystemExit`` included)."""
    try:
        return str(exc)
    except BaseException:  # noqa: BLE001 - a broken __str__ must not lose the failure, nor stop the run
        return BROKEN_STR


def describe(exc: BaseException) -> tuple[str, str]:
    """``("Type: message", traceback text)`` of ``exc``, each capped; never raises."""
    summary = capped(f"{type(exc).__name__}: {safe_str(exc)}")
    try:
        text = "".join(traceback.format_exception(exc)).rstrip()
    except BaseException:  # noqa: BLE001 - traceback calls str() too, and passes on what is not an Exception
        try:
            text = "Traceback (most recent call last):\n" + "".join(traceback.format_tb(exc.__traceback__)) + summary
        except BaseException:  # noqa: BLE001 - nothing more can be said
            text = summary
    return summary, capped(text)


def short_report(errors: list[str], refusal: BaseException) -> list[str]:
    """The errors of a refused failure report, shortened: the start of the first, and why."""
    size = sum(len(error) for error in errors)
    first = errors[0][:400] if errors else ""
    why = capped(f"(the full error report, {size:,} characters, was refused: {safe_str(refusal)})")[:500]
    return [first, why]
