"""The newsroom at work during a benchmark: an editor who edits a published article through
the admin every few seconds, as a browser would.

It signs in through the admin's login form, then for each edit fetches the article's
change form, sends back every field the form holds (hidden ones such as a version stamp,
inline formsets' management fields, selects, checkboxes: whatever the form has today, not
a fixed list) with a new title, and expects the admin's redirect. Every save bumps the
content version, so every cached fragment on the site goes cold: the readers measured
meanwhile see what readers see while a newsroom works.
"""

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from bs4 import BeautifulSoup

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120 newsroom-bench-editor"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def form_data(html, form_id="article_form"):
    """What a browser sends back from the admin form `form_id`: a list of (name, value)."""
    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    if form is None:
        raise RuntimeError(f"no form #{form_id} on the change page")
    data = []
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        kind = (field.get("type") or "").lower()
        if not name or kind in {"submit", "file", "button", "image", "reset"}:
            continue
        if "__prefix__" in name:  # the empty inline row the admin's script clones
            continue
        if kind in {"checkbox", "radio"}:
            if field.has_attr("checked"):
                data.append((name, field.get("value", "on")))
        elif field.name == "select":
            chosen = field.find_all("option", selected=True)
            if field.has_attr("multiple"):
                data.extend((name, option.get("value", "")) for option in chosen)
            else:
                option = chosen[0] if chosen else field.find("option")
                data.append((name, option.get("value", "") if option else ""))
        elif field.name == "textarea":
            data.append((name, field.text.removeprefix("\n")))
        else:
            data.append((name, field.get("value", "")))
    return data


def form_errors(html):
    page = BeautifulSoup(html, "html.parser")
    found = [item.get_text(" ", strip=True) for item in page.select(".errorlist, .errornote")]
    return "; ".join(found)[:500] or "the form came back without a redirect"


class Editor(threading.Thread):
    """Edits the articles `article_ids` in turn, one every `every` seconds, until stopped."""

    def __init__(self, base_url, username, password, article_ids, every=10.0):
        super().__init__(daemon=True)
        self.base = base_url.rstrip("/")
        self.username, self.password = username, password
        self.article_ids = list(article_ids)
        self.every = every
        self.stopping = threading.Event()
        self.edits = []  # (seconds the save took, article id)
        self.failures = []
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _NoRedirect()
        )
        self.opener.addheaders = [("User-Agent", USER_AGENT)]

    def _open(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if body is not None:
            request.add_header("Referer", self.base + path)
            request.add_header("Origin", self.base)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")

    def sign_in(self):
        status, _, html = self._open("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or not token:
            raise RuntimeError(f"admin login page answered {status}")
        status, _, _ = self._open(
            "/admin/login/?next=/admin/",
            [
                ("csrfmiddlewaretoken", token.group(1)),
                ("username", self.username),
                ("password", self.password),
            ],
        )
        if status != 302:
            raise RuntimeError(f"the editor could not sign in (answer {status})")

    def edit(self, article_id, number):
        path = f"/admin/news/article/{article_id}/change/"
        status, _, html = self._open(path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        data = form_data(html)
        for index, (name, value) in enumerate(data):
            if name == "title_az":
                base = re.sub(r" \(redaktə \d+\)$", "", value)
                data[index] = (name, f"{base} (redaktə {number})")
        data.append(("_continue", "Save and continue editing"))
        started = time.monotonic()
        status, _, html = self._open(path, data)
        took = time.monotonic() - started
        if status != 302:
            raise RuntimeError(f"saving article {article_id}: {status}: {form_errors(html)}")
        self.edits.append((took, article_id))

    def run(self):
        try:
            self.sign_in()
        except Exception as error:  # reported by the runner, which fails the run
            self.failures.append(str(error))
            return
        number = 0
        while not self.stopping.wait(self.every if number else 0.5):
            article_id = self.article_ids[number % len(self.article_ids)]
            number += 1
            try:
                self.edit(article_id, number)
            except Exception as error:  # as above
                self.failures.append(str(error))

    def stop(self):
        self.stopping.set()
        self.join(timeout=60)
