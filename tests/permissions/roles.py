"""The one table of roles: every demo login of the README, what the README says it may do, and where it sits.

The crawl over the demo logs in as these usernames; the permission matrix (pages, admin, API) builds the same
people in its small world (tests/permissions/world.py) from the `committee` and `unit` keys below. Expectations are
read from this table, never from the product's scoping module, so that a test can disagree with the product.
"""

from dataclasses import dataclass

from committees.models import Seat

DEPARTMENT = "department"  # not a committee seat: a duty seat for a department (committees.DutySeat)


@dataclass(frozen=True)
class Role:
    username: str
    who: str
    seat: str | None  # Seat.Role value; None for the superuser
    committee: str | None = None  # world key: dongcheng, beixinqiao, tianqiao, minan
    unit: str | None = None  # world key of the unit the seat represents: petro, hospital, eldercare, theatre
    department: str | None = None  # 吹哨报到: the department a person on duty acts for (seat DEPARTMENT)
    reported_member: bool = False  # 双报到: a party member reported to `committee` (a community), no seat

    @property
    def is_superuser(self) -> bool:
        return self.seat is None and not self.reported_member

    @property
    def uses_admin(self) -> bool:
        """Secretaries, overseers and the superuser work in the admin; everyone else uses the web pages."""
        return self.is_superuser or self.seat in (Seat.Role.SECRETARY, Seat.Role.OVERSEER)

    @property
    def manages(self) -> bool:
        return self.is_superuser or self.seat == Seat.Role.SECRETARY

    @property
    def reads_admin_only(self) -> bool:
        """Uses the admin and changes nothing there (the overseer)."""
        return self.uses_admin and not self.manages

    @property
    def is_liaison(self) -> bool:
        return self.seat == Seat.Role.LIAISON

    @property
    def is_department(self) -> bool:
        return self.seat == DEPARTMENT

    @property
    def votes(self) -> bool:
        return self.seat in (Seat.Role.CHAIR, Seat.Role.VICE_CHAIR, Seat.Role.MEMBER)

    @property
    def contacts(self) -> str:
        """Whose personal data this role sees in full (README, committees/masking.py): everything; its subtree
        (a secretary); its own unit and its project partners (a liaison); nobody (overseers, chairs, members)."""
        if self.is_superuser:
            return "all"
        if self.manages:
            return "subtree"
        if self.is_liaison:
            return "own unit"
        return "none"


ROLES = [
    Role("admin", "superuser", None),
    Role("dongcheng_secretary", "secretary, 东城区", Seat.Role.SECRETARY, "dongcheng"),
    Role("dongcheng_overseer", "overseer, 东城区", Seat.Role.OVERSEER, "dongcheng"),
    Role("bxq_secretary", "secretary, 北新桥街道", Seat.Role.SECRETARY, "beixinqiao"),
    Role("tq_secretary", "secretary, 天桥街道", Seat.Role.SECRETARY, "tianqiao"),
    Role("bxq_chair", "chair, 北新桥街道", Seat.Role.CHAIR, "beixinqiao"),
    Role("bxq_vice_chair", "vice chair, 北新桥街道 (中国石油)", Seat.Role.VICE_CHAIR, "beixinqiao", "petro"),
    Role("bxq_member", "member, 北新桥街道 (东城区第一人民医院)", Seat.Role.MEMBER, "beixinqiao", "hospital"),
    Role("bxq_member_rep", "member, 北新桥街道 (党员代表)", Seat.Role.MEMBER, "beixinqiao"),
    Role("liaison_petro", "liaison of 中国石油", Seat.Role.LIAISON, "beixinqiao", "petro"),
    Role("liaison_hospital", "liaison of 东城区第一人民医院", Seat.Role.LIAISON, "beixinqiao", "hospital"),
    Role("liaison_eldercare", "liaison of 北新桥养老照料中心", Seat.Role.LIAISON, "beixinqiao", "eldercare"),
    Role("liaison_tianqiao", "liaison of 北京天桥艺术中心", Seat.Role.LIAISON, "tianqiao", "theatre"),
    # 吹哨报到: the person on duty of a district department and of a street's station
    Role("dept_traffic", "person on duty, 东城区交通委员会", DEPARTMENT, department="东城区交通委员会"),
    Role("dept_chengguan", "person on duty, 北新桥城管执法队", DEPARTMENT, department="北新桥城管执法队"),
    # 双报到: a community's secretary, and an in-service party member reported to that community (works at the hospital)
    Role("minan_secretary", "secretary, 民安社区 (members, residents' inbox)", Seat.Role.SECRETARY, "minan"),
    Role("member_wang", "party member reported to 民安社区", None, "minan", "hospital", reported_member=True),
]
BY_NAME = {role.username: role for role in ROLES}
NAMES = [role.username for role in ROLES]
ADMIN_ROLES = [role for role in ROLES if role.uses_admin]
READ_ONLY_ADMIN_ROLES = [role for role in ROLES if role.reads_admin_only]
PAGE_ROLES = [role for role in ROLES if not role.uses_admin]
LIAISONS = [role for role in ROLES if role.is_liaison]
