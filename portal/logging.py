"""Log records as one JSON object a line on stdout, tagged with the request id.

Django's own records and gunicorn's (errors and the access log) share the format, so one
`jq 'select(.request_id == "…")'` follows a request through both.
"""

import datetime
import json
import logging
import sys

from portal.request_id import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = request.method
            entry["path"] = request.path
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def access_entry(atoms):
    """One gunicorn access-log line from its atoms (see gunicorn.glogging.Logger.atoms)."""
    return {
        "time": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "level": "INFO",
        "logger": "gunicorn.access",
        "request_id": atoms.get("{x-request-id}o"),
        "remote_addr": atoms["h"],
        "method": atoms["m"],
        "path": atoms["U"],
        "query": atoms["q"] or "",
        "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
        "bytes": atoms["B"],
        "duration_ms": atoms["M"],
        "user_agent": atoms["a"],
        "pid": atoms["p"].strip("<>"),
    }


try:
    from gunicorn import glogging
except ImportError:  # management commands and tests need no gunicorn
    glogging = None

if glogging is not None:

    class GunicornJsonLogger(glogging.Logger):
        """gunicorn's logger, writing JSON lines to stdout (errors included)."""

        def setup(self, cfg):
            super().setup(cfg)
            for handler in self.error_log.handlers:
                if isinstance(handler, logging.StreamHandler):
                    handler.setStream(sys.stdout)
                handler.setFormatter(JsonFormatter())
            for handler in self.access_log.handlers:
                handler.setFormatter(logging.Formatter("%(message)s"))

        def access(self, resp, req, environ, request_time):
            if not self.access_log_enabled:
                return
            try:
                entry = access_entry(self.atoms(resp, req, environ, request_time))
                self.access_log.info(json.dumps(entry, ensure_ascii=False, default=str))
            except Exception:
                self.exception("could not write the access log")
