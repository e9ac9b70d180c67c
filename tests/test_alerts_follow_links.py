"""Readers find the alerts: the footer links to the subscribe page, a section or topic page
offers to follow it, and the subscribe page opens with that choice ticked. A value that
names nothing is ignored; a parameter the page does not read is redirected away."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils.translation import override

from news.models import Tag
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def subscribe_path(language="en"):
    with override(language):
        return reverse("alerts:subscribe")


def html_of(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return unescape(response.content.decode())


def checked(html, name, value):
    """Whether the box or button `name` with `value` is ticked."""
    parts = html.split(f'name="{name}" value="{value}"', 1)
    return len(parts) == 2 and "checked" in parts[1].split(">", 1)[0]


@pytest.mark.parametrize("language", ["az", "en"])
def test_the_footer_links_to_the_subscribe_page(client, language):
    html = html_of(client, f"/{language}/")
    assert f'href="{subscribe_path(language)}"' in html


def test_a_section_page_offers_to_follow_it_and_the_form_opens_with_it_ticked(client):
    category = CategoryFactory()
    ArticleFactory(category=category)
    with override("en"):
        html = html_of(client, category.get_absolute_url())
    link = f"{subscribe_path()}?section={category.pk}"
    assert f'href="{link}">Follow this section by e-mail</a>' in html
    form = html_of(client, link)
    assert checked(form, "categories", category.pk)


def test_a_topic_page_offers_to_follow_it_even_an_old_topic(client):
    tag = Tag.objects.create(name_az="Köhnə mövzu", name_en="Old topic")
    # Newer topics push it out of the ones the form shows by default.
    Tag.objects.bulk_create([Tag(name_az=f"M{n}", name_en=f"T{n}") for n in range(45)])
    ArticleFactory().tags.add(tag)
    with override("en"):
        html = html_of(client, tag.get_absolute_url())
    link = f"{subscribe_path()}?topic={tag.pk}"
    assert f'href="{link}">Follow this topic by e-mail</a>' in html
    form = html_of(client, link)
    assert "Old topic" in form
    assert checked(form, "tags", tag.pk)
    assert "Old topic" not in html_of(client, subscribe_path())


@pytest.mark.parametrize("value", ["999999", "abc", "-1", "1" * 40, "\u0661", ""])
def test_a_value_that_names_nothing_opens_the_plain_form(client, value):
    CategoryFactory()
    html = html_of(client, f"{subscribe_path()}?section={value}&topic={value}")
    assert "checked" not in html.split('name="categories"', 1)[1].split("</fieldset>", 1)[0]


def test_a_parameter_the_page_does_not_read_is_redirected_away(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    category = CategoryFactory()
    response = client.get(f"{subscribe_path()}?utm_source=x&section={category.pk}")
    assert response.status_code == 301
    assert response["Location"] == f"{subscribe_path()}?section={category.pk}"
    follow = client.get(response["Location"])
    assert follow.status_code == 200
    assert "no-cache" in follow["Cache-Control"] or "no-store" in follow["Cache-Control"]
