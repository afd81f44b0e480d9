"""Agency copy into the queue: each item read by the agency-formats reader is created, updated
(a newer version) or left unchanged (an older or equal one); what is not text is skipped and
what breaks its format is refused and kept, with its reason and text, for the channel's page."""

import logging
from dataclasses import dataclass

from django.db import DatabaseError, DataError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from newsdesk.imports.formats import Refused, Skipped, read_agency_bytes, read_agency_file
from newsdesk.imports.items import version_key
from newsdesk.live import events

from .models import RefusedDocument, WireItem, WireVersion, expiry

log = logging.getLogger(__name__)
STATUSES = frozenset(WireItem.Status.values)
BATCH = 200  # files written together (take_files), as a folder channel takes them

@dataclass
class Result:
    """What became of one item of a file, as `wire ingest --json` prints it."""

    file: str
    guid: str = ""
    version: str = ""
    headline: str = ""
    status: str = ""
    action: str = ""  # created, updated, unchanged, skipped or refused
    reason: str = ""
    item: WireItem | None = None

    def as_json(self):
        data = {name: getattr(self, name) for name in ("file", "guid", "version", "headline", "status", "action")}
        if self.action in ("skipped", "refused", "unchanged") and self.reason:
            data["reason"] = self.reason
        return data


def event_key(item_id):
    return f"wire:{item_id}"


def announce(item_id):
    """Tell open desks that this item is new or changed (over the same stream as the river)."""
    events.record("wire", keys={event_key(item_id)})


# The desk fetches the rows of one event's items at once, at most 50 of them (views.rows).
EVENT_ITEMS = 50


def announce_many(item_ids):
    """announce() for items written together: one record, an event for every EVENT_ITEMS."""
    item_ids = list(item_ids)
    events.record_many([("wire", None, None, {event_key(pk) for pk in item_ids[start:start + EVENT_ITEMS]})
                        for start in range(0, len(item_ids), EVENT_ITEMS)])


def read_file(path, *, channel=None, lenient=(), options=None):
    return read_agency_file(path, **(options or _options(channel, lenient)))


def read_bytes(name, raw, *, channel=None, lenient=()):
    return read_agency_bytes(name, raw, **_options(channel, lenient))


def _options(channel, lenient):
    agencies = tuple(lenient) + (channel.lenient if channel is not None else ())
    return {"channel_tz": channel.tzinfo if channel is not None else None, "lenient_agencies": agencies,
            "for_import": False}


def take_in(found, *, file, channel=None, raw_file=""):
    """The reader's items for one file into the queue: a Result for each."""
    return take_files([(file, found, raw_file)], channel=channel)[0]


def take_files(files, *, channel=None):
    """Several files' items into the queue together: for each (file, the reader's items,
    the file's text for a refusal), a Result for each item, as one file at a time would give.

    The new items (their guid, and AP itemid, neither in the queue nor earlier among these
    files) are written together (bulk.create: a few statements for them all); a newer or
    older version of an item, in the queue or earlier among these files, then goes the
    usual way (store), in the order received. Should the database refuse any of this, it
    is undone and each file is taken on its own, all or nothing: one the database refuses
    is refused, saying why, and the others go in."""
    from . import bulk

    if not files:
        return []
    if bulk.possible():
        try:
            with transaction.atomic():
                return _take_together(files, channel)
        except DatabaseError:
            log.warning("wire: a batch of %d files was refused together; taking them one by one", len(files),
                        exc_info=True)
    return [_take_alone(file, found, raw, channel) for file, found, raw in files]


def _take_together(files, channel):
    from . import bulk

    results = [[None] * len(found) for _, found, _ in files]
    refusals, fresh, rest = [], [], []
    in_queue = bulk.in_queue([entry for _, found, _ in files for entry in found if _is_item(entry)])
    seen = set()
    for n, (file, found, raw) in enumerate(files):
        for m, entry in enumerate(found):
            if _is_item(entry):
                ids = _ids(entry)
                (rest if ids & in_queue or ids & seen else fresh).append((n, m, entry))
                seen |= ids
            else:
                results[n][m] = _not_taken(entry, file, channel, raw, refusals)
    RefusedDocument.objects.bulk_create(refusals)
    created = bulk.create([(str(files[n][0]), data) for n, _, data in fresh], channel=channel)
    for (n, m, _), result in zip(fresh, created, strict=True):
        results[n][m] = result
    for n, m, data in rest:
        results[n][m] = store(data, file=str(files[n][0]), channel=channel)
    for file, found, _ in files:
        _note_envelope(file, found, channel)
    return results


def _take_alone(file, found, raw_file, channel):
    """One file's items, item by item, all or nothing (in a savepoint of its own): a file
    the database refuses (text it cannot hold, say) is refused whole, with the database's reason."""
    try:
        with transaction.atomic():
            refusals = []
            results = [store(entry, file=str(file), channel=channel) if _is_item(entry)
                       else _not_taken(entry, file, channel, raw_file, refusals) for entry in found]
            RefusedDocument.objects.bulk_create(refusals)
            _note_envelope(file, found, channel)
            return results
    except DataError as err:
        reason = f"{file}: the database refused it: {err}".strip().replace("\x00", "")
        raw = raw_file or "\n".join(entry.raw for entry in found if _is_item(entry))
        RefusedDocument.objects.create(channel=channel, file=str(file)[:500], reason=reason,
                                       raw=raw[:200_000].replace("\x00", ""))
        return [Result(str(file), guid=getattr(entry, "guid", ""), action="refused", reason=reason) for entry in found]


def words_of(data):
    """(the words the item is grouped on, their band keys or None), as grouping.place would
    work them out from the stored headline and body; kept on the item once worked out."""
    from . import grouping

    if getattr(data, "wire_words", None) is None:
        words = grouping.terms(data.headline[:500], data.clean_body())
        data.wire_words = (words, grouping.band_keys(words) if len(words) >= grouping.MIN_TERMS else None)
    return data.wire_words


def _is_item(entry):
    return not isinstance(entry, (Refused, Skipped))


def _ids(data):
    """What tells one item from another: its guid, and AP's itemid (as _find looks them up)."""
    itemid = data.alt_ids.get("itemid") if isinstance(data.alt_ids, dict) else None
    return {("guid", data.guid[:500])} | ({("itemid", str(itemid)[:200])} if itemid else set())


def _not_taken(entry, file, channel, raw_file, refusals):
    """The Result of a refused or skipped entry; a refusal joins `refusals` (RefusedDocuments to write)."""
    if isinstance(entry, Refused):
        reason = refusal_text(entry)
        refusals.append(RefusedDocument(channel=channel, file=str(file)[:500], reason=reason,
                                        raw=(getattr(entry, "raw", "") or raw_file)[:200_000]))
        return Result(str(file), guid=entry.guid, action="refused", reason=reason)
    return Result(str(file), guid=entry.guid, version=entry.version, headline=entry.headline,
                  action="skipped", reason=f"{entry.kind}: {entry.reason}")


def _note_envelope(file, found, channel):
    envelope = [note for entry in found if _is_item(entry) for note in entry.notes if "envelope" in note.lower()]
    if channel is not None and envelope:
        type(channel).objects.filter(pk=channel.pk).update(envelope_note=f"{file}: {envelope[0]}"[:2000])


def refusal_text(refused):
    where = [str(refused.file)]
    if refused.document and refused.documents > 1:
        where.append(f"document {refused.document}")
    if refused.line:
        where.append(f"line {refused.line}")
    text = ", ".join(where)
    if refused.field and refused.field not in refused.rule:
        text += f": {refused.field}"
    return f"{text}: {refused.rule}"


def _fields(data):
    subjects = [list(s) if isinstance(s, (list, tuple)) else [str(s), ""] for s in data.subjects]
    return {
        "alt_ids": data.alt_ids, "alt_id": str(data.alt_ids.get("itemid", ""))[:200],
        "agency": data.agency[:200], "format": data.format[:50], "version": data.version[:50],
        "status": data.pub_status if data.pub_status in STATUSES else WireItem.Status.USABLE,
        "embargoed": data.embargoed, "urgency": data.urgency, "subjects": subjects,
        "subject_text": " ".join(f"{code} {name}" for code, name in subjects).lower(),
        "people": list(data.people), "topics": list(data.topics),
        "language": data.language[:35], "headline": data.headline[:500], "slugline": data.slugline[:300],
        "byline": data.byline[:300], "dateline": data.dateline[:300], "body_html": data.clean_body(),
        "ed_note": data.ed_note, "notes": list(data.notes), "signals": list(data.signals),
        "version_created": data.updated_at or data.published_at or data.created_at,
    }


def _version(item, data, file):
    return WireVersion.objects.create(
        item=item, version=item.version, status=item.status, headline=item.headline, body_html=item.body_html,
        file=file[:500], raw=data.raw)


def _find(data):
    """The item this copy is a version of: by guid, else by AP's itemid (one query, both indexed)."""
    itemid = data.alt_ids.get("itemid") if isinstance(data.alt_ids, dict) else None
    same = Q(guid=data.guid[:500]) | Q(alt_id=str(itemid)[:200]) if itemid else Q(guid=data.guid[:500])
    found = list(WireItem.objects.select_for_update().filter(same).order_by()[:2])
    return next((item for item in found if item.guid == data.guid[:500]), found[0] if found else None)


def store(data, *, file="", channel=None):
    """One item into the queue (row locked: two channels with the same copy wait for each other)."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _store(data, file, channel)
        except IntegrityError:  # another process created it a moment ago: now it is an update
            if attempt == 2:
                raise


def _store(data, file, channel):
    from . import alerts

    item = _find(data)
    fields = _fields(data)
    result = Result(file, guid=data.guid, version=data.version, headline=data.headline, status=fields["status"])
    now = timezone.now()
    if item is None:
        item = WireItem.objects.create(guid=data.guid[:500], channel=channel, received_at=now, updated_at=now,
                                       expires_at=expiry(now), **fields)
        _version(item, data, file)
        _route(item, now)
        announce(item.pk)
        result.action, result.item = "created", item
        return result
    result.item = item
    if version_key(data.version) <= item.version_key:
        result.action = "unchanged"
        result.reason = (f"version {data.version or '(none)'} is not newer than version {item.version or '(none)'} "
                         "already in the queue")
        return result
    for name, value in fields.items():
        setattr(item, name, value)
    item.updated_at = now
    if item.taken_at is None:
        item.expires_at = expiry(now)
    item.channel = item.channel or channel
    item.save()
    version = _version(item, data, file)
    alerts.raise_for(item, version, channel=channel)
    _route(item, now)
    announce(item.pk)
    result.action = "updated"
    return result


def _route(item, now):
    """Every new item and version: grouped with the same event from other agencies, then the
    routing rules in their order."""
    from . import grouping, rules

    grouping.place(item, now)
    rules.apply(item, now)


def ingest_path(path, *, channel=None, lenient=()):
    """A file, or the .json and .xml files of a folder (sorted), into the queue."""
    from pathlib import Path

    path = Path(path)
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".json", ".xml")) \
        if path.is_dir() else [path]
    results = []
    for start in range(0, len(files), BATCH):
        entries = [(str(file), *read_with_text(file, channel=channel, lenient=lenient))
                   for file in files[start:start + BATCH]]
        with transaction.atomic():
            for file_results in take_files(entries, channel=channel):
                results.extend(file_results)
    return results


def ingest_file(path, *, channel=None, lenient=()):
    return take_in(*read_with_text(path, channel=channel, lenient=lenient), file=str(path), channel=channel)


def read_with_text(path, *, channel=None, lenient=(), options=None):
    """(the reader's items of a file, the file's text when one is refused, for its page);
    `options`: _options(channel, lenient), made once for many files. The words each item
    is grouped on are worked out here too (words_of), in a reading process if there is one."""
    found = read_file(path, channel=channel, lenient=lenient, options=options)
    for entry in found:
        if _is_item(entry):
            words_of(entry)
    raw = ""
    if any(isinstance(entry, Refused) for entry in found):
        try:
            with open(path, "rb") as file:
                raw = file.read(200_000).decode("utf-8", "replace")
        except OSError:
            pass
    return found, raw


def prune_expired(now=None):
    """Items nobody took, past their time: gone, with their versions (taken ones never expire)."""
    now = now or timezone.now()
    doomed = WireItem.objects.filter(expires_at__lte=now, taken_at__isnull=True, links__isnull=True)
    ids = list(doomed.values_list("pk", flat=True)[:1000])
    if ids:
        WireItem.objects.filter(pk__in=ids).delete()
    return len(ids)
