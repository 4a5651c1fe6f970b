"""Partners keep sight of each other: the units of a project keep read access to its needs and resources once they
are fulfilled or exhausted (and see their contacts in full), and the project names and links its needs, resources
and topics, on its page and in the API. Units outside the project see none of it."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from committees import masking, services
from committees.models import Need, Resource
from matching.models import Answer, Decision, Proposal
from matching.pipeline import confirm
from tests.factories import MembershipFactory, MemberUnitFactory

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def records(project):
    allocation = project.allocations.select_related("need", "resource").get()
    return {"need": allocation.need, "resource": allocation.resource}


def test_the_project_used_up_both_records(records):
    assert (records["need"].status, records["resource"].status) == ("fulfilled", "exhausted")


def test_the_provider_still_sees_the_fulfilled_need_of_its_project(client, records, people):
    need = records["need"]
    client.force_login(people["provider"])
    page = client.get(reverse("record_detail", args=["needs", need.pk]))
    assert page.status_code == 200
    assert need.title in page.content.decode()
    assert api(people["provider"]).get(f"/api/v1/needs/{need.pk}/").json()["title"] == need.title


def test_the_need_side_still_sees_the_exhausted_resource_of_its_project(client, records, people):
    resource = records["resource"]
    client.force_login(people["need"])
    assert client.get(reverse("record_detail", args=["resources", resource.pk])).status_code == 200
    assert api(people["need"]).get(f"/api/v1/resources/{resource.pk}/").status_code == 200


def test_an_unrelated_units_liaison_gets_404_on_the_partners_records(client, records, people):
    client.force_login(people["stranger"])
    for kind, record in (("needs", records["need"]), ("resources", records["resource"])):
        assert client.get(reverse("record_detail", args=[kind, record.pk])).status_code == 404
        assert api(people["stranger"]).get(f"/api/v1/{kind}/{record.pk}/").status_code == 404
    listed = api(people["stranger"]).get("/api/v1/needs/").json()["results"]
    assert records["need"].pk not in [row["id"] for row in listed]


def test_partners_see_each_others_contacts_in_full_and_strangers_masked(client, records, people):
    client.force_login(people["provider"])
    page = client.get(reverse("record_detail", args=["needs", records["need"].pk])).content.decode()
    assert "13812345678" in page
    assert not masking.sees_in_full(people["stranger"], records["need"])


def test_a_unit_that_took_a_need_up_by_a_claim_keeps_sight_of_it(area, publish, liaison_of):
    need = publish(Need, area["minan"], title="楼道清理")
    helper = MembershipFactory(committee=area["minan"], unit=MemberUnitFactory(name="北京市第二中学")).unit
    helper_liaison = liaison_of(helper)
    claim = services.claim_need(need, unit=helper, by=helper_liaison, note="派学生志愿者")
    proposal = Proposal.objects.create(
        source=Proposal.Source.CLAIM,
        claim=claim,
        need=need,
        provider_unit=helper,
        committee=area["minan"],
        quantity=1,
        need_side=Answer.ACCEPTED,
        provider_side=Answer.ACCEPTED,
        committee_decision=Decision.APPROVED,
        status=Proposal.Status.APPROVED,
    )
    confirm.confirm(proposal.pk)
    need.refresh_from_db()
    assert need.status == Need.Status.FULFILLED
    assert api(helper_liaison).get(f"/api/v1/needs/{need.pk}/").json()["contact_phone"] == "13812345678"


def test_the_project_page_names_and_links_its_need_resource_and_topic(client, project, records, people):
    proposal = project.proposals.get()
    client.force_login(people["need"])
    page = client.get(reverse("project_detail", args=[project.pk])).content.decode()
    assert reverse("record_detail", args=["needs", records["need"].pk]) in page
    assert reverse("record_detail", args=["resources", records["resource"].pk]) in page
    assert f"#{proposal.pk}" in page


def test_the_secretary_follows_the_topic_from_the_project_page_to_the_admin(client, project, people):
    proposal = project.proposals.get()
    client.force_login(people["secretary"])
    page = client.get(reverse("project_detail", args=[project.pk])).content.decode()
    assert reverse("admin:matching_proposal_change", args=[proposal.pk]) in page


def test_the_api_project_names_its_needs_resources_and_topics(project, records, people):
    proposal = project.proposals.get()
    body = api(people["provider"]).get(f"/api/v1/projects/{project.pk}/").json()
    assert body["needs"] == [
        {"id": records["need"].pk, "title": "老人健康体检", "url": f"/api/v1/needs/{records['need'].pk}/"}
    ]
    assert body["resources"] == [
        {
            "id": records["resource"].pk,
            "title": "医院志愿者义诊",
            "url": f"/api/v1/resources/{records['resource'].pk}/",
        }
    ]
    assert body["proposals"] == [
        {
            "id": proposal.pk,
            "source": "matcher",
            "status": "confirmed",
            "url": f"/api/v1/proposals/{proposal.pk}/",
        }
    ]
    assert body["allocations"] == [
        {
            "need": records["need"].pk,
            "resource": records["resource"].pk,
            "provider_unit": records["resource"].owner_unit_id,
            "quantity": 1,
        }
    ]


def test_an_unrelated_unit_gets_404_on_the_api_project(project, people):
    assert api(people["stranger"]).get(f"/api/v1/projects/{project.pk}/").status_code == 404
    assert api(people["other_secretary"]).get(f"/api/v1/projects/{project.pk}/").status_code == 404


def test_a_resource_of_another_project_stays_out_of_sight(area, publish, project, people):
    other = publish(Resource, area["jiudaowan"], title="法律咨询", quantity=1)
    Resource.objects.filter(pk=other.pk).update(status=Resource.Status.EXHAUSTED, allocated_quantity=1)
    assert api(people["need"]).get(f"/api/v1/resources/{other.pk}/").status_code == 404
