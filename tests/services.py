"""What a test does when a service it needs is missing: skip on a developer's machine,
fail under CI=true, where every service must be there."""

import os

import pytest


def missing(what):
    message = f"needs {what}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}, and CI must have it", pytrace=False)
    pytest.skip(message)
