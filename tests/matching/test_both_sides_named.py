"""Both sides named: proposal cards, the answer page and the project name the other unit; once both sides have
accepted each side sees the other's contact person in full (masking's registered rule), everyone else masked."""

import pytest
from django.urls import reverse

from committees import masking
from committees.models import Need, Resource
from matching.models import MatchingRun
from matching.pipeline import deliberate, runs
from tests.factories import MemberUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(area, publish, liaison_of, secretary_of):
    need = publish(Need, area["minan"], title="老人健康体检", contact_phone="13800001111")
    resource = publish(Resource, area["jiudaowan"], title="医院志愿者义诊", contact_phone="13900002222")
    need.owner_unit.name, resource.owner_unit.name = "北新桥养老照料中心", "东城区第一人民医院"
    need.owner_unit.save()
    resource.owner_unit.save()
    runs.execute(MatchingRun.objects.create(scope_code="110101", committee=area["dongcheng"]).pk)
    return {
        "proposal": need.proposals.get(),
        "need": liaison_of(need.owner_unit, area["minan"]),
        "provider": liaison_of(resource.owner_unit, area["jiudaowan"]),
        "secretary": secretary_of(area["beixinqiao"]),
    }


def test_the_hospital_sees_the_care_centre_named_before_answering(client, pair):
    client.force_login(pair["provider"])
    assert "北新桥养老照料中心" in client.get(reverse("home")).content.decode()
    page = client.get(reverse("proposal_answer", args=[pair["proposal"].pk])).content.decode()
    assert "北新桥养老照料中心" in page and "东城区第一人民医院" in page
    assert "13900002222" not in page and "13800001111" not in page  # no contacts before both accept


def test_after_both_accept_each_side_sees_the_other_contact_in_full_and_nobody_else_does(
    client, pair, area, liaison_of
):
    proposal = pair["proposal"]
    deliberate.answer(proposal, by=pair["need"], accept=True)
    client.force_login(pair["need"])
    assert "13900002222" not in client.get(reverse("home")).content.decode()  # one side only: not yet

    deliberate.answer(proposal, by=pair["provider"], accept=True)
    page = client.get(reverse("home")).content.decode()
    assert "13900002222" in page  # both accepted: the care centre may call the hospital
    client.force_login(pair["provider"])
    assert "13800001111" in client.get(reverse("proposal_answer", args=[proposal.pk])).content.decode()

    outsider = liaison_of(MemberUnitFactory(), area["minan"])  # a unit of the same community, not a side
    assert not masking.sees_in_full(outsider, proposal.resource)
    assert not masking.sees_in_full(outsider, proposal.need)

    deliberate.decide(proposal, by=pair["secretary"], approve=True)
    proposal.refresh_from_db()
    project_page = client.get(reverse("project_detail", args=[proposal.project_id])).content.decode()
    assert "13800001111" in project_page and "北新桥养老照料中心" in project_page
