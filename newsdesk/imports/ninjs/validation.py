"""Holding a ninjs document to IPTC's schema of the version it declares, exactly as IPTC
publishes it (schemas/, MIT licensed by IPTC, with the GeoJSON schema that 2.x and 3.x
refer to, so that nothing is ever fetched).

A document declares its version in `$standard.version` (1.x), `standard.version` (2.x, 3.x)
or the schema named in `$schema`; one that declares none is valid when one of the official
schemas accepts it. As in IPTC's own validation suite, `format` is not asserted: a
`versioncreated` of "Last Tuesday" is valid ninjs 1.0 (the reader notes that it is no date).

Leniency (for a channel that accepts what a named agency adds of its own) checks the
same schema without its bans on unknown properties: everything ninjs defines is still checked.

The validators are imported when first used: a serving process that never reads ninjs
(most of them) does not carry them.
"""

import functools
import json
import re
from pathlib import Path

from ..items import version_key

SCHEMAS = Path(__file__).with_name("schemas")
VERSIONS = sorted((p.stem.split("_")[1] for p in SCHEMAS.glob("ninjs-schema_*.json")), key=version_key)
LATEST = {v.split(".")[0]: v for v in VERSIONS}  # sorted, so each major's newest minor wins
GEOJSON = "https://geojson.org/schema/GeoJSON.json"
UNKNOWN_BANS = {"additionalProperties", "unevaluatedProperties"}
TYPE_NAMES = {"string": "a string", "integer": "a whole number", "number": "a number", "boolean": "true or false",
              "array": "a list (JSON array)", "object": "an object (JSON {...})", "null": "null"}
_VERSION = re.compile(r"^\s*v?(\d+)\.(\d+)")
_VERSION_IN_URL = re.compile(r"ninjs-schema_(\d+\.\d+)")
_UNEXPECTED = re.compile(r"\((.*) (?:was|were) unexpected\)")
# Properties only 3.x has, and those only 1.x has: a hint of which schema to try first.
V3_ONLY = {"versionCreated", "firstCreated", "contentCreated", "embargoedUntil", "pubStatus", "copyrightHolder",
           "infoSources", "contentType", "altIds", "edNote", "usageTerms", "rightsInfo", "representationType"}
V1_ONLY = {"$standard", "headline", "byline", "subject", "person", "organisation", "place", "infosource", "mimetype",
           "event", "object"}


class Invalid(Exception):
    """A document that breaks the rules: the path of the field at fault, and why."""

    def __init__(self, path, reason):
        super().__init__(reason)
        self.path, self.reason = list(path), reason

    @property
    def field(self):
        return field_name(self.path)


@functools.cache
def _geojson():
    return json.loads((SCHEMAS / "GeoJSON-schema.json").read_text(encoding="utf-8"))


@functools.cache
def _registry():
    from referencing import Registry, Resource

    return Registry().with_resource(GEOJSON, Resource.from_contents(_geojson()))


def _offline(uri):
    if uri.rstrip("#") == GEOJSON:
        return _geojson()
    raise ValueError(f"{uri} is not fetched: ninjs schemas are validated offline")


@functools.cache
def _schema(version, lenient):
    schema = json.loads((SCHEMAS / f"ninjs-schema_{version}.json").read_text(encoding="utf-8"))
    return _without_bans(schema) if lenient else schema


@functools.cache
def _validator(version, lenient=False):
    """Compiled once per version: the one whose errors name the field and the rule."""
    from jsonschema.validators import validator_for

    schema = _schema(version, lenient)
    return validator_for(schema)(schema, registry=_registry())  # no format checker: IPTC asserts none


@functools.cache
def _fast_validator(version, lenient=False):
    """The compiled (Rust) validator answers valid-or-not in microseconds; it reads no
    draft-03 (ninjs 1.0), which the other one checks alone."""
    import jsonschema_rs

    schema = _schema(version, lenient)
    if "draft-03" in schema.get("$schema", ""):
        return None
    return jsonschema_rs.validator_for(schema, retriever=_offline, validate_formats=False)


def _without_bans(node):
    """The schema without its bans on unknown properties; the types of the properties ninjs
    defines are still checked."""
    if isinstance(node, dict):
        return {k: _without_bans(v) for k, v in node.items() if not (k in UNKNOWN_BANS and v is False)}
    return [_without_bans(v) for v in node] if isinstance(node, list) else node


def is_valid(data, version, lenient=False):
    """The compiled validator's yes is final; a document it doubts (a number too large for
    it, say) is walked again by `jsonschema`, whose answer decides."""
    fast = _fast_validator(version, lenient)
    if fast is not None and fast.is_valid(data):
        return True
    return next(_validator(version, lenient).iter_errors(data), None) is None


def declared_version(data):
    """(the version the document declares, or None; a note when it is checked against another).
    Raises Invalid for a version that is no ninjs Newsdesk knows."""
    for key in ("$standard", "standard"):
        std = data.get(key)
        if isinstance(std, dict) and isinstance(std.get("version"), str):
            return _known(std["version"], f"{key}.version")
    if isinstance(data.get("$schema"), str):
        match = _VERSION_IN_URL.search(data["$schema"])
        return _known(match[1] if match else data["$schema"], "$schema")
    return None, ""


def _known(declared, field):
    match = _VERSION.match(declared)
    version = f"{match[1]}.{match[2]}" if match else None
    if version in VERSIONS:
        return version, ""
    if version and match[1] in LATEST and version_key(version) > version_key(LATEST[match[1]]):
        newest = LATEST[match[1]]  # a minor newer than ours: its major's newest schema, said so
        return newest, f"declares ninjs {declared.strip()}, checked against {newest}, the newest Newsdesk has"
    raise Invalid([field.split(".")[0]], f'field "{field}": unknown ninjs version "{declared.strip()}" '
                                         f"(Newsdesk reads {', '.join(VERSIONS)})")


def _shape(data):
    """The version a document that declares none most looks like, tried first."""
    if V3_ONLY & data.keys():
        return LATEST["3"]
    if V1_ONLY & data.keys() or any(k.startswith(("body_", "description_", "headline_")) for k in data):
        return LATEST["1"]
    return LATEST["2"]


def check(data, *, lenient=False):
    """(version, notes) of a valid document: the version it declares, else the first official
    schema that accepts it. With `lenient`, unknown properties are let through and noted as
    "does not conform: ...". Raises Invalid naming the field and the rule."""
    declared, note = declared_version(data)
    notes = [note] if note else []
    if declared is not None:
        candidates = [declared]
    else:
        first = _shape(data)
        candidates = [first] + [v for v in reversed(VERSIONS) if v != first]
    for version in candidates:
        if is_valid(data, version):
            return version, notes
    version = candidates[0]
    if lenient and is_valid(data, version, lenient=True):
        unknown = sorted(_unknown_properties(data, version))
        shown = ", ".join(f'"{name}"' for name in unknown[:8]) + (", ..." if len(unknown) > 8 else "")
        return version, notes + [f"does not conform: ninjs {version} has no propert{'y' if len(unknown) == 1 else 'ies'} "
                                 f"{shown}; accepted as the agency's own"]
    from jsonschema.exceptions import best_match

    if lenient:
        error = best_match(_validator(version, lenient=True).iter_errors(data))
    else:
        error = best_match(_validator(version).iter_errors(data))
    invalid = schema_error(error, version)
    if declared is None:
        invalid.reason += "; no ninjs schema accepts it"
    raise invalid


def _unknown_properties(data, version):
    names = set()
    for error in _validator(version).iter_errors(data):
        for err in [error, *(error.context or [])]:
            if err.validator in UNKNOWN_BANS:
                names.update(field_name([*err.absolute_path, name]) for name in _unexpected(err))
    return names


def _unexpected(err):
    """The properties an additionalProperties or unevaluatedProperties error is about."""
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        known, patterns = err.schema.get("properties", {}), err.schema.get("patternProperties", {})
        return [k for k in err.instance if k not in known and not any(re.search(p, k) for p in patterns)]
    match = _UNEXPECTED.search(err.message)
    return [n.strip().strip("'\"") for n in match[1].split(", ")] if match else []


def schema_error(err, version):
    path = list(err.absolute_path)
    if err.validator == "required":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [path.pop()]  # draft 3
        missing = next((k for k in wanted if k not in err.instance), wanted[0])
        return Invalid(path + [missing], f'field "{field_name(path + [missing])}" is required (ninjs {version})')
    if err.validator in UNKNOWN_BANS and _unexpected(err):
        name = _unexpected(err)[0]
        return Invalid(path + [name], f'field "{field_name(path + [name])}": ninjs {version} has no such property '
                                      "(an agency's own is accepted with --lenient or from a lenient channel)")
    where = f'field "{field_name(path)}"' if path else "the document"
    if err.validator == "type":
        types = [err.validator_value] if isinstance(err.validator_value, str) else err.validator_value
        expected = " or ".join(TYPE_NAMES.get(t, str(t)) for t in types)
        return Invalid(path, f"{where}: expected {expected}, got {show(err.instance)} (ninjs {version})")
    if err.validator == "enum":
        expected = ", ".join(map(str, err.validator_value))
        return Invalid(path, f"{where}: expected one of {expected}, got {show(err.instance)} (ninjs {version})")
    if err.validator in ("minimum", "maximum"):
        return Invalid(path, f"{where}: {err.message} (ninjs {version})")
    return Invalid(path, f"{where}: {err.message} (ninjs {version}, rule {err.validator})")


def show(value):
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def field_name(path):
    """["headlines", 0, "value"] -> headlines[0].value"""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")
