from django import template

register = template.Library()

# How each place shows a picture: the width the browser lays it out at (`sizes`), the
# rendition used as `src` (and for the width and height that reserve its space), and
# whether it loads at once (an article's lead picture is the first thing seen).
VARIANTS = {
    "article": {"sizes": "(min-width: 42rem) 40rem, calc(100vw - 2rem)", "src_width": 640, "loading": "eager"},
    "teaser": {"sizes": "8rem", "src_width": 320, "loading": "lazy"},
    "thumb": {"sizes": "12rem", "src_width": 320, "loading": "lazy"},
}


@register.inclusion_tag("pictures/_picture.html")
def picture(picture, variant="article"):
    """{% picture story.lead_picture "article" %}: the picture with its renditions; nothing for None."""
    if variant not in VARIANTS:
        raise template.TemplateSyntaxError(f"picture: variant must be one of {', '.join(VARIANTS)}, not {variant!r}")
    if not picture or not picture.renditions:
        return {"picture": None}
    settings = VARIANTS[variant]
    src = picture.rendition(settings["src_width"])
    return {"picture": picture, "variant": variant, "src": src, "src_url": picture.src(settings["src_width"]), **settings}
