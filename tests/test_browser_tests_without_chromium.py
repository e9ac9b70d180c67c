"""Without Chromium, the run says so in one line and leaves out only the browser tests;
in CI a missing Chromium is an error, unless the run leaves the browser tests out itself
(`-m "not browser"`, as make test-fast does). Run as a child pytest with CHROMIUM_PATH
pointing nowhere, so this holds whatever the machine has."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SELECTION = ["tests/browser/test_harness.py", "tests/test_text.py"]

pytestmark = pytest.mark.slow  # a pytest of its own per test


def run_pytest(*options, **env):
    environment = {
        **os.environ,
        "CHROMIUM_PATH": "/nonexistent/chromium",
        # Its own name, should the selection ever need a database.
        "TEST_DATABASE_NAME": "test_browser_absent",
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options, *SELECTION],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_chromium_one_line_says_so_and_the_rest_runs():
    result = run_pytest(CI="")
    lines = result.stdout.splitlines()
    said = [line for line in lines if "Browser tests skipped" in line]
    assert said == ["Browser tests skipped: /nonexistent/chromium is missing."], result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
    assert any("passed" in line and "deselected" in line for line in lines), result.stdout


def test_in_ci_a_missing_chromium_fails_the_run():
    result = run_pytest(CI="true")
    assert result.returncode != 0
    assert "/nonexistent/chromium is missing; CI must run the browser tests." in (
        result.stdout + result.stderr
    )


def test_in_ci_a_run_without_the_browser_tests_needs_no_browser():
    result = run_pytest("-m", "not browser", CI="true")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CI must run the browser tests" not in result.stdout + result.stderr
    assert "Browser tests skipped" not in result.stdout
    assert any("passed" in line and "deselected" in line for line in result.stdout.splitlines())
