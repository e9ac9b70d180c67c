"""XLIFF 2.0 export and import of translatable text, with inline codes.

Export: one <file> per board object (an article's gallery photos go in the article's
file), one <unit> per field with source text, id "<kind>.<pk>.<field>". Each unit carries
the fingerprint of the source it was exported with (``portal:fingerprint``), notes naming
the field and the page, and the field's length limit (the Size and Length Restriction
module, counted in code points). Rich text is cut into segments, one per paragraph-like
block, with its inline markup as codes (translators.inline): <pc> around text (strong,
em, a …), <ph> for br and img. The markup itself, link addresses included, is in
<originalData>, never in the text. Segments with no translation yet may be pre-filled from
translation memory (exact matches only), marked state="translated"
subState="portal:memory" and noted, for the translator to review.

Import: parsed with defusedxml (no DTD, no entities, nothing external), then every unit
is checked before anything is written; any problem rejects the whole file, and every
problem is listed with its unit. Targets are rebuilt into HTML from the source's own
skeleton and code markup, so a file can move codes but never bring markup; its text is
escaped. The rules: every code of a source segment appears exactly once in its target, as
the same kind of code, with no link inside a link; segments keep their ids and order; a
segment with a target must not be state="initial" (a tool that filled it without marking
it translated has not finished: the unit is refused); a unit is translated whole or not at
all.
"""

import hashlib
from dataclasses import dataclass, field
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.utils import translation
from django.utils.translation import gettext as _

from translators import inline, memory, services
from translators.fingerprints import fingerprint, is_blank, normalise
from translators.models import ImportLog
from translators.registry import ALL_KINDS, ARTICLE, PHOTO
from translators.state import text

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
SLR_NS = "urn:oasis:names:tc:xliff:sizerestriction:2.0"
PORTAL_NS = "urn:refugees-portal:translators:1"
FINGERPRINT = f"{{{PORTAL_NS}}}fingerprint"
MEMORY_SUBSTATE = "portal:memory"
MAX_BYTES = 2 * 1024 * 1024
MAX_ID = 2**63 - 1
CONTENT_TYPE = "application/xliff+xml; charset=utf-8"
# A translator who leaves a segment as is but marks it reviewed or final vouches for it.
VOUCHED_STATES = {"reviewed", "final"}
STATES = {"initial", "translated", "reviewed", "final"}

ElementTree.register_namespace("", XLIFF_NS)
ElementTree.register_namespace("portal", PORTAL_NS)
ElementTree.register_namespace("slr", SLR_NS)


def _is_id(value):
    """A database id: ASCII digits within the range of a bigint."""
    return value.isascii() and value.isdigit() and int(value) <= MAX_ID


def _q(tag):
    return f"{{{XLIFF_NS}}}{tag}"


def segmented(kind, field_name, source):
    """The source text of a field as segments: rich text cut by blocks, others whole."""
    if field_name in kind.rich:
        return inline.segment_html(source)
    return inline.segment_plain(source)


# Export ---------------------------------------------------------------------


def _fill(parent, content, codes):
    """Put segment content (text, Span, Placeholder) into an XML element as inline codes."""
    last = None
    for item in content:
        if isinstance(item, str):
            if last is None:
                parent.text = (parent.text or "") + item
            else:
                last.tail = (last.tail or "") + item
            continue
        if isinstance(item, inline.Placeholder):
            last = ElementTree.SubElement(
                parent,
                _q("ph"),
                {"id": item.code, "dataRef": f"d{item.code}", "type": codes[item.code].kind},
            )
        else:
            last = ElementTree.SubElement(
                parent,
                _q("pc"),
                {
                    "id": item.code,
                    "dataRefStart": f"d{item.code}",
                    "dataRefEnd": f"e{item.code}",
                    "type": codes[item.code].kind,
                },
            )
            _fill(last, item.content, codes)


def _page_url(kind, obj, base_url, language):
    """The page a translator can look at for context: an article's, in the original."""
    if kind is not ARTICLE:
        return ""
    with translation.override(language):
        return base_url.rstrip("/") + obj.get_absolute_url(language)


def _notes(unit, kind, obj, field_name, *, url, limit, prefilled):
    notes = ElementTree.SubElement(unit, _q("notes"))
    label = str(obj._meta.get_field(field_name).verbose_name)
    if kind is PHOTO:
        label = f"{PHOTO.verbose_name} {obj.pk}: {label}"
    ElementTree.SubElement(notes, _q("note"), {"category": "field"}).text = label
    if url:
        ElementTree.SubElement(notes, _q("note"), {"category": "location"}).text = url
    if limit:
        ElementTree.SubElement(notes, _q("note"), {"category": "length"}).text = _(
            "At most %(limit)s characters."
        ) % {"limit": limit}
    if prefilled:
        ElementTree.SubElement(notes, _q("note"), {"category": "memory"}).text = _(
            "Segments marked %(substate)s were filled from translation memory: review them."
        ) % {"substate": MEMORY_SUBSTATE}


def _add_unit(file_element, fills, kind, obj, field_name, context):  # noqa: PLR0917
    source_language, target_language = context["languages"]
    source = text(obj, field_name, source_language)
    if is_blank(source):
        return
    cut = segmented(kind, field_name, source)
    if not cut.segments:
        return  # markup without text (an image alone): nothing to translate
    limit = obj._meta.get_field(f"{field_name}_{target_language}").max_length
    attributes = {"id": f"{kind.key}.{obj.pk}.{field_name}", FINGERPRINT: fingerprint(source)}
    if limit:
        attributes[f"{{{SLR_NS}}}sizeRestriction"] = str(limit)
    unit = ElementTree.SubElement(file_element, _q("unit"), attributes)
    target = text(obj, field_name, target_language)
    if is_blank(target):
        targets = {}
    elif field_name in kind.rich:
        targets = inline.align(cut, target)
    else:
        targets = {"s1": [target]}
    suggested = context["memory"].get((kind.key, obj.pk, field_name), {})
    prefilled = {sid for sid in suggested if sid not in targets}
    _notes(
        unit,
        kind,
        obj,
        field_name,
        url=context["url"],
        limit=limit,
        prefilled=bool(prefilled),
    )
    if cut.codes:
        original = ElementTree.SubElement(unit, _q("originalData"))
        for code in cut.codes.values():
            ElementTree.SubElement(original, _q("data"), {"id": f"d{code.id}"}).text = code.start
            if code.paired:
                ElementTree.SubElement(original, _q("data"), {"id": f"e{code.id}"}).text = code.end
    for segment in cut.segments:
        content = targets.get(segment.id)
        attributes = {"id": segment.id, "state": "translated" if content else "initial"}
        if content is None and segment.id in prefilled:
            content = suggested[segment.id]
            attributes["subState"] = MEMORY_SUBSTATE
            attributes["state"] = "translated"
        element = ElementTree.SubElement(unit, _q("segment"), attributes)
        source_element = ElementTree.SubElement(element, _q("source"))
        fills.append((source_element, segment.content, cut.codes))
        if content:
            target_element = ElementTree.SubElement(element, _q("target"))
            fills.append((target_element, content, cut.codes))


def _memory_fills(objects, source_language, target_language):
    """{(kind key, pk, field): {segment id: content}} from exact memory matches."""
    wanted = []
    for kind, obj, photos in objects:
        for owner_kind, owner in [(kind, obj)] + [(PHOTO, photo) for photo in photos]:
            for field_name in owner_kind.fields:
                source = text(owner, field_name, source_language)
                if is_blank(source):
                    continue
                wanted.append(
                    (
                        (owner_kind.key, owner.pk, field_name),
                        segmented(owner_kind, field_name, source),
                    )
                )
    return memory.exact_fills(wanted, source_language, target_language)


def export(objects, source_language, target_language, *, base_url="", prefill=False):
    """XLIFF 2.0 bytes for `objects`: a list of (kind, obj, photos)."""
    context = {
        "languages": (source_language, target_language),
        "memory": _memory_fills(objects, source_language, target_language) if prefill else {},
    }
    root = ElementTree.Element(
        _q("xliff"), {"version": "2.0", "srcLang": source_language, "trgLang": target_language}
    )
    fills = []
    for kind, obj, photos in objects:
        file_element = ElementTree.SubElement(
            root, _q("file"), {"id": f"{kind.key}.{obj.pk}", "original": f"{kind.key}/{obj.pk}"}
        )
        # Lengths count code points (XLIFF's predefined general profile).
        ElementTree.SubElement(
            file_element, f"{{{SLR_NS}}}profiles", {"generalProfile": "xliff:codepoints"}
        )
        context["url"] = _page_url(kind, obj, base_url, source_language)
        for field_name in kind.fields:
            _add_unit(file_element, fills, kind, obj, field_name, context)
        for photo in photos:
            for field_name in PHOTO.fields:
                _add_unit(file_element, fills, PHOTO, photo, field_name, context)
    # Indent the structure first: white space added inside <source> or <target> would
    # become part of the text a translator sees.
    ElementTree.indent(root)
    for element, content, codes in fills:
        _fill(element, content, codes)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


# Import ---------------------------------------------------------------------


class ImportRejected(Exception):  # noqa: N818 - a rejection, not a crash
    def __init__(self, errors):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = list(errors)


@dataclass
class SegmentIn:
    id: str
    state: str
    target: object  # a content list, or None when the segment has no <target>


@dataclass
class Unit:
    unit_id: str
    kind: object
    pk: int
    field: str
    fingerprint: str
    segments: list
    target: str = ""  # the rebuilt translation, set once checked against the source

    @property
    def translated(self):
        return any(segment.target is not None for segment in self.segments)


@dataclass
class Parsed:
    source_language: str
    target_language: str
    units: list = field(default_factory=list)


class _UnreadableError(Exception):
    pass


def _content(element):
    """A <target>'s content as text, Spans and Placeholders; <mrk> annotations are kept
    as their text. Any other element is an error."""
    content = []
    if element.text:
        content.append(element.text)
    for child in element:
        if child.tag == _q("pc"):
            content.append(inline.Span(child.get("id", ""), _content(child)))
        elif child.tag == _q("ph"):
            content.append(inline.Placeholder(child.get("id", "")))
        elif child.tag == _q("mrk"):
            content.extend(_content(child))
        else:
            raise _UnreadableError(child.tag.rpartition("}")[2])
        if child.tail:
            content.append(child.tail)
    return content


def _segments(unit, unit_id, errors):
    segments = []
    for child in unit:
        if child.tag != _q("segment"):
            continue
        target = child.find(_q("target"))
        content = None
        if target is not None:
            try:
                content = _content(target)
            except _UnreadableError as error:
                errors.append(
                    _("Unit %(id)s: <%(tag)s> is not supported in a target; use <pc> and <ph>.")
                    % {"id": unit_id, "tag": error}
                )
                continue
        segments.append(SegmentIn(child.get("id", ""), child.get("state", "initial"), content))
    return segments


def parse(data):
    """Read the file's language pair and units; reject anything that is not safe XLIFF 2.0."""
    if len(data) > MAX_BYTES:
        raise ImportRejected(
            [_("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)}]
        )
    try:
        root = SafeElementTree.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as error:
        raise ImportRejected(
            [
                _(
                    "The file declares a DTD, entities or external references, which are "
                    "refused for safety (%(reason)s)."
                )
                % {"reason": type(error).__name__}
            ]
        ) from error
    except ElementTree.ParseError as error:
        raise ImportRejected(
            [_("The file is not well-formed XML: %(error)s.") % {"error": error}]
        ) from error
    if root.tag != _q("xliff") or root.get("version") != "2.0":
        raise ImportRejected([_("The file is not an XLIFF 2.0 document.")])
    parsed = Parsed(root.get("srcLang", ""), root.get("trgLang", ""))
    errors, seen = [], set()
    for unit in root.iter(_q("unit")):
        unit_id = unit.get("id", "")
        parts = unit_id.split(".")
        kind = ALL_KINDS.get(parts[0]) if len(parts) == 3 else None
        if kind is None or not _is_id(parts[1]) or parts[2] not in kind.fields:
            errors.append(_("Unknown unit id “%(id)s”.") % {"id": unit_id})
            continue
        if unit_id in seen:
            errors.append(_("Unit %(id)s appears more than once.") % {"id": unit_id})
            continue
        seen.add(unit_id)
        parsed.units.append(
            Unit(
                unit_id=unit_id,
                kind=kind,
                pk=int(parts[1]),
                field=parts[2],
                fingerprint=unit.get(FINGERPRINT, ""),
                segments=_segments(unit, unit_id, errors),
            )
        )
    if errors:
        raise ImportRejected(errors)
    return parsed


def _load(units):
    """The objects the units point at, locked for the import, by (kind key, pk)."""
    found = {}
    for kind in ALL_KINDS.values():
        ids = {unit.pk for unit in units if unit.kind is kind}
        if not ids:
            continue
        objects = kind.model.objects.select_for_update().filter(pk__in=ids)
        if kind is PHOTO:
            objects = objects.select_related("article")
        for obj in objects:
            found[(kind.key, obj.pk)] = obj
    return found


def _source_language_of(kind, obj):
    return obj.article.source_language if kind is PHOTO else obj.source_language


def _code_errors(unit_id, segment, codes, content):
    """What is wrong with the inline codes of one target segment, in words."""
    expected = segment.codes()
    seen, problems = [], []

    def walk(items, in_link):
        for item in items:
            if isinstance(item, str):
                continue
            code = codes.get(item.code) if item.code in expected else None
            if code is None:
                problems.append(_("code %(code)s is not in the source") % {"code": item.code})
            elif item.code in seen:
                problems.append(_("code %(code)s appears twice") % {"code": item.code})
            elif code.paired != isinstance(item, inline.Span):
                problems.append(
                    _("code %(code)s is used as the wrong kind of code") % {"code": item.code}
                )
            elif in_link and code.kind == "link":
                problems.append(_("code %(code)s is a link inside a link") % {"code": item.code})
            seen.append(item.code)
            if isinstance(item, inline.Span):
                walk(item.content, in_link or (code is not None and code.kind == "link"))

    walk(content, False)
    missing = [code for code in expected if code not in seen]
    if missing:
        problems.append(_("codes missing: %(codes)s") % {"codes": ", ".join(missing)})
    return [
        _("Unit %(id)s, segment %(segment)s: %(problem)s.")
        % {"id": unit_id, "segment": segment.id, "problem": problem}
        for problem in problems
    ]


def _check_segments(unit, cut):
    """Errors of a translated unit against its source segments; sets `unit.target`."""
    errors = []
    expected = [segment.id for segment in cut.segments]
    found = [segment.id for segment in unit.segments]
    if sorted(found) != sorted(expected):
        return [
            _(
                "Unit %(id)s: its segments are not the exported ones "
                "(%(found)s instead of %(expected)s)."
            )
            % {
                "id": unit.unit_id,
                "found": ", ".join(found) or "-",
                "expected": ", ".join(expected),
            }
        ]
    if found != expected:
        return [_("Unit %(id)s: its segments were reordered.") % {"id": unit.unit_id}]
    targets = {}
    by_id = {segment.id: segment for segment in cut.segments}
    for segment in unit.segments:
        if segment.target is None or not inline.content_text(segment.target):
            errors.append(
                _("Unit %(id)s, segment %(segment)s: no translation (a unit is imported whole).")
                % {"id": unit.unit_id, "segment": segment.id}
            )
            continue
        if segment.state not in STATES - {"initial"}:
            errors.append(
                _(
                    "Unit %(id)s, segment %(segment)s: the target is still marked "
                    "state=“%(state)s”; mark it translated in your tool, or remove it."
                )
                % {"id": unit.unit_id, "segment": segment.id, "state": segment.state}
            )
            continue
        codes = _code_errors(unit.unit_id, by_id[segment.id], cut.codes, segment.target)
        errors += codes
        targets[segment.id] = segment.target
    if not errors:
        if unit.field in unit.kind.rich:
            unit.target = inline.rebuild(cut, targets)
        else:
            unit.target = "".join(item for item in targets["s1"] if isinstance(item, str))
    return errors


def _check(parsed, objects, target_language):
    errors = []
    if parsed.target_language != target_language:
        errors.append(
            _("The file's target language is “%(file)s”, but this import is into “%(chosen)s”.")
            % {"file": parsed.target_language, "chosen": target_language}
        )
    if parsed.source_language == parsed.target_language:
        errors.append(_("The file's source and target languages are the same."))
    for unit in parsed.units:
        obj = objects.get((unit.kind.key, unit.pk))
        if obj is None:
            errors.append(_("Unit %(id)s: no such object (deleted?).") % {"id": unit.unit_id})
            continue
        if _source_language_of(unit.kind, obj) != parsed.source_language:
            errors.append(
                _("Unit %(id)s: the object's original language is not the file's source language.")
                % {"id": unit.unit_id}
            )
            continue
        source = text(obj, unit.field, parsed.source_language)
        if unit.fingerprint != fingerprint(source):
            errors.append(
                _("Unit %(id)s: the source text changed since the file was exported.")
                % {"id": unit.unit_id}
            )
            continue
        if not unit.translated:
            continue
        unit_errors = _check_segments(unit, segmented(unit.kind, unit.field, source))
        errors += unit_errors
        limit = obj._meta.get_field(f"{unit.field}_{target_language}").max_length
        if not unit_errors and limit and len(unit.target.strip()) > limit:
            errors.append(
                _("Unit %(id)s: the translation is longer than %(limit)s characters.")
                % {"id": unit.unit_id, "limit": limit}
            )
    return errors


def _changes(parsed, objects, target_language):
    """{(kind key, pk): (kind, obj, {field: value}, {confirmed fields})} for what will change."""
    changes = {}
    for unit in parsed.units:
        if not unit.translated or is_blank(unit.target):
            continue
        obj = objects[(unit.kind.key, unit.pk)]
        entry = changes.setdefault((unit.kind.key, unit.pk), (unit.kind, obj, {}, set()))
        current = text(obj, unit.field, target_language)
        if normalise(current) != normalise(unit.target):
            entry[2][unit.field] = unit.target.strip()
        elif all(segment.state in VOUCHED_STATES for segment in unit.segments):
            entry[3].add(unit.field)
    return {key: value for key, value in changes.items() if value[2] or value[3]}


def import_file(data, *, file_name, target_language, user):
    """Validate every unit, then apply them all in one transaction, as one revision;
    returns the ImportLog. Raises ImportRejected with every problem found; the database
    is then unchanged."""
    parsed = parse(data)
    sha256 = hashlib.sha256(data).hexdigest()
    with services.recorded(user, f"XLIFF import {sha256}"):
        objects = _load(parsed.units)
        errors = _check(parsed, objects, target_language)
        if errors:
            raise ImportRejected(errors)
        changes = _changes(parsed, objects, target_language)
        if not changes:
            raise ImportRejected([_("The file holds no new or changed translations.")])
        # Photos before articles, so the article's stored state sees its photos' new texts.
        ordered = sorted(changes.values(), key=lambda entry: entry[0] is not PHOTO)
        for kind, obj, values, confirmed in ordered:
            services.save_translation(
                kind, obj, target_language, values, user=user, confirmed=confirmed
            )
        return ImportLog.objects.create(
            user=user,
            file_name=file_name[:255],
            file_size=len(data),
            file_sha256=sha256,
            source_language=parsed.source_language,
            target_language=target_language,
            unit_count=sum(len(values) + len(confirmed) for _k, _o, values, confirmed in ordered),
            changes=[
                {
                    "kind": kind.key,
                    "id": obj.pk,
                    "fields": sorted({*values, *confirmed}),
                }
                for kind, obj, values, confirmed in ordered
            ],
        )


def objects_for_export(items, target_language):
    """[(kind, obj, photos)] for board keys like "article:12", in the order given, and the
    one source language they share; objects written in the target language are skipped."""
    wanted = {}
    for item in items:
        key, _sep, pk = str(item).partition(":")
        if key in ALL_KINDS and key != PHOTO.key and _is_id(pk):
            wanted.setdefault(key, []).append(int(pk))
    result = []
    for key, ids in wanted.items():
        kind = ALL_KINDS[key]
        objects = kind.model.objects.filter(pk__in=ids)
        if kind is ARTICLE:
            objects = objects.prefetch_related("photos")
        for obj in objects:
            if obj.source_language == target_language:
                continue
            photos = list(obj.photos.all()) if kind is ARTICLE else []
            result.append((kind, obj, photos))
    return result
