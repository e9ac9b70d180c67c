"""The rich-text editor: what it offers, and what it needs from our Content-Security-Policy.

The newsroom and the translators' workspace edit bodies with the same field, so both
offer the same tools, and core.sanitizer allows what they offer.

Tiptap (inside django-prose-editor) injects one fixed `<style data-tiptap-style>` block with
ProseMirror's base rules and offers no way to pass it a nonce from the widget. Instead of
`'unsafe-inline'`, the article form allows exactly that block by its SHA-256 hash, computed
from the editor file we serve, so an upgrade of the editor cannot silently break it.
"""

import base64
import functools
import hashlib
import re

from django.contrib.staticfiles import finders
from django_prose_editor.fields import ProseEditorFormField

EDITOR_SCRIPT = "django_prose_editor/editor.js"
# The hash of the style block in django-prose-editor 0.28.0, used if the file cannot be read.
KNOWN_STYLE_HASH = "sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA="
# In the minified bundle the style is the template literal that starts with `.ProseMirror {`.
_STYLE_LITERAL = re.compile(r"=`(\.ProseMirror \{.*?)`", re.DOTALL)


@functools.cache
def tiptap_style_hash():
    path = finders.find(EDITOR_SCRIPT)
    if not path:
        return KNOWN_STYLE_HASH
    with open(path, encoding="utf-8") as handle:
        match = _STYLE_LITERAL.search(handle.read())
    if not match:
        return KNOWN_STYLE_HASH
    digest = hashlib.sha256(match.group(1).encode("utf-8")).digest()
    return f"sha256-{base64.b64encode(digest).decode('ascii')}"


def editor_csp_update():
    """The `csp_update` config for pages with the editor: that one style block, by hash."""
    return {"style-src": [f"'{tiptap_style_hash()}'"]}


# What the body editor offers; core.sanitizer allows the same and cleans on save.
BODY_EDITOR_CONFIG = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Heading": {"levels": [2, 3, 4]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HardBreak": True,
        "HorizontalRule": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
        "Image": True,
        "History": True,
    }
}


def body_form_field(**kwargs):
    return ProseEditorFormField(config=BODY_EDITOR_CONFIG, **kwargs)
