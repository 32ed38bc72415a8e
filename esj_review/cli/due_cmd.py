"""`esj-review due`: the open commitments of reviews, listed or written as CSV or iCalendar."""

from __future__ import annotations
