"""Stories, people, topics and sections as the API shows them (see schemas.py)."""

from newsdesk.stories.models import load_tags


def absolute(request, path):
    return request.build_absolute_uri(path)


def section_data(request, section):
    return {"id": section.pk, "name": section.name, "slug": section.slug,
            "url": absolute(request, section.get_absolute_url())}


def tag_data(request, tag):
    return {"id": tag.pk, "name": tag.name, "slug": tag.slug, "description": tag.description,
            "url": absolute(request, tag.get_absolute_url())}


def picture_data(request, picture):
    widest = picture.renditions[-1] if picture.renditions else None
    return {"id": picture.pk, "url": absolute(request, picture.src(widest["width"])) if widest else "",
            "width": picture.width, "height": picture.height, "alt": picture.alt,
            "caption": picture.caption, "credit": picture.credit}


def story_data(request, story):
    return {
        "id": story.pk, "kind": story.kind, "status": story.status, "slug": story.slug,
        "url": absolute(request, story.get_absolute_url()),
        "headline": story.headline, "standfirst": story.standfirst, "body": story.body,
        "authors": [tag_data(request, p) for p in story.authors_in_order()],
        "byline": story.byline, "source": story.source, "language": story.language, "urgency": story.urgency,
        "section": section_data(request, story.section) if story.section else None,
        "people": [tag_data(request, p) for p in story.people.all()],
        "topics": [tag_data(request, t) for t in story.topics.all()],
        "lead_picture": picture_data(request, story.lead_picture) if story.lead_picture else None,
        "link": absolute(request, story.link.get_absolute_url()) if story.link_id and story.link else None,
        "published_at": story.published_at, "updated_at": story.updated_at, "revision": story.revision,
    }


def stories_data(request, stories):
    """Each story as the API shows it: people and topics read in one query for all of them."""
    load_tags(stories)
    return [story_data(request, story) for story in stories]
