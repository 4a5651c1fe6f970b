"""State changes of the registry and the lists, one module per sub-domain; every surface (admin, pages, API,
jobs, tests) calls these and nothing else writes. The names below are the public ones."""

from .allocations import CapacityError, allocate  # noqa: F401
from .expiry import expire_overdue_records  # noqa: F401
from .records import (  # noqa: F401
    NEED_FIELDS,
    RECORD_FIELDS,
    RESOURCE_FIELDS,
    cancel_claim,
    check_owner,
    claim_need,
    create_record,
    editable_fields,
    publish_record,
    update_record,
    withdraw_record,
)
from .registry import (  # noqa: F401
    add_membership,
    add_seat,
    change_membership,
    change_seat,
    end_memberships,
    end_seats,
)
from .rounds import answer_nothing_this_time, open_collection_round, send_round_reminders  # noqa: F401
