"""Every public page rendered on the demo (load_demo, load_demo_outcomes): no phone number, none of the values the
masks hide. The demo is loaded once for this module and rolled back after it."""

import pytest
from django.test import Client

from committees.models import Submission
from tests.permissions.demo import demo_loaded
from tests.residents.test_public_pages import assert_no_personal_data, public_urls

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with demo_loaded(django_db_blocker):
        yield


def test_every_public_page_of_the_demo_is_free_of_personal_data(demo):
    urls = public_urls()

    assert Submission.objects.count() == 3
    assert len(urls) > 30
    assert_no_personal_data(Client(), urls)
