import pytest
from django.urls import reverse

from committees.models import Need, Resource
from matching import runs
from matching.models import MatchingRun

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("pairs", [1, 6])
def test_the_liaison_sees_proposals_with_reasons_in_chinese(
    client, area, publish, liaison_of, pairs, django_assert_max_num_queries
):
    needs = [publish(Need, area["minan"], title=f"社区老年人健康义诊{i}") for i in range(pairs)]
    for i in range(pairs):
        publish(Resource, area["jiudaowan"], title=f"医院志愿者健康义诊{i}")
    runs.execute(MatchingRun.objects.create(scope_code="110101", committee=area["dongcheng"]).pk)
    # All needs of one unit, so one liaison sees every proposal.
    Need.objects.filter(pk__in=[n.pk for n in needs]).update(owner_unit=needs[0].owner_unit)
    client.force_login(liaison_of(needs[0].owner_unit, area["minan"]))
    with django_assert_max_num_queries(18):
        page = client.get(reverse("home")).content.decode()
    assert "同一街道" in page and page.count("社区老年人健康义诊") >= pairs
