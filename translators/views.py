"""The translators' workspace: status board, side-by-side editor, XLIFF export and import.

Every view is wrapped in the admin's login check (see urls.py) and asks for the
"translate content" permission; a translator edits only the languages
translators.access allows them.
"""

from csp.decorators import csp_update
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from js_asset import Media as NonceMedia

from core.concurrency import StaleEditError, last_revision
from core.editor import editor_csp_update
from core.sanitizer import sanitize_html
from translators import (
    access,
    checks,
    glossary,
    history,
    inline,
    memory,
    selectors,
    services,
    state,
    xliff,
)
from translators.diff import word_diff
from translators.forms import BoardFilterForm, ImportForm, TranslationForm
from translators.models import ImportLog, TranslationSnapshot
from translators.registry import ARTICLE, BOARD_KINDS, PHOTO


def _require_translator(request):
    if not access.can_translate(request.user):
        raise PermissionDenied


def _context(request, **extra):
    return {**admin.site.each_context(request), **extra}


@require_safe
def board(request):
    _require_translator(request)
    languages = access.target_languages(request.user)
    default = access.default_language(request.user)
    data = request.GET.copy()
    if not data.get("language"):
        data["language"] = default
    form = BoardFilterForm(data)
    filters = form.cleaned_data if form.is_valid() else {}
    language = filters.get("language") or default
    category = filters.get("category")
    result = selectors.board(
        kind=filters.get("kind") or None,
        language=language,
        category_id=category.pk if category else None,
        state_filter=filters.get("state") or None,
        page_number=request.GET.get("page"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "admin/translators/board.html",
        _context(
            request,
            title=_("Translation status"),
            form=form,
            board=result,
            page_obj=result.articles,
            counts=[
                (code, name, result.counts[code]) for code, name in form.fields["language"].choices
            ],
            language=language,
            editable_languages=languages,
            query=query.urlencode(),
            # Editors follow the team's progress; translators see their own history.
            progress=selectors.progress() if request.user.has_perm(access.ANY_LANGUAGE) else None,
        ),
    )


def _object(kind_key, pk):
    kind = BOARD_KINDS.get(kind_key)
    if kind is None:
        raise Http404
    return kind, get_object_or_404(kind.model, pk=pk)


def _check_language(request, obj, language):
    if language not in access.target_languages(request.user):
        raise PermissionDenied
    if language == obj.source_language:
        # The original is the editors' text: the workspace never edits it.
        raise PermissionDenied


def _aids(form, source_language, language):
    """Per form field: the source's segments with memory suggestions, glossary entries."""
    terms = glossary.terms()
    segments, texts = {}, []
    for form_name, owner_kind, owner, name in form.entries:
        if name not in owner_kind.fields:
            continue
        source = state.text(owner, name, source_language)
        cut = xliff.segmented(owner_kind, name, source)
        segments[form_name] = [inline.content_text(s.content) for s in cut.segments]
        texts += segments[form_name]
    found = memory.suggestions(source_language, language, texts)
    aids = {}
    for form_name, _kind, owner, name in form.entries:
        source = state.text(owner, name, source_language)
        entries = glossary.used_in(source, source_language, language, terms)
        suggestions = [
            {
                "source": text,
                "matches": [
                    {**match, "target_html": mark_safe(sanitize_html(match["target"]))}
                    for match in found[text]
                ],
            }
            for text in segments.get(form_name, [])
            if text in found
        ]
        aids[form_name] = {"glossary": entries, "memory": suggestions}
    return aids, terms


def _sources(kind, obj, photos, *, source_language, language, form, findings=None):
    """One row per form field: source text, what changed since the last translation,
    memory suggestions, glossary entries and the checks' findings."""
    keys = [(kind.key, obj.pk)] + [(PHOTO.key, photo.pk) for photo in photos]
    snapshots = {
        (s.kind, s.object_id, s.field): s
        for s in TranslationSnapshot.objects.filter(language=language).filter(
            kind__in={key[0] for key in keys}, object_id__in={key[1] for key in keys}
        )
    }
    aids, _terms = _aids(form, source_language, language)
    rows = []
    for form_name, owner_kind, owner, name in form.entries:
        field_state = (
            state.field_state(owner, name, language, source_language)
            if name in owner_kind.fields
            else None
        )
        snapshot = snapshots.get((owner_kind.key, owner.pk, name))
        source = state.text(owner, name, source_language)
        rich = name in owner_kind.rich
        changes = None
        if field_state == state.OUTDATED and snapshot is not None:
            changes = word_diff(snapshot.source_text, source)
        aid = aids[form_name]
        rows.append(
            {
                "field": form[form_name],
                "confirm": form[f"confirm-{form_name}"]
                if f"confirm-{form_name}" in form.fields
                else None,
                "source": source,
                # Stored bodies are clean already; cleaning again costs little and
                # keeps this page safe even if a row was written around the model.
                "source_html": mark_safe(sanitize_html(source))
                if rich
                else glossary.highlight(source, aid["glossary"], source_language),
                "rich": rich,
                "state": field_state,
                "label": state.LABELS.get(field_state, ""),
                "changes": changes,
                "photo": owner if owner_kind is PHOTO else None,
                "glossary": aid["glossary"],
                "memory": aid["memory"],
                "findings": (findings or {}).get(form_name, []),
            }
        )
    return rows


def _conflict(obj):
    """Who saved `obj` last, for the conflict answer (None if no revision says)."""
    current = type(obj)._default_manager.filter(pk=obj.pk).first()
    revision = last_revision(current) if current is not None else None
    return {"current": current, "revision": revision}


def _save(request, kind, obj, photos, form, language, findings):  # noqa: PLR0917
    """Save the form as one revision; StaleEditError if someone saved since it opened."""
    values, confirmed = form.values_for(obj)
    comment = services.EDITOR_COMMENT
    reason = form.cleaned_data.get("override_reason")
    if reason and any(f.needs_reason for found in findings.values() for f in found):
        comment = f"{comment}; {_('warnings overridden')}: {reason}"
    with services.recorded(request.user, comment):
        services.save_translation(
            kind,
            obj,
            language,
            values,
            user=request.user,
            confirmed=confirmed,
            photos=[(photo, *form.values_for(photo)) for photo in photos],
            opened_version=form.opened_version(),
        )


def _notices(request, form, findings):
    """What the checks noticed in a saved translation, as messages on the next page."""
    for form_name, found in findings.items():
        label = form.fields[form_name].label
        for finding in found:
            if finding.level == checks.NOTICE:
                messages.warning(request, f"{label}: {finding.message}")


def _after_save(request, kind, obj, language):
    messages.success(request, _("The translation was saved."))
    if "_next" in request.POST:
        following = selectors.next_needing_work(kind, language, obj.pk)
        if following is None:
            messages.info(request, _("Nothing else is waiting in this language."))
            return redirect(f"{reverse('translators:board')}?language={language}")
        return redirect("translators:edit", kind.key, following.pk, language)
    return redirect("translators:edit", kind.key, obj.pk, language)


@require_http_methods(["GET", "HEAD", "POST"])
# The rich-text editor's one injected style block, allowed by hash as on the article form.
@csp_update(editor_csp_update())
def edit(request, kind_key, pk, language):
    _require_translator(request)
    kind, obj = _object(kind_key, pk)
    _check_language(request, obj, language)
    source_language = obj.source_language
    photos = list(obj.photos.all()) if kind is ARTICLE else []
    outdated = _outdated_names(kind, obj, photos, language, source_language)
    form = TranslationForm(
        request.POST or None,
        kind=kind,
        obj=obj,
        photos=photos,
        language=language,
        source_language=source_language,
        outdated=outdated,
    )
    findings, conflict, status = {}, None, 200
    if request.method == "POST":
        if form.is_valid():
            findings = form.findings(glossary.terms())
            levels = {f.level for found in findings.values() for f in found}
            reason = form.cleaned_data["override_reason"]
            overridden = form.cleaned_data["override"] and reason
            if form.cleaned_data["override"] and not reason:
                form.add_error("override_reason", _("Say why the warnings do not apply."))
            elif checks.BLOCKING not in levels and (checks.CONFIRM not in levels or overridden):
                try:
                    _save(request, kind, obj, photos, form, language, findings)
                except StaleEditError:
                    conflict = _conflict(obj)
                    form.carry_version(conflict["current"].edit_version)
                else:
                    _notices(request, form, findings)
                    return _after_save(request, kind, obj, language)
        elif form.has_error(NON_FIELD_ERRORS, "source_changed"):
            conflict = _conflict(obj)
            if "edit_version" in form.fields and conflict["current"] is not None:
                form.carry_version(conflict["current"].edit_version)
        status = 409 if conflict else 400
    return render(
        request,
        "admin/translators/edit.html",
        _context(
            request,
            title=_("Translate: %(object)s") % {"object": obj},
            kind=kind,
            object=obj,
            form=form,
            media=_media(request, form),
            rows=_sources(
                kind,
                obj,
                photos,
                source_language=source_language,
                language=language,
                form=form,
                findings=findings,
            ),
            warnings=any(f.needs_reason for found in findings.values() for f in found),
            conflict=conflict,
            language=language,
            source_language=source_language,
            public_url=obj.get_absolute_url(language) if kind is ARTICLE else None,
        ),
        status=status,
    )


def _media(request, form):
    """The form's media with the CSP nonce on the editor's inline import map."""
    # django-csp's lazy nonce is falsy until first read, so test for presence, not truth.
    nonce = getattr(request, "csp_nonce", None)
    if nonce is None:
        return form.media
    return NonceMedia.from_media(form.media, nonce=str(nonce))


def _outdated_names(kind, obj, photos, language, source_language):
    names = {
        name
        for name, value in state.field_states(obj, kind, language, source_language).items()
        if value == state.OUTDATED
    }
    for photo in photos:
        for name, value in state.field_states(photo, PHOTO, language, source_language).items():
            if value == state.OUTDATED:
                names.add(f"photo-{photo.pk}-{name}")
    return names


@require_safe
def export(request):
    _require_translator(request)
    language = request.GET.get("language") or access.default_language(request.user)
    if language not in access.target_languages(request.user):
        raise PermissionDenied
    objects = xliff.objects_for_export(request.GET.getlist("items"), language)
    source_languages = {obj.source_language for _kind, obj, _photos in objects}
    if len(source_languages) != 1:
        messages.error(
            request,
            _("Choose objects written in one original language.")
            if objects
            else _("Choose at least one object that needs this language."),
        )
        return redirect(f"{reverse('translators:board')}?language={language}")
    data = xliff.export(
        objects,
        source_languages.pop(),
        language,
        base_url=request.build_absolute_uri("/"),
        prefill=request.GET.get("memory") == "1",
    )
    response = HttpResponse(data, content_type=xliff.CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="translations-{language}-{stamp}.xlf"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def import_file(request):
    _require_translator(request)
    languages = access.target_languages(request.user)
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        languages=languages,
        initial={"language": access.default_language(request.user)},
    )
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > xliff.MAX_BYTES:
            errors = [
                _("The file is larger than %(size)s MB.")
                % {"size": xliff.MAX_BYTES // (1024 * 1024)}
            ]
        else:
            try:
                log = xliff.import_file(
                    upload.read(),
                    file_name=upload.name,
                    target_language=form.cleaned_data["language"],
                    user=request.user,
                )
            except xliff.ImportRejected as rejected:
                errors = rejected.errors
            else:
                # The admin capitalises a message's first letter: the file name must not
                # come first in any language, or "filled.xlf" reads "Filled.xlf".
                messages.success(
                    request,
                    _("%(count)s translations were imported from the file “%(name)s”.")
                    % {"count": log.unit_count, "name": log.file_name},
                )
                return redirect("translators:import")
    status = 400 if errors else 200
    return render(
        request,
        "admin/translators/import.html",
        _context(
            request,
            title=_("Import an XLIFF file"),
            form=form,
            errors=errors,
            recent=ImportLog.objects.select_related("user")[:10],
        ),
        status=status,
    )


@require_safe
def own_history(request):
    """The translator's own saves and imports, newest first, with what each changed."""
    _require_translator(request)
    return render(
        request,
        "admin/translators/history.html",
        _context(
            request,
            title=_("My translation history"),
            page_obj=history.own_history(request.user, request.GET.get("page")),
            language=access.default_language(request.user),
        ),
    )
