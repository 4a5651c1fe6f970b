"""Results you can read (matching.outcomes.readable): ties as ties, empty sub-committees apart, the month not over
marked."""

import datetime

from matching.outcomes import readable


def test_shared_ranks_are_marked_as_ties():
    rows = readable.mark_ties([{"rank": 1}, {"rank": 2}, {"rank": 2}, {"rank": 4}])
    assert [row["tied"] for row in rows] == [False, True, True, False]


def test_sub_committees_without_needs_are_listed_apart_and_the_rest_ranked():
    rows = [
        {
            "committee": "甲",
            "needs_raised": 4,
            "resolution_rate": 50.0,
            "satisfaction_rate": 80.0,
            "response_rate": 90,
        },
        {
            "committee": "乙",
            "needs_raised": 0,
            "resolution_rate": None,
            "satisfaction_rate": None,
            "response_rate": None,
        },
        {
            "committee": "丙",
            "needs_raised": 2,
            "resolution_rate": 50.0,
            "satisfaction_rate": 80.0,
            "response_rate": 90,
        },
        {
            "committee": "丁",
            "needs_raised": 1,
            "resolution_rate": 10.0,
            "satisfaction_rate": None,
            "response_rate": 5,
        },
    ]
    ranked, empty = readable.split_empty_committees(rows)
    assert [row["committee"] for row in empty] == ["乙"]
    assert [(row["committee"], row["rank"], row["tied"]) for row in ranked] == [
        ("甲", 1, True),
        ("丙", 1, True),
        ("丁", 3, False),
    ]


def test_the_current_month_is_unfinished_and_later_months_are_dropped():
    trend = [{"period": f"2026-{m:02d}", "response_rate": 50.0} for m in range(1, 13)]
    rows = readable.mark_unfinished(trend, today=datetime.date(2026, 5, 20))
    assert [row["period"] for row in rows][-1] == "2026-05"
    assert [row["unfinished"] for row in rows] == [False] * 4 + [True]
