"""Settings for the site run as a child process by the operations tests: the test
settings (no static manifest needed), with the media folder taken from MEDIA_ROOT."""

import os
from pathlib import Path

from tests.settings import *  # noqa: F403

if os.environ.get("MEDIA_ROOT"):
    MEDIA_ROOT = Path(os.environ["MEDIA_ROOT"])
