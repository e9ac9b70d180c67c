"""Image renditions in templates: `srcset` lists and URLs from the stored rendition names."""

from django import template
from django.core.files.storage import default_storage

register = template.Library()


def _sizes(renditions):
    return (renditions or {}).get("sizes") or []


@register.simple_tag
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
