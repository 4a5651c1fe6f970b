"""The permission matrix over the web pages (issue 12: "extended to the liaison pages, for every role"): for every
role of the one table (tests/permissions/roles.py), the pages of another unit's records, proposals, topics,
projects, collection requests, claims and results are 404 (403 where the page is for liaisons only), and the
POSTs that act on them (edit, publish, withdraw, claim, cancel a claim, answer a collection request or a
proposal, comment and vote, report progress, add and complete milestones, complete, carry over, evaluate,
publish results) change nothing.

"Another unit's" comes from the table, not from the product: for a liaison, whatever its own unit takes no part in
(a record it does not own, a proposal or project without it, a request or claim of another unit); for everyone,
whatever lies outside their subtree (天桥街道 for Beixinqiao and Dongcheng, Beixinqiao for Tianqiao); for topics,
those of committees where the role holds no voting seat and that it does not manage. The superuser is not in this matrix (no unit, no subtree).
And the other side: the pages of each role's own objects open.
"""

import datetime

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from committees.models import (
    Claim,
    CollectionRequest,
    Committee,
    MemberUnit,
    Need,
    Notification,
    Project,
    Resource,
)
from matching.models import CommunityTask, Milestone, ProjectUpdate, Proposal, Publication, SummonsPart
from tests.permissions import helpers
from tests.permissions.roles import ROLES
from tests.permissions.world import HOME, UNITS, inside, outside

pytestmark = pytest.mark.django_db

PAGE_ROLES = [role for role in ROLES if not role.is_superuser]
# What a page's POST could change: these tables and their history.
PAGE_STATE = [
    label
    for name in (
        "committees.Need",
        "committees.Resource",
        "committees.Claim",
        "committees.CollectionRequest",
        "committees.Project",
        "committees.Allocation",
        "matching.Proposal",
        "matching.Comment",
        "matching.Vote",
        "matching.ProjectUpdate",
        "matching.Milestone",
        "matching.CarryOver",
        "matching.Evaluation",
        "matching.Publication",
        "committees.Notification",
    )
    for label in (name, name.replace(".", ".Historical"))
]
SAMPLE = 2  # objects tried per kind and role (outside the subtree; and inside, for a liaison)


def unit_of(role) -> MemberUnit | None:
    return MemberUnit.objects.get(name=UNITS[role.unit]) if role.is_liaison else None


def involving(unit) -> dict[str, Q]:
    """Conditions for what a unit takes part in."""
    return {
        "record": Q(owner_unit=unit),
        "proposal": Q(need__owner_unit=unit) | Q(resource__owner_unit=unit) | Q(provider_unit=unit),
        "project": Q(lead_unit=unit)
        | Q(allocations__need__owner_unit=unit)
        | Q(allocations__resource__owner_unit=unit)
        | Q(allocations__provider_unit=unit),
    }


def others(role, model, kind: str):
    """Another unit's objects for this role: outside its subtree, and for a liaison also those inside without its
    unit; a few of each, oldest first."""
    rows = list(outside(role, model)[:SAMPLE])
    if role.is_liaison and kind in ("record", "proposal", "project"):
        mine = involving(unit_of(role))[kind]
        rows += list(inside(role, model).exclude(mine).exclude(pk__in=[r.pk for r in rows])[:SAMPLE])
    return rows


def records_not_visible(role) -> list:
    """Records the role may not even read: outside its subtree; for liaisons, chairs and members also other units'
    drafts (a draft is its unit's until published; secretaries and overseers read their subtree's)."""
    rows = []
    for model in (Need, Resource):
        rows += list(outside(role, model)[:2])
        if role.uses_admin:
            continue
        drafts = model.objects.filter(status=model.Status.DRAFT)
        if role.is_liaison:
            drafts = drafts.exclude(owner_unit=unit_of(role))
        rows += list(drafts.exclude(pk__in=[r.pk for r in rows])[:1])
    return rows


def kind_of(record) -> str:
    return "needs" if isinstance(record, Need) else "resources"


def topics_without_a_vote(role) -> list:
    """Open topics the role does not deliberate: neither a voting seat on their committee nor its secretary (the
    topic page and the API answer alike: a secretary reads and comments on the topics of the subtree)."""
    open_topics = Proposal.objects.filter(status__in=Proposal.OPEN_STATUSES).order_by("pk")
    if role.votes:
        open_topics = open_topics.exclude(committee__area_code=HOME[role.committee])
    if role.manages:
        open_topics = open_topics.exclude(committee__area_code__startswith=HOME[role.committee])
    return list(open_topics[:SAMPLE])


def requests_of_other_units(role) -> list:
    requests = CollectionRequest.objects.order_by("pk")
    if role.is_liaison:
        requests = requests.exclude(unit=unit_of(role))
    return list(requests.filter(round__committee__area_code__startswith="110102")[:2]) + list(
        requests.filter(round__committee__area_code__startswith="110101")[:2]
    )


def claims_of_other_units(role) -> list:
    claims = Claim.objects.order_by("pk")
    return list(claims.exclude(unit=unit_of(role)) if role.is_liaison else claims)


def results_outside(role) -> list[tuple[int, str]]:
    period = Publication.objects.order_by("pk").first().period
    committees = outside(role, Committee).filter(level="street")
    return [(committee.pk, period) for committee in committees[:2]]


def results_not_managed(role) -> list[tuple[int, str]]:
    """Streets whose results the role may not publish: every one for those who manage nothing."""
    period = Publication.objects.order_by("pk").first().period
    streets = Committee.objects.filter(level="street", area_code__in=[HOME["beixinqiao"], HOME["tianqiao"]])
    if role.manages:
        streets = streets.exclude(area_code__startswith=HOME[role.committee])
    return [(street.pk, period) for street in streets]


def project_posts(project) -> list[dict]:
    milestone = Milestone.objects.filter(project=project).first()
    later = (timezone.localdate() + datetime.timedelta(days=40)).isoformat()
    return [
        {"action": "progress", "text": "越权进展"},
        {"action": "milestone", "title": "越权里程碑", "due_on": later},
        {"action": "milestone_done", "milestone": milestone.pk if milestone else 0},
        {"action": "complete", "confirm": "on"},
        {"action": "carry_over", "reason": "越权结转", "new_end": later},
        {"action": "evaluate", "side": "need", "score": "1", "comment": "越权评价"},
        {"action": "evaluate", "side": "provider", "score": "1", "comment": "越权评价"},
    ]


def _both(name: str, args: list, body: dict) -> list[tuple[str, str, dict | None]]:
    """The page's GET (its form) and its POST (the act)."""
    return [("get", reverse(name, args=args), None), ("post", reverse(name, args=args), body)]


def _records_not_own(role) -> list:
    return others(role, Need, "record") + others(role, Resource, "record")


# Per page: (method, URL, body) of every request acting on another unit's objects, for a role.
REQUESTS = {
    "record_detail": lambda role: [
        ("get", reverse("record_detail", args=[kind_of(r), r.pk]), None) for r in records_not_visible(role)
    ],
    "record_edit": lambda role: [
        request
        for r in _records_not_own(role)
        for request in _both("record_edit", [kind_of(r), r.pk], {"title": "越权修改", "quantity": 9})
    ],
    "record_publish": lambda role: [
        ("post", reverse("record_publish", args=[kind_of(r), r.pk]), {}) for r in _records_not_own(role)
    ],
    "record_withdraw": lambda role: [
        request
        for r in _records_not_own(role)
        for request in _both("record_withdraw", [kind_of(r), r.pk], {"reason": "越权撤回"})
    ],
    "claim": lambda role: [
        request
        for need in outside(role, Need).filter(status=Need.Status.PUBLISHED)[:2]
        for request in _both("claim", [need.pk], {"unit": getattr(unit_of(role), "pk", ""), "note": "越权"})
    ],
    "claim_cancel": lambda role: [
        request
        for claim in claims_of_other_units(role)
        for request in _both("claim_cancel", [claim.pk], {"reason": "越权取消"})
    ],
    "collection_request": lambda role: [
        request
        for asked in requests_of_other_units(role)
        for request in (
            ("get", reverse("collection_request", args=[asked.pk]), None),
            ("post", reverse("collection_request_nothing", args=[asked.pk]), {}),
        )
    ],
    "proposal_answer": lambda role: [
        request
        for proposal in others(role, Proposal, "proposal")
        for request in _both("proposal_answer", [proposal.pk], {"accept": "yes"})
    ],
    "topic": lambda role: [
        request
        for topic in topics_without_a_vote(role)
        for request in (
            ("get", reverse("topic", args=[topic.pk]), None),
            ("post", reverse("topic", args=[topic.pk]), {"comment": "1", "text": "越权评论"}),
            ("post", reverse("topic", args=[topic.pk]), {"vote": "1", "choice": "for"}),
        )
    ],
    "project_detail": lambda role: [
        request
        for project in others(role, Project, "project")
        for request in [("get", reverse("project_detail", args=[project.pk]), None)]
        + [("post", reverse("project_detail", args=[project.pk]), body) for body in project_posts(project)]
    ],
    "project_update_photo": lambda role: [
        ("get", reverse("project_update_photo", args=[update.pk]), None)
        for update in ProjectUpdate.objects.filter(project__in=others(role, Project, "project"))[:SAMPLE]
    ],
    "results_page": lambda role: [
        ("get", reverse(name, args=[committee, period]), None)
        for committee, period in results_outside(role)
        for name in ("results_page", "results_export")
    ],
    "results_publish": lambda role: [
        request
        for committee, period in results_not_managed(role)
        for request in _both("results_publish", [committee, period], {"confirm": "on"})
    ],
    # Someone else's notification: not found, and opening it marks nothing read.
    "notification_open": lambda role: [
        ("get", reverse("notification_open", args=[note.pk]), None)
        for note in Notification.objects.exclude(user__username=role.username).order_by("pk")[:SAMPLE]
    ],
}


PAGES = list(REQUESTS)
# Pages for liaisons only refuse everyone else with a 403 before looking the object up.
LIAISON_ONLY = {"claim"}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", PAGE_ROLES, ids=lambda role: role.username)
def test_another_units_pages_are_404_and_acting_on_them_changes_nothing(clients, role, page):
    requests = REQUESTS[page](role)
    if not requests:
        pytest.skip(f"nothing of another unit for {role.username} on {page}")
    refused = {404, 403} if page in LIAISON_ONLY and not role.is_liaison else {404}
    before = helpers.state(PAGE_STATE)
    statuses = {}
    for method, target, body in requests:
        response = getattr(clients[role.username], method)(target, body or {})
        statuses[f"{method.upper()} {target}"] = response.status_code
    assert {key: status for key, status in statuses.items() if status not in refused} == {}
    assert helpers.changed_tables(before, helpers.state(PAGE_STATE)) == []


# The world's only claim is 中国石油's: no other unit's claim for its liaison to cancel.
NOTHING_TO_TRY = {("liaison_petro", "claim_cancel")}


@pytest.mark.parametrize("role", PAGE_ROLES, ids=lambda role: role.username)
def test_the_matrix_tries_every_kind_of_object_for_every_role(world, role):
    """Every role meets another unit's objects of each kind (else the matrix above proves nothing for it)."""
    empty = {page for page in PAGES if not REQUESTS[page](role)}
    assert empty == {page for username, page in NOTHING_TO_TRY if username == role.username}


# --- And what is theirs opens -----------------------------------------------------------------------------------


def own_pages(role) -> list[str]:
    """Pages of the role's own objects, which must open: a liaison's records, the proposals and projects its unit
    takes part in and the requests sent to it; a voter's topics; a secretary's or overseer's subtree's records,
    projects and results."""
    if role.is_liaison:
        mine = involving(unit_of(role))
        records = [
            r for model in (Need, Resource) for r in model.objects.filter(mine["record"]).order_by("pk")[:2]
        ]
        pages = [reverse("record_detail", args=[kind_of(r), r.pk]) for r in records]
        pages += [
            reverse("record_edit", args=[kind_of(r), r.pk])
            for r in records
            if r.status in r.EDITABLE_STATUSES
        ]
        pages += [
            reverse("proposal_answer", args=[p.pk])
            for p in Proposal.objects.filter(mine["proposal"], status__in=Proposal.OPEN_STATUSES).distinct()[
                :2
            ]
        ]
        pages += [
            reverse("project_detail", args=[p.pk])
            for p in Project.objects.filter(mine["project"]).distinct()[:2]
        ]
        pages += [
            reverse("collection_request", args=[asked.pk])
            for asked in CollectionRequest.objects.filter(unit=unit_of(role))[:1]
        ]
        return pages
    if role.is_department:  # 吹哨报到: its summons and its parts
        return [reverse("summons_home")] + [
            reverse("summons_part", args=[part.pk]) for part in inside(role, SummonsPart)[:2]
        ]
    if role.reported_member:  # 双报到: the member's phone pages and their community's coming tasks
        tasks = CommunityTask.objects.filter(
            community__area_code=HOME[role.committee], starts_at__gte=timezone.now()
        ).order_by("pk")[:2]
        pages = [
            reverse(name) for name in ("members_home", "members_tasks", "members_hours", "members_commitment")
        ]
        return pages + [reverse("members_task", args=[task.pk]) for task in tasks]
    if role.votes:
        topics = Proposal.objects.filter(
            committee__area_code=HOME[role.committee], status__in=Proposal.OPEN_STATUSES
        ).order_by("pk")
        return [reverse("topic", args=[topic.pk]) for topic in topics[:2]]
    pages = [
        reverse("record_detail", args=[kind_of(r), r.pk])
        for m in (Need, Resource)
        for r in inside(role, m)[:2]
    ]
    pages += [reverse("project_detail", args=[p.pk]) for p in inside(role, Project)[:2]]
    period = Publication.objects.order_by("pk").first().period
    pages += [
        reverse("results_page", args=[c.pk, period])
        for c in inside(role, Committee).filter(publications__period=period)[:1]
    ]
    return pages


@pytest.mark.parametrize("role", PAGE_ROLES, ids=lambda role: role.username)
def test_the_pages_of_the_roles_own_objects_open(clients, role):
    pages = own_pages(role)
    assert pages, f"nothing of {role.username}'s own in the world"
    statuses = {page: clients[role.username].get(page).status_code for page in pages}
    assert statuses == dict.fromkeys(pages, 200)


@pytest.mark.parametrize("role", PAGE_ROLES, ids=lambda role: role.username)
def test_another_departments_or_streets_summons_is_404_and_its_posts_change_nothing(clients, role):
    """吹哨报到: the part of a department the role does not act for, outside its subtree: 404 to read, and the
    report, record and finish POSTs refused without a change."""
    before = helpers.state()
    parts = list(outside(role, SummonsPart)[:SAMPLE])
    for part in parts:
        url = reverse("summons_part", args=[part.pk])
        assert clients[role.username].get(url).status_code == 404, (role.username, url)
        for body in (
            {"action": "report", "attendee_name": "冒名"},
            {"action": "record", "text": "越权记录"},
            {"action": "finish", "outcome": "done"},
        ):
            assert clients[role.username].post(url, body).status_code in (403, 404), (
                role.username,
                url,
                body,
            )
    assert helpers.changed_tables(before, helpers.state()) == []
