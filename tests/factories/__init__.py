"""Test data: content, users, images and form data. `from tests.factories import …` for
the common names; image files from `tests.factories.photos`."""

from tests.factories.content import (
    ArticleFactory,
    CategoryFactory,
    azerbaijani_only,
    english_only,
    make_photo,
)
from tests.factories.forms import (
    admin_form_data,
    appeal_data,
    in_english,
    post_translation,
    static_page_with_document,
)
from tests.factories.users import (
    PASSWORD,
    author,
    editor,
    make_translator,
    staff_user,
)

__all__ = [
    "PASSWORD",
    "ArticleFactory",
    "CategoryFactory",
    "admin_form_data",
    "appeal_data",
    "author",
    "azerbaijani_only",
    "editor",
    "english_only",
    "in_english",
    "make_photo",
    "make_translator",
    "post_translation",
    "staff_user",
    "static_page_with_document",
]
