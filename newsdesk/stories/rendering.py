"""A stored body as readers get it: what the stored HTML leaves out on purpose (body.py keeps
exactly what the editor wrote) is added here, at render time.

- links get rel="noopener";
- a picture of the library gets its renditions (srcset, sizes, width and height), as the
  lead picture does; one whose picture was deleted is left out;
- an embed becomes a plain link to where it lives, named by its kind: no third-party frame or
  script on the page (the Content-Security-Policy allows none), nothing sent to them until
  the reader follows it.
"""

import re

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .body import EMBED_NAMES

# The stored forms are canonical (body.clean_html), so these patterns read them whole.
_LINK = re.compile(r"<a (href=\"[^\"]*\"(?: title=\"[^\"]*\")?)>")
_PICTURE = re.compile(r'<figure data-picture="(\d+)"><img src="([^"]*)" alt="([^"]*)">'
                      r"(?:<figcaption>(.*?)(?:<small>(.*?)</small>)?</figcaption>)?</figure>", re.S)
_EMBED = re.compile(r'<figure data-embed="(\w+)"><a href="([^"]*)">[^<]*</a></figure>')
# As the lead picture is laid out (pictures/templatetags/pictures.py), but loaded when near.
SIZES = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"
SRC_WIDTH = 640


def reader_body(stored):
    """The stored body as safe HTML for a reader's page."""
    html = stored or ""
    if "<figure" in html:
        html = _pictures(html)
        html = _EMBED.sub(_embed, html)
    html = _LINK.sub(r'<a \1 rel="noopener">', html)
    return mark_safe(html)  # sanitised when saved (body.clean_html)


def _pictures(html):
    ids = {int(found) for found in re.findall(r'<figure data-picture="(\d+)"', html)}
    if not ids:
        return html
    from newsdesk.pictures.models import Picture

    pictures = Picture.objects.only("pk", "renditions").in_bulk(ids)

    def figure(match):
        picture = pictures.get(int(match[1]))
        if picture is None or not picture.renditions:
            return ""
        src = picture.rendition(SRC_WIDTH)
        caption, credit = (match[4] or "").strip(), match[5] or ""
        # The stored texts are escaped HTML already: kept as they are.
        figcaption = ""
        if caption or credit:
            credit_html = f' <span class="picture-credit">{"· " if caption else ""}{credit}</span>' if credit else ""
            figcaption = f"<figcaption>{caption}{credit_html}</figcaption>"
        img = format_html('<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}"',
                          picture.src(SRC_WIDTH), picture.srcset, SIZES, src["width"], src["height"])
        return (f'<figure class="picture picture-article picture-body">{img} alt="{match[3]}" loading="lazy">'
                f"{figcaption}</figure>")

    return _PICTURE.sub(figure, html)


def _embed(match):
    kind, url = match[1], match[2]
    shown = re.sub(r"^https://(www\.)?", "", url)
    return (f'<figure class="embed embed-{kind}"><a href="{url}">'
            f'<span class="embed-kind">On {EMBED_NAMES.get(kind, kind)}:</span> <span class="embed-url">{shown}</span>'
            f"</a></figure>")
