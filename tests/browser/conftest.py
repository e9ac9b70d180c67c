"""The browser harness: Debian's Chromium through Playwright against a live Django server
over the demo content (`demo_site`, loaded once per module).

Every test here gets the `browser` marker. A page from the `page` fixture records console
errors, uncaught exceptions and Content-Security-Policy violation events; any of them fails
the test. Without /usr/bin/chromium (or without Playwright) the browser tests are left out
with one plain line, except in CI (CI=true), where a missing browser fails the run. Left
out by `-m "not browser"`, they need neither.
"""

import importlib.util
import io
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style

from tests.services import in_ci

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
BROWSER_DIR = Path(__file__).resolve().parent
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
_missing_key = pytest.StashKey[str]()


def is_browser_test(item):
    return BROWSER_DIR in Path(str(item.path)).parents


def missing_browser():
    """What the browser tests lack on this machine, or None."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install -r requirements-dev.txt)"
    return None


def pytest_itemcollected(item):
    # At collection, so that `-m "not browser"` sees the marker.
    if is_browser_test(item):
        item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("django_db") is None:
            # Makes pytest-django create the test database for these tests too, and keep
            # a copy of what the migrations put there (groups, permissions) for
            # demo_site to restore after it empties the database.
            item.add_marker(pytest.mark.django_db(serialized_rollback=True))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Last: only the browser tests still selected (after -m, -k) need a browser.
    browser_items = [item for item in items if is_browser_test(item)]
    reason = browser_items and missing_browser()
    if not reason:
        return
    if in_ci():
        pytest.exit(f"{reason}; CI must run the browser tests.", returncode=1)
    # Left out rather than skipped one by one, so the report says it once.
    config.hook.pytest_deselected(items=browser_items)
    kept = set(map(id, browser_items))
    items[:] = [item for item in items if id(item) not in kept]
    config.stash[_missing_key] = reason


def pytest_terminal_summary(terminalreporter, config):
    if config.stash.get(_missing_key, None):
        terminalreporter.write_line(f"Browser tests skipped: {config.stash[_missing_key]}.")
        return
    from tests.browser.checkers import FINDINGS

    if FINDINGS:
        terminalreporter.section("accessibility checks per page")
        terminalreporter.write_line(f"{'page':<24} {'axe violations':>15} {'HTML errors':>12}")
        for name, counts in sorted(FINDINGS.items()):
            axe, html = counts.get("axe", "-"), counts.get("html", "-")
            terminalreporter.write_line(f"{name:<24} {axe!s:>15} {html!s:>12}")


# --- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def async_unsafe_allowed():
    """Playwright's sync API keeps an event loop running in this thread, and Django refuses
    ORM calls from a thread with a running loop unless told this is deliberate. Only while
    a browser module runs: the variable must not leak into other tests (or their
    subprocesses: `check --deploy` rightly fails on it)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def playwright_instance(async_unsafe_allowed):
    # Per module, not per session: the loop it runs must be gone before other tests run.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class PageProblems:
    """What went wrong in the browser while a test ran."""

    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    csp_violations: list = field(default_factory=list)
    allowed: list = field(default_factory=list)

    def report_csp_violation(self, report):
        # A bound method of our own: Playwright cannot wrap a builtin like list.append.
        self.csp_violations.append(report)

    def allow(self, pattern):
        """Expect console errors matching `pattern` (e.g. the 404 page's own status)."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self):
        console = [
            text
            for text in self.console_errors
            if not any(pattern.search(text) for pattern in self.allowed)
        ]
        return [
            *(f"console error: {text}" for text in console),
            *(f"uncaught exception: {text}" for text in self.page_errors),
            *(f"CSP violation: {text}" for text in self.csp_violations),
        ]


# Every watched page of the running test; cleared before each test's setup.
_watched = []

# Runs before any page script and is not subject to the page's CSP.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${event.documentURI}`
  );
});
"""


def watch(page):
    problems = PageProblems()

    def on_console(message):
        if message.type == "error":
            location = message.location.get("url", "")
            problems.console_errors.append(f"{message.text} ({location})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.page_errors.append(str(error)))
    page.expose_function("__reportCspViolation", problems.report_csp_violation)
    page.add_init_script(CSP_LISTENER)
    page.problems = problems
    _watched.append(problems)
    return problems


def open_page(browser, base_url, *, viewport=DESKTOP, **context_options):
    context = browser.new_context(
        viewport=viewport, base_url=base_url, locale="az-AZ", **context_options
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch(page)
    return context, page


@pytest.fixture
def base_url(demo_site):
    """Where pages are opened: the demo site, unless a module overrides this fixture."""
    return demo_site.url


@pytest.fixture
def page(browser, base_url):
    """A desktop-sized page whose console errors and CSP violations fail the test."""
    context, page = open_page(browser, base_url)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, base_url):
    """A 375 px wide phone screen, touch and all."""
    context, page = open_page(browser, base_url, viewport=PHONE, is_mobile=True, has_touch=True)
    yield page
    context.close()


@pytest.fixture
def open_browser_page(browser, base_url):
    """Open more pages with their own context options; all are watched and closed."""
    contexts = []

    def opener(**options):
        context, page = open_page(browser, base_url, **options)
        contexts.append(context)
        return page

    yield opener
    for context in contexts:
        context.close()


def pytest_runtest_setup(item):
    _watched.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    problems = [problem for watched in _watched for problem in watched.unexpected()]
    if problems:
        pytest.fail("The browser reported:\n" + "\n".join(problems), pytrace=False)
    return result


# --- the site -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def migrated_state(django_db_setup):
    """What the migrations put in the test database (groups, permissions), as pytest-django
    serialised it. Taken before any Playwright starts: under Playwright's running loop the
    main thread gets other connection objects, which do not carry it."""
    from django.db import connection

    return getattr(connection, "_test_serialized_contents", None)


def reset_database(migrated_state):
    """Empty the test database and put back what the migrations made, as Django's
    TransactionTestCase does with serialized_rollback."""
    from django.db import connection

    # Never anything but a test database.
    assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=bool(migrated_state))
    if migrated_state:
        connection.creation.deserialize_db_from_string(migrated_state)
    # flush restarts every sequence at 1, and the rows just put back (the glossary the
    # migrations seed) hold the first ids: move each sequence past its table's rows.
    statements = connection.ops.sequence_reset_sql(
        no_style(), apps.get_models(include_auto_created=True)
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        # The search's word list is a table of its own, kept by a trigger and outside
        # Django's models, so flush leaves the words of the demo behind.
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE news_searchword")


@pytest.fixture(scope="module")
def demo_site(migrated_state, async_unsafe_allowed, django_db_blocker, tmp_path_factory):
    """A live server over the demo content, loaded once per test module.

    pytest-django's own live_server empties the database after every test (it is a
    transactional test), and loading the demo with its photos takes seconds; readers'
    pages only read, so one module shares one load. The data is committed for the
    server's thread to see, and removed when the module ends, with what the migrations
    put there restored (a transactional test before may have emptied it without that).
    """
    from django.db import connections
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        reset_database(migrated_state)
        server = LiveServer("localhost")
        try:
            call_command("load_demo", verbosity=0, stdout=io.StringIO())
            yield server
        finally:
            server.stop()
            reset_database(migrated_state)
            # Connections opened under Playwright's loop belong to it: close them here, or
            # the test database cannot be dropped at the end of the run.
            connections.close_all()
    shutil.rmtree(media, ignore_errors=True)
