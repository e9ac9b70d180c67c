"""The benchmark's settings: the production ones, plus a header that tells the load
generator how much SQL each answer ran.

gunicorn runs with DJANGO_SETTINGS_MODULE=benchsite and bench/ on PYTHONPATH
(bench/run.py). `X-Bench-Queries` counts every query of the request, the content-version
read included; an answer that ran more than its page's warm count (plus that one read)
was rendered with cold fragments, and bench/status.lua counts it as cold. Counting costs
a function call per query, on every page alike.
"""

from portal.settings import *  # noqa: F403

MIDDLEWARE = ["benchsite.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connection

        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response
