"""XLIFF 2.0 export and import of translatable text.

Export: one <file> per board object (an article's gallery photos go in the article's
file), one <unit> per field with source text, id "<kind>.<pk>.<field>". Each unit
carries the fingerprint of the source text it was exported with (attribute
``portal:fingerprint``), so an import can tell a translation of yesterday's text.
Rich text travels as escaped text: the HTML of the body is the content of <source>,
so tools show the tags as text and cannot turn them into live markup; on import the
target HTML is sanitised by the model's save, exactly like the editor's.

Import: parsed with defusedxml (no DTD, no entities, nothing external), then every unit
is checked before anything is written; any problem rejects the whole file.
"""

import hashlib
from dataclasses import dataclass, field
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.db import transaction
from django.utils.translation import gettext as _

from translators import services
from translators.fingerprints import fingerprint, is_blank, normalise
from translators.models import ImportLog
from translators.registry import ALL_KINDS, ARTICLE, PHOTO
from translators.state import text

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
PORTAL_NS = "urn:refugees-portal:translators:1"
FINGERPRINT = f"{{{PORTAL_NS}}}fingerprint"
MAX_BYTES = 2 * 1024 * 1024
MAX_ID = 2**63 - 1
CONTENT_TYPE = "application/xliff+xml; charset=utf-8"
# A translator who leaves a segment as is but marks it reviewed or final vouches for it.
VOUCHED_STATES = {"reviewed", "final"}

ElementTree.register_namespace("", XLIFF_NS)
ElementTree.register_namespace("portal", PORTAL_NS)


def _is_id(text):
    """A database id: ASCII digits within the range of a bigint."""
    return text.isascii() and text.isdigit() and int(text) <= MAX_ID


def _q(tag):
    return f"{{{XLIFF_NS}}}{tag}"


# Export ---------------------------------------------------------------------


def _add_unit(file_element, kind, obj, field_name, languages):
    source_language, target_language = languages
    source = text(obj, field_name, source_language)
    if is_blank(source):
        return
    unit = ElementTree.SubElement(
        file_element,
        _q("unit"),
        {"id": f"{kind.key}.{obj.pk}.{field_name}", FINGERPRINT: fingerprint(source)},
    )
    target = text(obj, field_name, target_language)
    segment = ElementTree.SubElement(
        unit, _q("segment"), {"state": "translated" if target.strip() else "initial"}
    )
    ElementTree.SubElement(segment, _q("source")).text = source
    if target.strip():
        ElementTree.SubElement(segment, _q("target")).text = target


def export(objects, source_language, target_language):
    """XLIFF 2.0 bytes for `objects`: a list of (kind, obj, photos)."""
    languages = (source_language, target_language)
    root = ElementTree.Element(
        _q("xliff"), {"version": "2.0", "srcLang": source_language, "trgLang": target_language}
    )
    for kind, obj, photos in objects:
        file_element = ElementTree.SubElement(
            root, _q("file"), {"id": f"{kind.key}.{obj.pk}", "original": f"{kind.key}/{obj.pk}"}
        )
        for field_name in kind.fields:
            _add_unit(file_element, kind, obj, field_name, languages)
        for photo in photos:
            for field_name in PHOTO.fields:
                _add_unit(file_element, PHOTO, photo, field_name, languages)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


# Import ---------------------------------------------------------------------


class ImportRejected(Exception):  # noqa: N818 - a rejection, not a crash
    def __init__(self, errors):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = list(errors)


@dataclass
class Unit:
    unit_id: str
    kind: object
    pk: int
    field: str
    fingerprint: str
    target: str
    state: str


@dataclass
class Parsed:
    source_language: str
    target_language: str
    units: list = field(default_factory=list)


def _segment_text(unit, tag, errors):
    """The joined text of `tag` (source/target) over the unit's segments; None if absent."""
    parts, found = [], False
    for child in unit:
        if child.tag not in (_q("segment"), _q("ignorable")):
            continue
        element = child.find(_q(tag))
        if element is None:
            continue
        found = True
        if len(element):
            errors.append(
                _("Unit %(id)s: inline codes inside <%(tag)s> are not supported.")
                % {"id": unit.get("id"), "tag": tag}
            )
            continue
        parts.append(element.text or "")
    return "".join(parts) if found else None


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
        target = _segment_text(unit, "target", errors)
        parsed.units.append(
            Unit(
                unit_id=unit_id,
                kind=kind,
                pk=int(parts[1]),
                field=parts[2],
                fingerprint=unit.get(FINGERPRINT, ""),
                target=target or "",
                state=next((s.get("state", "") for s in unit.iter(_q("segment"))), ""),
            )
        )
    if errors:
        raise ImportRejected(errors)
    return parsed


def _load(units, source_language):
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
        limit = obj._meta.get_field(f"{unit.field}_{target_language}").max_length
        if limit and len(unit.target.strip()) > limit:
            errors.append(
                _("Unit %(id)s: the translation is longer than %(limit)s characters.")
                % {"id": unit.unit_id, "limit": limit}
            )
    return errors


def _changes(parsed, objects, target_language):
    """{(kind key, pk): (kind, obj, {field: value}, {confirmed fields})} for what will change."""
    changes = {}
    for unit in parsed.units:
        if is_blank(unit.target):
            continue
        obj = objects[(unit.kind.key, unit.pk)]
        entry = changes.setdefault((unit.kind.key, unit.pk), (unit.kind, obj, {}, set()))
        current = text(obj, unit.field, target_language)
        if normalise(current) != normalise(unit.target):
            entry[2][unit.field] = unit.target.strip()
        elif unit.state in VOUCHED_STATES:
            entry[3].add(unit.field)
    return {key: value for key, value in changes.items() if value[2] or value[3]}


def import_file(data, *, file_name, target_language, user):
    """Validate every unit, then apply them all in one transaction; returns the ImportLog.

    Raises ImportRejected with every problem found; the database is then unchanged.
    """
    parsed = parse(data)
    with transaction.atomic():
        objects = _load(parsed.units, parsed.source_language)
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
            file_sha256=hashlib.sha256(data).hexdigest(),
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
