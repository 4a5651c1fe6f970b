"""Reporting periods: a year ("2026") or a month ("2026-11"), in Beijing time. Figures are stored per period;
the months of a year give the trend charts; a period can be published once it has ended."""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

_KEY = re.compile(r"^(?P<year>20\d\d)(?:-(?P<month>0[1-9]|1[0-2]))?$")


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime.date
    end: datetime.date  # exclusive

    @property
    def is_year(self) -> bool:
        return len(self.key) == 4

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def label(self) -> str:
        if self.is_year:
            return _("Year %(year)d") % {"year": self.start.year}
        return _("%(year)d-%(month)02d") % {"year": self.start.year, "month": self.start.month}

    def start_at(self) -> datetime.datetime:
        return _local_midnight(self.start)

    def end_at(self) -> datetime.datetime:
        return _local_midnight(self.end)

    def has_ended(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) >= self.end

    def months(self) -> list["Period"]:
        """The months a trend chart shows: a year's twelve, or the twelve months up to a month."""
        if self.is_year:
            return [parse(f"{self.year}-{month:02d}") for month in range(1, 13)]
        months, year, month = [], self.start.year, self.start.month
        for _i in range(12):
            months.append(parse(f"{year}-{month:02d}"))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return months[::-1]


class InvalidPeriod(ValueError):
    pass


def parse(key: str) -> Period:
    match = _KEY.match(key or "")
    if not match:
        raise InvalidPeriod(_("A period is a year like 2026 or a month like 2026-11."))
    year = int(match["year"])
    if match["month"]:
        month = int(match["month"])
        start = datetime.date(year, month, 1)
        end = datetime.date(year + (month == 12), month % 12 + 1, 1)
    else:
        start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    return Period(key, start, end)


def keys_containing(moment: datetime.datetime) -> tuple[str, str]:
    """The year and month keys of a moment, in Beijing time."""
    local = timezone.localtime(moment)
    return f"{local.year}", f"{local.year}-{local.month:02d}"


def year_with_months(year: int, until: datetime.date | None = None) -> list[Period]:
    """A year and its months, up to the month holding `until` (the current one by default)."""
    until = until or timezone.localdate()
    months = [parse(f"{year}-{month:02d}") for month in range(1, 13)]
    return [parse(str(year))] + [month for month in months if month.start <= until]


def current(today: datetime.date | None = None) -> list[Period]:
    """What the nightly job recomputes: this year with its months, and last year in January (late ratings)."""
    today = today or timezone.localdate()
    periods = year_with_months(today.year, today)
    if today.month == 1:
        periods += year_with_months(today.year - 1, today)
    return periods


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
