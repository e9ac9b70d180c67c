"""What the newsroom tells people: an article submitted, published or sent back.

`newsroom_event` is sent once per event, after the transaction that caused it commits,
with `article`, `event` (one of EVENTS), `actor` (the user who acted) and `recipients`
(the users to tell). The in-admin notifications are written by the newsroom; e-mail is
sent by whoever connects a receiver.
"""

from django.dispatch import Signal

SUBMITTED = "submitted"
PUBLISHED = "published"
RETURNED = "returned"
EVENTS = (SUBMITTED, PUBLISHED, RETURNED)

newsroom_event = Signal()
