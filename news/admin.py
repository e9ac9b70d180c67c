"""The admin's discovery looks for `news.admin`; the newsroom lives in news.newsroom."""

from news.newsroom import admin  # noqa: F401
