"""Newsroom users: an Editor, an Author and a plain staff member, from the migration's groups."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "Newsroom-pass-2026!"
_numbers = itertools.count(1)


def staff_user(username, group=None, **extra):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.gov.az", PASSWORD, is_staff=True, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def editor(username=None):
    return staff_user(username or f"editor{next(_numbers)}", "Editor")


def author(username=None):
    return staff_user(username or f"author{next(_numbers)}", "Author")


def admin_form_data(response, form_id="article_form"):
    """What a browser would send back from an admin form page, as a dict for client.post."""
    from bs4 import BeautifulSoup

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
