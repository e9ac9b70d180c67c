"""Keyboard only: the skip link comes first and works, every control is reached by Tab,
and whatever has the focus shows it."""

import pytest
from playwright.sync_api import expect

from tests.browser.site_pages import url_for

# Everything a keyboard user must be able to reach, as the page shows it.
MARK_CONTROLS = """() => {
  const selector = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), "
    + "select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";
  const controls = [...document.querySelectorAll(selector)].filter((el) =>
    el.getClientRects().length && getComputedStyle(el).visibility !== "hidden"
    && !el.closest("[aria-hidden=true], [inert]") && el.tabIndex >= 0
    // A radio group is one Tab stop (the checked radio); arrows move inside it.
    && !(el.type === "radio" && !el.checked
         && document.querySelector(`input[type=radio][name="${el.name}"]:checked`)));
  controls.forEach((el, index) => { el.dataset.control = String(index); });
  return controls.length;
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    control: el.dataset.control ?? null,
    name: (el.getAttribute("aria-label") || el.textContent || el.name || "").trim().slice(0, 40),
    tag: el.tagName,
    outline: style.outlineStyle !== "none" ? parseFloat(style.outlineWidth) : 0,
    ring: style.boxShadow !== "none",
    focusVisible: el.matches(":focus-visible"),
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0,
  };
}"""


def test_the_skip_link_is_the_first_stop_and_jumps_to_the_content(page):
    page.goto("/az/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Əsas məzmuna keç")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "content"
    # The next Tab goes on from the content, not from the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("() => Boolean(document.activeElement.closest('main'))")


@pytest.mark.parametrize(
    ("page_type", "language"),
    [
        ("home", "az"),
        ("article-photo", "en"),
        ("listing", "az"),
        ("search", "en"),
        ("appeal", "az"),
    ],
)
def test_every_control_is_reached_by_tab_and_shows_its_focus(page, page_type, language):
    page.goto(url_for(page_type, language))
    count = page.evaluate(MARK_CONTROLS)
    assert count > 10
    reached = set()
    for _ in range(count + 5):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break  # past the last control, back to the browser's own UI
        assert focused["focusVisible"], focused
        assert focused["outline"] >= 2 or focused["ring"], f"no visible focus: {focused}"
        assert focused["onScreen"], focused
        if focused["control"] is not None:
            reached.add(int(focused["control"]))
    missing = set(range(count)) - reached
    names = page.evaluate(
        "(ids) => ids.map((id) => document.querySelector(`[data-control='${id}']`).outerHTML"
        ".slice(0, 120))",
        sorted(missing),
    )
    assert not missing, names


def test_the_language_switch_and_search_work_from_the_keyboard(page):
    page.goto("/en/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # the language switch comes next
    expect(page.get_by_role("link", name="Azərbaycanca")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "az")

    page.get_by_role("searchbox").focus()
    page.keyboard.type("Qayıdış")
    page.keyboard.press("Enter")
    expect(page.locator(".search-result").first).to_be_visible()
