"""`esj-review sign` and `esj-review verify`: sign-off inside the report PDF (PAdES)."""

from __future__ import annotations
