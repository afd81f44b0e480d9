import json

from django.http import Http404, HttpResponse

from newsdesk.live import events
from newsdesk.pagecache.middleware import tag

from .export import published_story, story_to_ninjs

# Kept out of the JSON text as escapes (it reads the same): a document pasted into a page's
# <script> block, or sniffed as HTML, cannot close or open an element.
_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def story(request, pk):
    """A published story as an IPTC ninjs 2.1 document; anything else is not there (404)."""
    found = published_story(pk)
    if found is None:
        raise Http404("No such published story")
    tag(request, events.story_key(found.pk),
        *events.tag_keys(section_ids=[found.section_id], person_ids=[p.pk for p in found.people.all()],
                         topic_ids=[t.pk for t in found.topics.all()]))
    text = json.dumps(story_to_ninjs(found, request), ensure_ascii=False, indent=2).translate(_ESCAPES)
    return HttpResponse(text, content_type="application/json; charset=utf-8")
