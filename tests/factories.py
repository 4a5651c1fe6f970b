"""The factories named after the domain (defined beside the models, shared with the demo and generator)."""

from committees.factories import (  # noqa: F401
    CommunityFactory,
    DistrictFactory,
    MembershipFactory,
    MemberUnitFactory,
    SeatFactory,
    StreetFactory,
    UserFactory,
)
