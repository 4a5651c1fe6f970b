import datetime

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from committees import services
from committees.models import Category, Claim, Need, Resource
from committees.services.expiry import expire_overdue_records
from tests.factories import MembershipFactory, MemberUnitFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def owner(two_streets, liaison_of):
    return liaison_of(two_streets["school"], two_streets["minan"])


def publish(model, owner, two_streets, **extra):
    # A deadline that has passed cannot be set or published any more: it is set after publication, as time would.
    deadline = extra.pop("deadline", None)
    record = services.create_record(
        model,
        by=owner,
        owner_unit=two_streets["school"],
        committee=two_streets["minan"],
        category=Category.objects.get(code="education"),
        title="课后托管",
        quantity=5,
        measure="people",
        contact_name="李老师",
        contact_phone="13811112222",
        **extra,
    )
    record = services.publish_record(record, by=owner)
    if deadline is not None:
        model.objects.filter(pk=record.pk).update(deadline=deadline)
        record.refresh_from_db()
    return record


def test_needs_past_their_deadline_expire_and_their_claims_are_cancelled(owner, two_streets, liaison_of):
    overdue = publish(Need, owner, two_streets, deadline=TODAY - datetime.timedelta(days=1))
    current = publish(Need, owner, two_streets, deadline=TODAY)
    neighbour = MembershipFactory(committee=two_streets["minan"], unit=MemberUnitFactory()).unit
    claim = services.claim_need(overdue, unit=neighbour, by=liaison_of(neighbour, two_streets["minan"]))
    assert expire_overdue_records(TODAY) == {"need": 1, "resource": 0}
    overdue.refresh_from_db()
    current.refresh_from_db()
    claim.refresh_from_db()
    assert (overdue.status, current.status, claim.status) == ("expired", "published", "cancelled")


def test_resources_no_longer_available_expire_once(owner, two_streets):
    publish(Resource, owner, two_streets, available_until=TODAY - datetime.timedelta(days=3))
    assert expire_overdue_records(TODAY) == {"need": 0, "resource": 1}
    assert expire_overdue_records(TODAY) == {"need": 0, "resource": 0}
    assert Resource.objects.get().history.first().status == "expired"


def test_the_expiry_job_is_scheduled():
    call_command("setup_schedules")
    assert PeriodicTask.objects.filter(task="committees.tasks.expire_overdue_records").exists()
    assert PeriodicTask.objects.filter(task="matching.tasks.start_nightly_runs", crontab__hour="2").exists()


def test_claims_do_not_survive_expiry_even_when_run_twice(owner, two_streets):
    publish(Need, owner, two_streets, deadline=TODAY - datetime.timedelta(days=1))
    expire_overdue_records(TODAY)
    expire_overdue_records(TODAY)
    assert not Claim.objects.filter(status="live").exists()
