"""What a browser sends back from the admin's and the site's forms, for client.post."""

import time

from bs4 import BeautifulSoup

from portal.forms import sign_start


def in_english(client):
    """Tests that read messages ask in English: public pages follow the browser's language,
    admin pages the staff user's admin language, kept in the session (portal.middleware)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    session = client.session
    session["admin_language"] = "en"
    session.save()
    return client


def admin_form_data(response, form_id="article_form"):
    """What a browser would send back from an admin form page, as a dict for client.post."""
    form = BeautifulSoup(response.content, "html.parser").find("form", id=form_id)
    assert form is not None, f"no form #{form_id} on the page"
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        kind = field.get("type")
        if not name or kind in {"submit", "file", "button"} or "__prefix__" in name:
            continue
        if kind in {"checkbox", "radio"}:
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
            continue
        if field.name == "select":
            chosen = field.find_all("option", selected=True)
            if field.has_attr("multiple"):
                data[name] = [option.get("value") for option in chosen]
            else:
                option = chosen[0] if chosen else field.find("option")
                data[name] = option.get("value", "") if option else ""
        elif field.name == "textarea":
            data[name] = field.text.lstrip("\n")
        else:
            data[name] = field.get("value", "")
    return data


def post_translation(client, url, data):
    """POST the editor form as a browser would: with the original's fingerprint and the
    edit version it showed."""
    page = BeautifulSoup(client.get(url).content, "html.parser")
    hidden = {
        name: (page.select_one(f'input[name="{name}"]') or {}).get("value", "")
        for name in ("sources", "edit_version")
    }
    return client.post(url, {**hidden, **data})


def static_page_with_document(document_file, title_az="Qanun", title_en="Law"):
    """(a new static page, what its admin change form sends with one document added)."""
    from portal.models import StaticPage

    page = StaticPage(title_az="Qanunvericilik", title_en="Legislation")
    page.save()
    data = {
        "title_az": page.title_az,
        "title_en": page.title_en,
        "slug_az": page.slug_az,
        "slug_en": page.slug_en,
        "body_az": "",
        "body_en": "",
        "menu_order": 4,
        "show_in_menu": "on",
        "is_published": "on",
        "source_language": "az",
        "edit_version": str(page.edit_version),  # the version the form was opened at
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000",
        "documents-0-title_az": title_az,
        "documents-0-title_en": title_en,
        "documents-0-order": "1",
        "documents-0-file": document_file,
    }
    return page, data


def appeal_data(**overrides):
    """The appeal form filled in as a citizen would, started 30 s ago (past the spam timer)."""
    data = {
        "name": "Aysel Məmmədova",
        "email": "aysel@example.az",
        "phone": "+994 50 123 45 67",
        "subject": "Mənzil növbəsi",
        "message": "Hörmətli Komitə, mənzil növbəsi barədə məlumat istəyirəm.",
        "website": "",
        "started": sign_start(time.time() - 30),
    }
    data.update(overrides)
    return data
