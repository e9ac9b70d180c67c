"""Image renditions in templates: `srcset` lists and URLs from the stored rendition names."""

from html import escape

from django import template
from django.core.files.storage import default_storage
from django.utils.safestring import mark_safe

register = template.Library()


def _sizes(renditions):
    return (renditions or {}).get("sizes") or []


def rendition_srcset(renditions, kind, max_width=None):
    """`url 320w, url 640w, …` for `kind` ("webp" or "jpeg"), up to `max_width`."""
    entries = [
        entry
        for entry in _sizes(renditions)
        if entry.get(kind) and (not max_width or entry["w"] <= int(max_width))
    ] or _sizes(renditions)[:1]
    return ", ".join(f"{default_storage.url(entry[kind])} {entry['w']}w" for entry in entries)


@register.simple_tag
def rendition(renditions, width=None):
    """The rendition closest to (not wider than) `width`, the largest one without it."""
    sizes = _sizes(renditions)
    if not sizes:
        return None
    if not width:  # no width, or a variable the template did not set
        chosen = sizes[-1]
    else:
        fitting = [entry for entry in sizes if entry["w"] <= int(width)]
        chosen = fitting[-1] if fitting else sizes[0]
    return {
        "width": chosen["w"],
        "height": chosen["h"],
        "jpeg": default_storage.url(chosen["jpeg"]),
        "webp": default_storage.url(chosen["webp"]),
    }


DEFAULT_SIZES = "(min-width: 60em) 44rem, 100vw"


def picture_html(
    image,
    renditions,
    *,
    width=None,
    height=None,
    alt="",
    max_width=None,
    sizes="",
    css_class="",
    lazy=False,
):
    """An uploaded image: a <picture> with WebP renditions and a JPEG fallback, with
    width/height so the page does not jump. `alt` is a LocalizedText (or a plain string);
    `sizes` says how wide the image is shown; `max_width` caps the renditions offered (a
    thumbnail needs no 1600px file). Without renditions (not made yet) the stored
    re-encoded file is shown as it is. Written in plain string work, every piece escaped
    here: listings show twenty of them, and the template engine spent 0.2 ms on each."""
    sizes = escape(sizes or DEFAULT_SIZES)
    attributes = f' alt="{escape(str(alt))}"'
    if getattr(alt, "is_fallback", False):
        attributes += f' lang="{escape(alt.language)}"'
    tail = (f' class="{escape(css_class)}"' if css_class else "") + (
        ' loading="lazy"' if lazy else ""
    )
    fallback = rendition(renditions, max_width)
    if not fallback:
        size = f' width="{width}" height="{height}"' if width else ""
        return f'<img src="{escape(image.url)}"{attributes}{size}{tail} decoding="async">'
    return (
        "<picture>\n"
        '  <source type="image/webp"'
        f' srcset="{escape(rendition_srcset(renditions, "webp", max_width))}" sizes="{sizes}">\n'
        f'  <img src="{escape(fallback["jpeg"])}"'
        f' srcset="{escape(rendition_srcset(renditions, "jpeg", max_width))}" sizes="{sizes}"'
        f' width="{fallback["width"]}" height="{fallback["height"]}"{attributes}{tail}'
        ' decoding="async">\n'
        "</picture>"
    )


@register.simple_tag
def picture(image, renditions, **options):
    """`{% picture image renditions width=… height=… alt=… max=320 sizes="8rem"
    class="…" lazy=True %}`: picture_html in a template."""
    return mark_safe(  # escaped in picture_html
        picture_html(
            image,
            renditions,
            width=options.get("width"),
            height=options.get("height"),
            alt=options.get("alt", ""),
            max_width=options.get("max"),
            sizes=options.get("sizes", ""),
            css_class=options.get("class", ""),
            lazy=bool(options.get("lazy")),
        )
    )
