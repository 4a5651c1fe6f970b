"""Residents' submissions (民事民提): the public form, the limits, the secretary's inbox, the private follow-up."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from committees import scoping
from committees.models import Category, Need, Notification, Submission
from committees.services import intake
from config import todo
from config.exceptions import InvalidTransition

pytestmark = pytest.mark.django_db


def submit(client, community, data, **extra):
    return client.post(reverse("resident_intake", args=[community.area_code]), data, **extra)


def only(model):
    return model.objects.get()


def test_a_submission_reaches_only_its_communitys_secretary(client, place, form_data, secretary_of):
    mine = secretary_of(place["minan"])
    street = secretary_of(place["beixinqiao"])
    neighbour = secretary_of(place["jiudaowan"])

    response = submit(client, place["minan"], form_data())

    submission = only(Submission)
    assert response.status_code == 302
    assert response["Location"] == reverse("resident_follow_up", args=[submission.token])
    assert (submission.committee, submission.status, submission.phone) == (
        place["minan"],
        "received",
        "13901234567",
    )
    assert list(Notification.objects.values_list("user_id", flat=True)) == [mine.pk]
    assert list(scoping.submissions_for(mine)) == [submission]
    assert list(scoping.submissions_for(street)) == []
    assert list(scoping.submissions_for(neighbour)) == []
    assert _inbox_items(mine) == ["resident_submissions"]
    assert _inbox_items(street) == [] and _inbox_items(neighbour) == []


def test_other_secretaries_cannot_open_or_handle_it(client, place, form_data, secretary_of):
    submit(client, place["minan"], form_data())
    submission = only(Submission)
    street = secretary_of(place["beixinqiao"])
    client.force_login(street)

    url = reverse("admin:committees_submission_change", args=[submission.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"do": "decline", "reason": "不归本社区"})

    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        intake.decline(submission, by=street, reason="不归本社区")
    submission.refresh_from_db()
    assert submission.status == "received"


def test_the_follow_up_link_shows_the_status_and_nothing_else(client, place, form_data):
    submit(client, place["minan"], form_data())
    submission = only(Submission)

    page = client.get(reverse("resident_follow_up", args=[submission.token])).content.decode()

    assert "已收到" in page
    for secret in ("王秀英", "王**", "13901234567", "139****4567", "楼道里的灯", "民安小区3号楼"):
        assert secret not in page
    assert client.get(reverse("resident_follow_up", args=["x" * 32])).status_code == 404


def test_the_follow_up_moves_from_received_to_on_the_list(client, place, form_data, secretary_of):
    secretary = secretary_of(place["minan"])
    submit(client, place["minan"], form_data())
    submission = only(Submission)

    intake.accept(submission, by=secretary, category=Category.objects.get(code="safety"), title="修复楼道灯")

    page = client.get(reverse("resident_follow_up", args=[submission.token])).content.decode()
    assert 'data-stage="on_list"' in page
    assert "已列入社区需求清单" in page


def test_accepting_puts_a_published_resident_need_on_the_list_and_resolves_the_notice(
    client, place, form_data, secretary_of
):
    secretary = secretary_of(place["minan"])
    submit(client, place["minan"], form_data())
    submission = only(Submission)
    client.force_login(secretary)

    response = client.post(
        reverse("admin:committees_submission_change", args=[submission.pk]),
        {
            "do": "accept",
            "category": Category.objects.get(code="safety").pk,
            "title": "修复楼道灯",
            "quantity": 1,
        },
    )

    assert response.status_code == 302
    submission.refresh_from_db()
    need = submission.need
    assert (submission.status, need.source, need.status, need.title) == (
        "accepted",
        "resident",
        "published",
        "修复楼道灯",
    )
    assert (need.owner_committee, need.committee, need.reach) == (place["minan"], place["minan"], "community")
    assert (need.contact_name, need.contact_phone) == ("王秀英", "13901234567")
    assert Notification.objects.get().done_at is not None
    assert _inbox_items(secretary) == []


def test_the_inbox_shows_likely_duplicates_and_merges_into_one(
    client, place, form_data, secretary_of, community_need
):
    secretary = secretary_of(place["minan"])
    lamp = community_need(place["minan"], "修复楼道灯", "老旧小区楼道灯损坏，老人夜间上下楼不便")
    community_need(place["minan"], "社区义诊", "为老人测量血压")
    elsewhere = community_need(place["jiudaowan"], "修复楼道灯", "楼道灯损坏")
    submit(client, place["minan"], form_data())
    submission = only(Submission)
    client.force_login(secretary)

    page = client.get(reverse("admin:committees_submission_change", args=[submission.pk])).content.decode()
    duplicates = intake.likely_duplicates(submission)

    assert duplicates[0][0] == lamp
    assert elsewhere not in [need for need, _similarity in duplicates]
    assert all(duplicates[0][1] > similarity for _need, similarity in duplicates[1:])
    assert "修复楼道灯" in page
    with pytest.raises(Exception) as refused:
        intake.merge(submission, by=secretary, need=elsewhere)
    assert "请选择本社区清单上仍在进行的需求" in str(refused.value)
    response = client.post(
        reverse("admin:committees_submission_change", args=[submission.pk]), {"do": "merge", "need": lamp.pk}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.need) == ("merged", lamp)
    assert Need.objects.count() == 3


def test_declining_needs_a_reason_and_happens_once(place, form_data, client, secretary_of):
    secretary = secretary_of(place["minan"])
    submit(client, place["minan"], form_data())
    submission = only(Submission)

    with pytest.raises(Exception) as refused:
        intake.decline(submission, by=secretary, reason="  ")
    assert "请说明" in str(refused.value)
    intake.decline(submission, by=secretary, reason="属于物业维修范围，已转物业公司")
    with pytest.raises(InvalidTransition):
        intake.decline(submission, by=secretary, reason="再次")

    page = client.get(reverse("resident_follow_up", args=[submission.token])).content.decode()
    assert 'data-stage="declined"' in page


def test_the_fourth_submission_from_one_phone_in_a_day_is_refused_in_chinese(client, place, form_data):
    for n, phone in enumerate(["13901234567", "+86 139 0123 4567", "(139)01234567"]):
        assert (
            submit(client, place["minan"], form_data(text=f"第{n}个需求：修路灯", phone=phone)).status_code
            == 302
        )

    response = submit(client, place["minan"], form_data(text="第四个需求"))

    assert response.status_code == 400
    assert "该手机号今天已提交 3 次" in response.content.decode()
    assert Submission.objects.count() == 3


def test_the_sixth_submission_from_one_address_in_an_hour_is_refused_in_chinese(client, place, form_data):
    for n in range(5):
        response = submit(client, place["minan"], form_data(phone=f"1390000000{n}"), REMOTE_ADDR="10.1.2.3")
        assert response.status_code == 302

    refused = submit(client, place["minan"], form_data(phone="13900000009"), REMOTE_ADDR="10.1.2.3")
    other = submit(client, place["minan"], form_data(phone="13900000009"), REMOTE_ADDR="10.9.9.9")

    assert refused.status_code == 400
    assert "一小时内从该网络提交的次数过多" in refused.content.decode()
    assert other.status_code == 302
    assert Submission.objects.count() == 6
    assert "10.1.2.3" not in set(Submission.objects.values_list("address_hash", flat=True))


def test_a_wrong_captcha_is_refused_in_chinese(client, place, form_data):
    response = submit(client, place["minan"], form_data(captcha_1="abcd"))

    assert response.status_code == 400
    assert "认证码错误" in response.content.decode()
    assert not Submission.objects.exists()


def test_an_oversized_submission_is_refused_in_chinese(client, place, form_data):
    too_long = submit(client, place["minan"], form_data(text="灯" * 501))
    too_large = submit(client, place["minan"], form_data(place="楼" * 9000))

    assert too_long.status_code == 400
    assert "最多 500 个字" in too_long.content.decode() or "500" in too_long.content.decode()
    assert too_large.status_code == 413
    assert "内容过长" in too_large.content.decode()
    assert not Submission.objects.exists()


def test_only_communities_take_submissions(client, place, form_data):
    assert client.get(reverse("resident_intake", args=[place["beixinqiao"].area_code])).status_code == 404
    assert client.get(reverse("resident_intake", args=[place["minan"].area_code])).status_code == 200


def test_the_poster_carries_the_qr_code_for_the_communitys_secretary_only(client, place, secretary_of):
    url = reverse("resident_poster", args=[place["minan"].area_code])
    client.force_login(secretary_of(place["jiudaowan"]))
    assert client.get(url).status_code == 404

    client.force_login(secretary_of(place["minan"]))
    page = client.get(url).content.decode()

    assert "民安社区" in page and "<svg" in page
    assert "/residents/110101005001/" in page


def _inbox_items(user) -> list[str]:
    """The user's to-do items about residents' submissions (other providers list other work, e.g. periods)."""
    return [item.kind for item in todo.todos_for(user) if item.kind == "resident_submissions"]
