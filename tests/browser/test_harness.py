"""The harness itself: it notices what the browser complains about."""

INLINE_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.ran = true";
  document.body.append(script);
}"""


def test_an_inline_script_is_blocked_and_reported_as_a_csp_violation(page):
    page.goto("/en/")
    page.evaluate(INLINE_SCRIPT)
    page.wait_for_function("() => true")
    assert page.evaluate("() => window.ran") is None
    page.wait_for_timeout(100)
    problems = page.problems.unexpected()
    assert any(p.startswith("CSP violation: script-src") for p in problems), problems
    # Seen and checked: not a failure of this test.
    page.problems.csp_violations.clear()
    page.problems.console_errors.clear()


def test_an_uncaught_exception_is_reported(page):
    page.goto("/az/")
    page.evaluate("() => setTimeout(() => { throw new Error('boom'); })")
    page.wait_for_timeout(100)
    assert any("boom" in p for p in page.problems.unexpected())
    page.problems.page_errors.clear()
