from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "activeportal.settings")
# Web requests run small queries: no parallel workers (see DATABASES in settings).
os.environ.setdefault("DATABASE_PARALLEL_WORKERS", "0")
application = get_wsgi_application()
