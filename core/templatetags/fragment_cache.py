"""`{% fragment %}`: cache a piece of a template per content version and language.

    {% load fragment_cache %}
    {% fragment "latest_news" %}…{% endfragment %}          shared cache + process memory
    {% fragment "related" article.pk local %}…{% endfragment %}  process memory only
    {% fragment "most_read" today local ttl=60 %}…{% endfragment %}   and at most 60 s old

The key is the name, the extra values given, the page language and the content
version (core.caching), so any publish, edit, withdrawal or delete re-renders every
fragment. Only wrap what depends on nothing else: no request, no user, no "current
page" marker.
"""

from django import template
from django.utils.safestring import mark_safe

from core.caching import cached, cached_locally
from core.i18n import current_language

register = template.Library()


def fragment_key(name, language, *values):
    """The name `{% fragment name values… %}` is cached under in `language`: for code
    that builds a shared fragment ahead of its first reader (portal.warmup)."""
    return ":".join(["html", name, language, *(str(value) for value in values)])


class FragmentNode(template.Node):
    # A page's {% extends %} looks for {% block %} tags through the whole parent template
    # on every render; a fragment holds none (its output is cached whole), so that
    # search does not walk into it.
    child_nodelists = ()

    def __init__(self, nodelist, name, parts, local, ttl):
        self.nodelist, self.name, self.parts = nodelist, name, parts
        self.local, self.ttl = local, ttl

    def render(self, context):
        values = [part.resolve(context) for part in self.parts]
        key = fragment_key(self.name.resolve(context), current_language(), *values)

        def build():
            return str(self.nodelist.render(context))

        if self.local:
            html = cached_locally(key, build, ttl=self.ttl)
        else:
            html = cached(key, build, **({"timeout": self.ttl} if self.ttl else {}))
        # Our own template's output, escaped as it was rendered.
        return mark_safe(html)


@register.tag
def fragment(parser, token):
    bits = token.split_contents()[1:]
    ttl = None
    if bits and bits[-1].startswith("ttl="):
        ttl = int(bits.pop()[len("ttl=") :])
    local = bool(bits) and bits[-1] == "local"
    if local:
        bits.pop()
    if not bits:
        raise template.TemplateSyntaxError("{% fragment %} needs a name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    name, *parts = (parser.compile_filter(bit) for bit in bits)
    return FragmentNode(nodelist, name, parts, local, ttl)
