"""Meeting compliance (会议制度): every committee holds at least two plenary meetings a year."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import notifications
from committees.models import Committee

from .models import Meeting

PLENARIES_A_YEAR = 2


def with_plenary_counts(committees: QuerySet[Committee], year: int) -> QuerySet[Committee]:
    held = Q(meetings__kind=Meeting.Kind.PLENARY, meetings__is_held=True, meetings__held_on__year=year)
    return committees.annotate(plenaries=Count("meetings", filter=held))


def committees_behind(committees: QuerySet[Committee], year: int | None = None) -> QuerySet[Committee]:
    """Committees that have held fewer than two plenary meetings this year, fewest first."""
    year = year or timezone.localdate().year
    return (
        with_plenary_counts(committees, year)
        .filter(plenaries__lt=PLENARIES_A_YEAR)
        .order_by("plenaries", "area_code")
    )


def remind_committees_behind(year: int | None = None) -> int:
    """Remind the secretaries of each committee behind; run monthly by beat."""
    year = year or timezone.localdate().year
    reminded = 0
    for committee in committees_behind(Committee.objects.all(), year).iterator(chunk_size=500):
        reminded += notifications.notify(
            notifications.secretaries_of([committee.pk]),
            _(
                "%(committee)s has held %(count)d plenary meeting(s) in %(year)d; at least two a year are required."
            )
            % {"committee": committee.name, "count": committee.plenaries, "year": year},
        )
    return reminded
