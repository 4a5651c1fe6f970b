"""The browsable API (HTML) offers filters by id: no choice list that names records outside the user's scope or
loads a whole city-sized table into the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.models import Need
from tests.factories import MembershipFactory, MemberUnitFactory

pytestmark = pytest.mark.django_db


def test_the_proposals_page_names_no_record_outside_the_scope_and_loads_no_table(
    client, area, publish, liaison_of
):
    mine = MembershipFactory(committee=area["minan"], unit=MemberUnitFactory()).unit
    client.force_login(liaison_of(mine))
    publish(Need, area["liupukang"], title="六铺炕的秘密需求")
    with CaptureQueriesContext(connection) as few:
        response = client.get("/api/v1/proposals/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "六铺炕的秘密需求" not in response.content.decode()
    for n in range(30):
        publish(Need, area["liupukang"], title=f"需求{n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/proposals/", HTTP_ACCEPT="text/html")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_filter_id_out_of_range_is_a_400_not_a_database_error(client, area, superuser):
    client.force_login(superuser)
    response = client.get("/api/v1/proposals/", {"need": str(10**30)})
    assert response.status_code == 400 and "need" in response.json()
    assert client.get("/api/v1/proposals/", {"need": "x"}).status_code == 400
