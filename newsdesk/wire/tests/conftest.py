"""Agency documents for the wire tests (the newsroom's people, `editor`, `reporter` and
`editor_client`, come from newsdesk/conftest.py)."""

import json


def ninjs(uri="urn:tass:kremlin-1", version="1", **fields):
    """A ninjs 1.x document as TASS might send it; `fields` change or add properties."""
    doc = {
        "uri": uri, "version": version, "pubstatus": "usable", "type": "text", "language": "en", "urgency": 3,
        "headline": "Kremlin says talks will go on", "copyrightholder": "TASS", "byline": "Ivan Petrov",
        "located": "MOSCOW", "body_html": "<p>Dmitry Peskov said the talks would go on next week.</p>",
        "subject": [{"code": "medtop:11000000", "name": "politics"}],
    }
    doc.update(fields)
    return {k: v for k, v in doc.items() if v is not None}


def drop(folder, name, doc):
    path = folder / name
    path.write_text(json.dumps(doc) if isinstance(doc, dict) else doc, encoding="utf-8")
    return path
