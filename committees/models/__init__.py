"""The registry (committees, units, memberships, seats) and the three lists (resources, needs, projects)."""

from .access import ApiToken  # noqa: F401
from .departments import Department, DutySeat  # noqa: F401
from .intake import Submission  # noqa: F401
from .lists import (  # noqa: F401
    Allocation,
    Category,
    Claim,
    CollectionRequest,
    CollectionRound,
    Measure,
    Need,
    PersonalDataExport,
    Project,
    Reach,
    Resource,
)
from .registry import (  # noqa: F401
    CHILD_LEVEL,
    PARENT_LEVEL,
    Committee,
    CurrentQuerySet,
    Level,
    Membership,
    MemberUnit,
    Notification,
    Seat,
    UnitKind,
    User,
)
from .reporting import Commitment, MemberReport, OrganisationReport, Skill  # noqa: F401
