"""Fingerprints of source text: what a translation was made from, in a few bytes."""

import hashlib
import re

_SPACE = re.compile(r"\s+")


def normalise(text):
    """The text as compared: white space runs collapsed, ends trimmed, NULL as empty."""
    return _SPACE.sub(" ", text or "").strip()


def is_blank(text):
    return not normalise(text)


def fingerprint(text):
    """A short, stable hash of the normalised text (64 bits is plenty to spot a change)."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:16]
