"""State changes of the registry and the lists, one module per sub-domain; every surface (admin, pages, API,
jobs, tests) calls these and nothing else writes. The names below are the public ones."""

from .allocations import CapacityError, allocate, release  # noqa: F401
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
    ADMINISTRATOR_FIELDS,
    COMMITTEE_FIELDS,
    COMMITTEE_PLACE_FIELDS,
    PERSON_FIELDS,
    UNIT_FIELDS,
    add_membership,
    add_seat,
    change_membership,
    change_seat,
    check_committee_change,
    check_new_committee,
    check_new_membership,
    check_new_seat,
    check_person_change,
    create_committee,
    end_memberships,
    end_seats,
    register_person,
    register_unit,
    update_committee,
    update_person,
    update_unit,
)
from .reporting import (  # noqa: F401
    add_commitment,
    confirm_member,
    register_member,
    register_member_account,
    reject_member,
    report_organisation,
    update_member_commitment,
    withdraw_member,
)
from .rounds import (  # noqa: F401
    answer_nothing_this_time,
    open_collection_round,
    send_round_reminders,
    update_collection_round,
)
