"""One answer to the exercise of docs/production/testing.md.

A senior customer on the same terms, and a customer who pays by electronic check
instead of bank transfer, should both be more likely to leave. Each row holds for
the reference model, and fails for a model trained on data in which the effect is
reversed, so the test can tell the two apart. Read it after your own attempt.
"""

from __future__ import annotations

NEW_EXPECTATIONS: list[tuple[str, object, object, str]] = [
    ("senior", False, True, "up"),
    ("payment_method", "bank-transfer", "electronic-check", "up"),
]
