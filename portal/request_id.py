"""The id of the request being served, for logs and the X-Request-ID header."""

import contextvars
import re
import uuid

_request_id = contextvars.ContextVar("request_id", default=None)
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id():
    return _request_id.get()


def begin(incoming=None):
    """Start a request: keep a well-formed incoming id (from a proxy), else make one."""
    value = incoming if incoming and _ACCEPTABLE.match(incoming) else uuid.uuid4().hex
    return _request_id.set(value), value


def end(token=None):
    """Forget the id. Called when the response is finished, not when the middleware
    returns: Django logs a 4xx/5xx answer after the whole middleware chain is done."""
    if token is None:
        _request_id.set(None)
    else:
        _request_id.reset(token)
