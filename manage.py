#!/usr/bin/env python
"""Django's command-line utility for the portal."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # manage.py is the developer's tool: with nothing configured at all it runs in
    # development mode, so `python manage.py makemigrations` works on a fresh checkout.
    # A production environment always has SECRET_KEY, and then DEBUG stays off unless
    # set; gunicorn (portal/wsgi.py) never takes this default.
    if "DEBUG" not in os.environ and "SECRET_KEY" not in os.environ:
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
