"""The nightly job starts one run per district however often it is sent within the same night (two beats)."""

import pytest
from django.utils import timezone

from matching.models import MatchingRun
from matching.pipeline import runs

pytestmark = pytest.mark.django_db


def finish_all() -> None:
    MatchingRun.objects.update(status=MatchingRun.Status.DONE, finished_at=timezone.now())


def test_the_nightly_job_sent_again_after_its_runs_finished_starts_nothing(
    area, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        assert runs.start_scheduled_runs() == 2
    finish_all()

    with django_capture_on_commit_callbacks() as callbacks:
        assert runs.start_scheduled_runs() == 0

    assert MatchingRun.objects.count() == 2 and callbacks == []


def test_the_nightly_job_runs_again_the_next_night(area, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        runs.start_scheduled_runs()
    finish_all()
    MatchingRun.objects.update(
        created_at=timezone.now() - timezone.timedelta(seconds=runs.SCHEDULED_REPEAT_WITHIN_SECONDS + 1)
    )

    with django_capture_on_commit_callbacks():
        assert runs.start_scheduled_runs() == 2

    assert MatchingRun.objects.filter(trigger=MatchingRun.Trigger.SCHEDULE).count() == 4


def test_a_secretary_starts_a_run_right_after_the_nightly_one(
    area, secretary_of, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        runs.start_scheduled_runs()
    finish_all()

    with django_capture_on_commit_callbacks():
        started = runs.start_run(committee=area["dongcheng"], by=secretary_of(area["dongcheng"]))

    assert started.created and started.run.trigger == MatchingRun.Trigger.SECRETARY
