"""Writing a published story as an IPTC ninjs 2.1 document.

What it writes is what reading.py takes back, so a story exported and imported again
(on this site or another Newsdesk) comes back the same: headline, standfirst, body,
byline, source, people, topics, section, language, urgency, times and picture
references. Where ninjs has no property of its own, the document says it the way
reading.py understands: a brief is `profile: "brief"` (its full article the text
association "article"), the section a subject with `rel: "section"`, a picture's alt text
a description with role "alt".

Links are absolute, so the document stands on its own: they are made from the request's
scheme and host, or from `base_url` where there is no request (a command, a test).
"""

import mimetypes
from urllib.parse import urljoin

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from newsdesk.stories.models import Story

from .reading import ALT_ROLE, BRIEF_PROFILE, LINK_NAME, SECTION_REL

VERSION = "2.1"
SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json#"


def story_uri(story, base_url):
    """The story's ninjs uri: the address of its ninjs document, which names it on this
    site for good (the page's address changes with its slug; its id never does)."""
    return urljoin(base_url, reverse("ninjs:story", args=[story.pk]))


def base_url_of(request):
    return f"{request.scheme}://{request.get_host()}/"


def story_to_ninjs(story, request=None, *, base_url=None):
    """The story as a ninjs 2.1 document (a dict ready for JSON).

    For published stories: the caller decides who may see it (the view answers 404 for
    anything else). Reads the story's section, people, topics, lead picture and link: load them
    with select_related/prefetch_related for many stories."""
    if request is not None:
        base_url = base_url_of(request)
    if not base_url:
        raise ValueError("a ninjs document needs absolute links: pass the request or a base_url")
    url = lambda path: urljoin(base_url, path)  # noqa: E731
    updated = story.updated_at if story.updated_at and story.updated_at > story.published_at else story.published_at
    doc = {
        "uri": story_uri(story, base_url),
        "standard": {"name": "ninjs", "version": VERSION, "schema": SCHEMA_URI},
        "type": "text",
        "profile": BRIEF_PROFILE if story.is_brief else "article",
        "representationtype": "full",
        "version": str(max(story.revision, 1)),
        "firstcreated": _time(story.published_at),
        "versioncreated": _time(updated),
        "contentcreated": _time(story.created_at),
        "pubstatus": "usable",
        "language": story.language or settings.LANGUAGE_CODE,
        "headlines": [_text("main", story.headline)],
        "bodies": [{**_text("main", story.body, "text/html"),
                    "charcount": len(story.text), "wordcount": len(story.text.split())}],
        "altids": [{"role": "url", "value": url(story.get_absolute_url())}],
    }
    if story.guid:  # where an imported story came from
        doc["altids"].append({"role": "source", "value": story.guid})
    if story.standfirst:
        doc["descriptions"] = [_text("summary", story.standfirst)]
    authors = story.authors_in_order()
    if authors or story.byline:  # the byline as readers read it: the authors, then the guests
        doc["by"] = ", ".join([*(person.name for person in authors), *([story.byline_text] if story.byline else [])])
    if story.source:  # a wire agency's story: its credit
        doc["copyrightholder"] = story.source
        doc["infosources"] = [{"name": story.source, "role": "originator"}]
    if story.urgency is not None:
        doc["urgency"] = story.urgency
    people = [{"name": p.name, "uri": url(p.get_absolute_url()), "rel": "mentioned"} for p in story.people.all()]
    if people:
        doc["people"] = people
    subjects = [{"name": t.name, "uri": url(t.get_absolute_url())} for t in story.topics.all()]
    if story.section_id:
        section = story.section
        subjects.insert(0, {"name": section.name, "uri": url(section.get_absolute_url()), "rel": SECTION_REL})
    if subjects:
        doc["subjects"] = subjects
    associations = _associations(story, url)
    link = story.link if story.link_id else None
    if story.is_brief and link is not None and link.is_live:  # a draft's address is nobody's business
        associations.append({"name": LINK_NAME, "uri": story_uri(link, base_url), "type": "text",
                             "headlines": [_text("main", link.headline)],
                             "altids": [{"role": "url", "value": url(link.get_absolute_url())}]})
    if associations:
        doc["associations"] = associations
    return doc


def _time(when):
    return when.isoformat() if when else None


def _associations(story, url):
    """The lead picture (with its renditions), then the picture references a wire story came with."""
    found = []
    picture = story.lead_picture
    if picture is not None and picture.renditions:
        renditions = [{
            "name": f"w{r['width']}",
            "href": url(default_storage.url(r["name"])),
            "contenttype": mimetypes.guess_type(r["name"])[0] or "application/octet-stream",
            "width": r["width"],
            "height": r["height"],
            **({"sizeinbytes": r["bytes"]} if isinstance(r.get("bytes"), int) else {}),
        } for r in picture.renditions]
        lead = {
            "name": "lead",
            # The widest rendition's address: its file name holds the picture's hash, so it lasts.
            "uri": renditions[-1]["href"],
            "type": "picture",
            "descriptions": _descriptions(picture.caption, picture.alt),
            "renditions": renditions,
        }
        if picture.credit:
            lead["by"] = picture.credit
        found.append(lead)
    for n, ref in enumerate(story.pictures or [], start=1):
        # References as the importer keeps them (reading._pictures); the admin can edit them, so
        # only their strings are taken.
        ref = {k: v for k, v in ref.items() if isinstance(v, str)} if isinstance(ref, dict) else {}
        if not (ref.get("uri") or ref.get("href")):
            continue
        item = {"name": f"picture{n}", "uri": ref.get("uri") or ref["href"], "type": "picture"}
        if ref.get("headline"):
            item["headlines"] = [_text("main", ref["headline"])]
        if ref.get("caption") or ref.get("alt"):
            item["descriptions"] = _descriptions(ref.get("caption"), ref.get("alt"))
        if ref.get("credit"):
            item["by"] = ref["credit"]
        if ref.get("href"):
            item["renditions"] = [{"name": "source", "href": ref["href"]}]
        found.append(item)
    return found


def _text(role, value, contenttype="text/plain"):
    return {"role": role, "contenttype": contenttype, "value": value}


def _descriptions(caption, alt):
    """A picture's caption, then its alt text (reading.py takes the first as the caption)."""
    return [_text(role, value) for role, value in (("caption", caption), (ALT_ROLE, alt)) if value]


def published_story(pk):
    """The published story `pk` with what its document shows, or None."""
    return (Story.objects.published().select_related("section", "lead_picture", "link")
            .prefetch_related("people", "topics").filter(pk=pk).first())
