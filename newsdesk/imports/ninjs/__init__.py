"""IPTC ninjs, in and out: reading wire documents into stories (reading.py) and writing
published stories as ninjs 2.1 (export.py), beside the official schemas both follow."""

from .export import published_story, story_to_ninjs  # noqa: F401
from .reading import parse_ninjs  # noqa: F401
