"""Results you can read: ties shown as ties, empty sub-committees apart, the unfinished month marked.

Applied by the results page (matching/views/results.py) to what results.report() returns, published snapshots
included, so a snapshot frozen before these rules reads the same way.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def mark_ties(rows: list[dict]) -> list[dict]:
    """Rows sharing a rank get `tied` (并列); ranks themselves are already shared (1, 2, 2, 4)."""
    counts: dict[int, int] = {}
    for row in rows:
        counts[row["rank"]] = counts.get(row["rank"], 0) + 1
    for row in rows:
        row["tied"] = counts[row["rank"]] > 1
    return rows


def split_empty_committees(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Sub-committees with no needs raised in the period are listed apart, never ranked (they would all rank 1)."""
    ranked = [row for row in rows if row.get("needs_raised")]
    empty = [row for row in rows if not row.get("needs_raised")]
    previous, rank = object(), 0
    for position, row in enumerate(ranked, start=1):
        current = (row.get("resolution_rate"), row.get("satisfaction_rate"), row.get("response_rate"))
        if current != previous:
            rank = position
        row["rank"] = rank
        previous = current
    return mark_ties(ranked), empty


def mark_unfinished(trend: list[dict], today: datetime.date | None = None) -> list[dict]:
    """The current month is `unfinished` (its rates would read as a plunge); later months are dropped."""
    today = today or timezone.localdate()
    current = f"{today:%Y-%m}"
    rows = []
    for row in trend:
        if row["period"] > current:
            continue
        rows.append({**row, "unfinished": row["period"] == current})
    return rows
