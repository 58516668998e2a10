#!/usr/bin/env python
from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "activeportal.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        _ = settings.INSTALLED_APPS  # load settings now, to report a bad setting in one line
    except ImproperlyConfigured as exc:
        sys.exit(f"ActivePortal cannot start: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
