"""The nginx site config (deploy/nginx.conf) with a site's values filled in."""

import re
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf")  # a link to deploy/nginx.conf, packaged as a copy
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
# Each value goes into the config as one or more bare words: nothing nginx would read as syntax.
WORDS = re.compile(r"[^\s;{}\"'#\\$]+( [^\s;{}\"'#\\$]+)*")
SECRET = re.compile(r"[A-Za-z0-9_-]{16,}")


def render_nginx_config(**values):
    """The template with each {{NAME}} replaced (comment lines are left as they are, so they can
    name the placeholders); ValueError for a missing or unsafe value."""
    lines = TEMPLATE.read_text().splitlines(keepends=True)
    used = {name for line in lines if not is_comment(line) for name in PLACEHOLDER.findall(line)}
    for name in sorted(used):
        value = values.get(name)
        if not value:
            raise ValueError(f"no value for {{{{{name}}}}}")
        if name == "PURGE_SECRET" and not SECRET.fullmatch(value):
            raise ValueError("PURGE_SECRET must be letters, digits, - and _ only (it goes into a regex)")
        if not WORDS.fullmatch(value) or (" " in value and name != "SERVER_NAME"):
            raise ValueError(f"{name} {value!r} cannot go into an nginx config (spaces, quotes, ; {{ }} # $ or \\)")
    return "".join(
        line if is_comment(line) else PLACEHOLDER.sub(lambda match: values[match.group(1)], line) for line in lines
    )


def body_limits():
    """The app's request body limits, for nginx to refuse the same bodies (see pictures/uploads.py)."""
    from django.conf import settings

    return {"REQUEST_MAX_BYTES": str(settings.REQUEST_MAX_BYTES),
            "PICTURE_UPLOAD_MAX_BYTES": str(settings.PICTURE_UPLOAD_MAX_BYTES),
            "PICTURE_MAX_SIZE": f"{round(settings.PICTURE_MAX_BYTES / 1024 / 1024, 1):g}MB"}


def is_comment(line):
    return line.lstrip().startswith("#")
