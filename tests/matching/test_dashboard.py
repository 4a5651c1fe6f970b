import pytest
from django.urls import reverse

from committees.models import Need, Resource
from matching.models import MatchingRun
from matching.pipeline import runs

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
    # 18 for the page, + the to-do providers (proposals, projects, evaluations, collection) and the unread count.
    with django_assert_max_num_queries(23):
        page = client.get(reverse("home")).content.decode()
    assert "同一街道" in page and page.count("社区老年人健康义诊") >= pairs


def test_the_answer_button_shows_only_while_the_users_side_has_not_answered(
    client, area, publish, liaison_of
):
    need = publish(Need, area["minan"], title="社区老年人健康义诊")
    publish(Resource, area["jiudaowan"], title="医院志愿者健康义诊")
    runs.execute(MatchingRun.objects.create(scope_code="110101", committee=area["dongcheng"]).pk)
    client.force_login(liaison_of(need.owner_unit, area["minan"]))
    assert "答复</a>" in client.get(reverse("home")).content.decode()
    client.post(reverse("proposal_answer", args=[need.proposals.get().pk]), {"accept": "yes"})
    assert "答复</a>" not in client.get(reverse("home")).content.decode()


def test_notifications_show_on_the_dashboard_until_marked_read(
    client, area, publish, liaison_of, django_capture_on_commit_callbacks
):
    need = publish(Need, area["minan"], title="社区老年人健康义诊")
    publish(Resource, area["jiudaowan"], title="医院志愿者健康义诊")
    liaison = liaison_of(need.owner_unit, area["minan"])
    with django_capture_on_commit_callbacks(execute=True):
        runs.execute(MatchingRun.objects.create(scope_code="110101", committee=area["dongcheng"]).pk)
    client.force_login(liaison)
    assert "条新的对接建议等待贵单位答复" in client.get(reverse("home")).content.decode()
    client.post(reverse("home"), {"mark_read": "1"})
    assert "条新的对接建议等待贵单位答复" not in client.get(reverse("home")).content.decode()


def test_a_member_sees_the_topics_open_for_deliberation(client, area, publish):
    from tests.factories import SeatFactory

    publish(Need, area["minan"], title="助餐")
    publish(Resource, area["jiudaowan"], title="助餐")
    runs.execute(MatchingRun.objects.create(scope_code="110101", committee=area["dongcheng"]).pk)
    client.force_login(SeatFactory(committee=area["beixinqiao"], role="member").user)
    page = client.get(reverse("home")).content.decode()
    assert "个议题正在协商" in page and reverse("topics") in page
