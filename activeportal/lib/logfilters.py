"""Log filters: what the portal's logs may not hold."""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


class QueryStringsOff(logging.Filter):
    """Drops the query string from the request lines of runserver's log (``django.server``):
    a search's query can hold an NHS number or a name. gunicorn's access log is set the same
    way in gunicorn.conf.py."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(
                _QUERY.sub("?…", arg) if isinstance(arg, str) else arg for arg in record.args
            )
        record.msg = _QUERY.sub("?…", str(record.msg))
        return True
