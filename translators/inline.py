"""Rich text as translation segments: block markup as a skeleton, inline markup as codes.

A body's sanitised HTML is cut into segments, one per paragraph-like block (p, h2–h4,
li, blockquote, figcaption, table cells …). Inside a segment, paired inline tags (strong,
em, a …) become paired codes and standalone ones (br, img) placeholders, each with an id
unique in the field. The codes keep their markup (and a link's address) out of the text a
translator sees. Going back, the translated segments are put into the source's skeleton
and each code id is replaced by the source's own markup: a target can move, keep or nest
codes, but never bring markup of its own; its text is always escaped.

XLIFF (translators.xliff) and the translation memory (translators.memory) both build on
this; it knows nothing about either.
"""

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

PAIRED = frozenset({"strong", "b", "em", "i", "u", "s", "sub", "sup", "a"})
STANDALONE = frozenset({"br", "img"})
VOID = frozenset({"br", "img", "hr", "wbr", "col"})
_SPACE = re.compile(r"\s+")


@dataclass
class Element:
    tag: str
    attrs: list
    children: list = field(default_factory=list)

    @property
    def start(self):
        attributes = "".join(
            f' {name}="{escape(value or "", quote=True)}"' for name, value in self.attrs
        )
        return f"<{self.tag}{attributes}>"

    @property
    def end(self):
        return "" if self.tag in VOID else f"</{self.tag}>"


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs)
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, attrs))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(html):
    builder = _TreeBuilder()
    builder.feed(html or "")
    builder.close()
    return builder.root


@dataclass
class Code:
    """One inline code: `paired` codes wrap text (start and end markup), others stand alone."""

    id: str
    paired: bool
    start: str
    end: str = ""
    kind: str = "fmt"  # XLIFF's type: fmt, link or image


@dataclass
class Span:
    """A paired code around content; `content` is a list of str, Span and Placeholder."""

    code: str
    content: list = field(default_factory=list)


@dataclass
class Placeholder:
    code: str


@dataclass
class Segment:
    id: str
    content: list  # str, Span, Placeholder

    def codes(self):
        return list(iter_codes(self.content))


@dataclass
class Segmented:
    """A text as segments in a skeleton: `parts` holds HTML strings and Segments, in order."""

    parts: list
    codes: dict  # id -> Code

    @property
    def segments(self):
        return [part for part in self.parts if isinstance(part, Segment)]


def iter_codes(content):
    for item in content:
        if isinstance(item, Span):
            yield item.code
            yield from iter_codes(item.content)
        elif isinstance(item, Placeholder):
            yield item.code


def _is_inline(node):
    return isinstance(node, str) or node.tag in PAIRED or node.tag in STANDALONE


def _has_text(nodes):
    for node in nodes:
        if isinstance(node, str):
            if node.strip():
                return True
        elif _has_text(node.children):
            return True
    return False


class _Cutter:
    def __init__(self):
        self.parts, self.codes = [], {}
        self.segment_count = 0

    def code(self, element):
        code_id = str(len(self.codes) + 1)
        if element.tag in STANDALONE:
            kind = "image" if element.tag == "img" else "fmt"
            self.codes[code_id] = Code(code_id, False, element.start, kind=kind)
        else:
            kind = "link" if element.tag == "a" else "fmt"
            self.codes[code_id] = Code(code_id, True, element.start, element.end, kind=kind)
        return code_id

    def inline(self, nodes):
        content = []
        for node in nodes:
            if isinstance(node, str):
                content.append(node)
            elif node.tag in STANDALONE:
                content.append(Placeholder(self.code(node)))
            else:
                content.append(Span(self.code(node), self.inline(node.children)))
        return content

    def run(self, nodes):
        """A run of inline nodes: a segment if it has text; leading and trailing white
        space stay in the skeleton so a translator never has to keep it."""
        if not _has_text(nodes):
            self.parts.append(serialise_nodes(nodes))
            return
        content = self.inline(nodes)
        leading = trailing = ""
        if content and isinstance(content[0], str):
            stripped = content[0].lstrip()
            leading, content[0] = content[0][: len(content[0]) - len(stripped)], stripped
        if content and isinstance(content[-1], str):
            stripped = content[-1].rstrip()
            trailing, content[-1] = content[-1][len(stripped) :], stripped
        self.segment_count += 1
        self.parts.append(escape(leading, quote=False))
        self.parts.append(Segment(f"s{self.segment_count}", content))
        self.parts.append(escape(trailing, quote=False))

    def walk(self, children):
        pending = []
        for node in children:
            if _is_inline(node):
                pending.append(node)
                continue
            if pending:
                self.run(pending)
                pending = []
            self.parts.append(node.start)
            self.walk(node.children)
            self.parts.append(node.end)
        if pending:
            self.run(pending)


def segment_html(html):
    """The HTML `html` as a skeleton with segments (see the module's docstring)."""
    cutter = _Cutter()
    cutter.walk(parse_html(html).children)
    return Segmented(parts=[part for part in cutter.parts if part != ""], codes=cutter.codes)


def segment_plain(text):
    """A plain text field: one segment, no codes (empty text: no segment)."""
    if not (text or "").strip():
        return Segmented(parts=[], codes={})
    return Segmented(parts=[Segment("s1", [text])], codes={})


def serialise_nodes(nodes):
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(escape(node, quote=False))
        else:
            out.append(node.start + serialise_nodes(node.children) + node.end)
    return "".join(out)


def content_html(content, codes):
    """A segment's content as HTML: text escaped, each code replaced by its markup."""
    out = []
    for item in content:
        if isinstance(item, str):
            out.append(escape(item, quote=False))
        elif isinstance(item, Placeholder):
            out.append(codes[item.code].start)
        else:
            code = codes[item.code]
            out.append(code.start + content_html(item.content, codes) + code.end)
    return "".join(out)


def content_text(content):
    """A segment's text alone, white space collapsed: what memory matches on."""
    out = []
    for item in content:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Span):
            out.append(content_text(item.content))
        else:
            out.append(" ")
    return _SPACE.sub(" ", "".join(out)).strip()


def rebuild(segmented, targets):
    """The HTML of `segmented` with each segment's content replaced by `targets[id]`."""
    out = []
    for part in segmented.parts:
        if isinstance(part, Segment):
            out.append(content_html(targets.get(part.id, part.content), segmented.codes))
        else:
            out.append(part)
    return "".join(out)


def _signature(code):
    return (code.paired, code.start)


def align(source, target_html):
    """The target HTML's segments as content over the source's codes, by segment id,
    for the segments whose structure and markup match the source's; others are left out."""
    target = segment_html(target_html)
    source_skeleton = [part for part in source.parts if not isinstance(part, Segment)]
    target_skeleton = [part for part in target.parts if not isinstance(part, Segment)]
    if len(source.segments) != len(target.segments) or _squash(source_skeleton) != _squash(
        target_skeleton
    ):
        return {}
    aligned = {}
    for source_segment, target_segment in zip(source.segments, target.segments, strict=True):
        mapped = map_codes(source_segment, source.codes, target_segment.content, target.codes)
        if mapped is not None:
            aligned[source_segment.id] = mapped
    return aligned


def _squash(parts):
    return _SPACE.sub("", "".join(parts))


def map_codes(source_segment, source_codes, content, content_codes):
    """`content` (with its own codes) re-expressed with the source segment's code ids,
    matching markup in order; None if the markup differs."""
    available = {}
    for code_id in source_segment.codes():
        available.setdefault(_signature(source_codes[code_id]), []).append(code_id)
    used = []

    def convert(items):
        result = []
        for item in items:
            if isinstance(item, str):
                result.append(item)
                continue
            candidates = available.get(_signature(content_codes[item.code]))
            if not candidates:
                raise LookupError
            code_id = candidates.pop(0)
            used.append(code_id)
            if isinstance(item, Span):
                result.append(Span(code_id, convert(item.content)))
            else:
                result.append(Placeholder(code_id))
        return result

    try:
        converted = convert(content)
    except LookupError:
        return None
    if any(available.values()):
        return None
    return converted
