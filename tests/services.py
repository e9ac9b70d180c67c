"""What a test does when a service it needs is missing (PostgreSQL, Redis, Chromium):
skip on a developer's machine, fail under CI=true, where every service must be there."""

import os

import pytest


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing(what):
    message = f"needs {what}"
    if in_ci():
        pytest.fail(f"{message}, and CI must have it", pytrace=False)
    pytest.skip(message)
