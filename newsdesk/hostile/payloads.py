"""The hostile-input corpus: naughty strings, XSS and SQL-injection payloads from public lists
(corpus/NOTICE.md names each source and its licence), read once, deduplicated.

`collected()` is the lists as published; `everything()` adds two kinds of variants made here:
each XSS payload calling the marker function instead of alert/confirm/prompt (a browser test
sees the marker run, whatever a page does with dialogs), and each XSS payload after the
strings that close the usual contexts (`">`, `</textarea>`, `-->`...), as a fuzzer would send it.
"""

import hashlib
import json
import re
from functools import cache
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
MARKER = "ndHostileRan"  # the function a marker variant calls; the browser tests define it

# Which list says what: XSS lists, SQL-injection lists; the naughty strings mix every kind.
XSS_FILES = ["XSS-BruteLogic.txt", "XSS-RSNAKE.txt", "XSS-Somdev.txt", "XSS-Bypass-Strings-BruteLogic.txt",
             "XSS_Polyglots.txt"]
SQLI_FILES = ["Generic-SQLi.txt", "quick-SQLi.txt", "sqli.auth.bypass.txt", "SQLi-Polyglots.txt",
              "sqlmap-boolean_blind-low.txt"]
BREAKOUTS = ['"', "'", '">', "'>", "</textarea>", "</title>", "-->", "</script>", "]]>"]
_CALL = re.compile(r"\b(alert|confirm|prompt)\b")


def _lines(name):
    text = (CORPUS / "seclists" / name).read_text(encoding="utf-8")
    return [line for line in text.split("\n") if line.strip()]


@cache
def _by_kind():
    naughty = [s for s in json.loads((CORPUS / "blns.json").read_text(encoding="utf-8")) if s.strip()]
    xss = [line for name in XSS_FILES for line in _lines(name)]
    sqli = [line for name in SQLI_FILES for line in _lines(name)]
    return {"naughty": _unique(naughty), "xss": _unique(xss), "sqli": _unique(sqli)}


def _unique(items):
    return list(dict.fromkeys(items))


def collected(kind=None):
    """The payloads as the lists have them (one kind, or all), each once, in the lists' order."""
    kinds = _by_kind()
    if kind is not None:
        return kinds[kind]
    return _unique([p for payloads in kinds.values() for p in payloads])


def script_like(payload):
    return "<" in payload or "javascript" in payload.lower() or _CALL.search(payload) is not None


@cache
def marker_variants():
    """Every collected payload that calls alert/confirm/prompt, calling the marker instead."""
    return _unique([_CALL.sub(MARKER, p) for p in collected() if _CALL.search(p)])


@cache
def breakout_variants():
    """Every payload that looks like markup or script, after each string that closes a context."""
    return _unique([prefix + p for p in collected() if script_like(p) for prefix in BREAKOUTS])


@cache
def everything():
    """The whole corpus: the lists, then the marker and breakout variants, each string once."""
    return tuple(_unique([*collected(), *marker_variants(), *breakout_variants()]))


def sample(payloads, size, salt=""):
    """A deterministic sample: the same `size` payloads on every run for the same salt, spread
    over the lists (chosen by hash, not by position). Kept in corpus order."""
    if size >= len(payloads):
        return list(payloads)
    key = lambda p: hashlib.sha1(f"{salt}\0{p}".encode("utf-8", "surrogatepass")).hexdigest()
    chosen = set(sorted(payloads, key=key)[:size])
    return [p for p in payloads if p in chosen]


def counts():
    """How many payloads each part of the corpus holds (for the figures and the NOTICE)."""
    return {
        "naughty_strings": len(collected("naughty")), "xss": len(collected("xss")), "sqli": len(collected("sqli")),
        "collected": len(collected()), "marker_variants": len(marker_variants()),
        "breakout_variants": len(breakout_variants()), "total": len(everything()),
    }
