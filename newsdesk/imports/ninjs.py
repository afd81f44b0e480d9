"""IPTC ninjs JSON documents, versions 1.x, 2.x and 3.x."""

from .services import ImportFailed


def parse_ninjs(path, raw):
    raise ImportFailed(path, None, "ninjs import is not available yet")
