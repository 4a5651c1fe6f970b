"""Personal data in the database and which of it a user must never see in full, from the README's rules (not from
committees/masking.py, so that a surface that forgets the masks is caught):

- contacts of needs and resources: in full for the superuser, secretaries whose subtree holds the record's
  committee, the owner unit's liaisons and the liaisons of units sharing a project with the record;
- member units' contact person and phone: the superuser, secretaries of a committee the unit sits on (or above it),
  the unit's own liaisons;
- people's phone numbers: the superuser, the person, secretaries of a committee the person sits on (or above it).
- reported party members (双报到): name, phone and address in full for the superuser, the member, secretaries whose
  subtree holds the member's community; name and phone (never the address) for the member's own unit's liaisons.

Everyone else (overseers, chairs, vice chairs, members, other units' liaisons) sees them masked.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q

from committees.models import (
    Allocation,
    MemberReport,
    Membership,
    MemberUnit,
    Need,
    Project,
    Resource,
    Seat,
    User,
)


@dataclass
class Secrets:
    """Values the user must not see, each with where it comes from (for the failure message)."""

    phones: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    _pattern: re.Pattern | bool | None = field(default=None, repr=False, compare=False)

    def found_in(self, text: str) -> list[tuple[str, str]]:
        """(value, origin) of every secret that appears in the text (one pass over it, however many secrets)."""
        if self._pattern is None:
            values = sorted({**self.phones, **self.names}, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, values))) if values else False
        if not self._pattern:
            return []
        origins = {**self.phones, **self.names}
        return [(value, origins[value]) for value in dict.fromkeys(self._pattern.findall(text))]


def _under(code: str, roots: set[str]) -> bool:
    return any(code.startswith(root) for root in roots)


def secrets_for(user) -> Secrets:
    seats = list(
        Seat.objects.current().filter(user=user).values_list("role", "committee__area_code", "unit_id")
    )
    manages = {code for role, code, _unit in seats if role == Seat.Role.SECRETARY}
    units = {unit for role, _code, unit in seats if role == Seat.Role.LIAISON and unit}
    if user.is_superuser:
        return Secrets()

    hidden_phones: dict[str, str] = {}
    hidden_names: dict[str, str] = {}
    shown: set[str] = set()

    def classify(in_full: bool, origin: str, phone: str, name: str = "") -> None:
        if in_full:
            shown.update(v for v in (phone, name) if v)
            return
        if phone and len(phone) >= 7:
            hidden_phones.setdefault(phone, origin)
        if name and len(name) >= 2:
            hidden_names.setdefault(name, origin)

    unit_codes: dict[int, set[str]] = {}
    for unit_id, code in Membership.objects.current().values_list("unit_id", "committee__area_code"):
        unit_codes.setdefault(unit_id, set()).add(code)
    for pk, name, phone in MemberUnit.objects.values_list("pk", "contact_name", "contact_phone"):
        in_full = pk in units or any(_under(code, manages) for code in unit_codes.get(pk, ()))
        classify(in_full, f"member unit {pk} contact", phone, name)

    live = Q(project__status__in=[s for s in Project.Status.values if s != Project.Status.CANCELLED])
    for model, other_side in ((Need, "resource"), (Resource, "need")):
        side = "need" if model is Need else "resource"
        partners = set(
            Allocation.objects.filter(live, **{f"{other_side}__owner_unit__in": units}).values_list(
                side, flat=True
            )
        )
        for pk, code, owner, name, phone in model.objects.values_list(
            "pk", "committee__area_code", "owner_unit_id", "contact_name", "contact_phone"
        ):
            in_full = _under(code, manages) or owner in units or pk in partners
            classify(in_full, f"{model._meta.model_name} {pk} contact", phone, name)

    person_codes: dict[int, set[str]] = {}
    for person, code in Seat.objects.values_list("user_id", "committee__area_code"):
        person_codes.setdefault(person, set()).add(code)
    for pk, phone in User.objects.exclude(phone="").values_list("pk", "phone"):
        in_full = pk == user.pk or any(_under(code, manages) for code in person_codes.get(pk, ()))
        classify(in_full, f"person {pk} phone", phone)

    for pk, code, owner, unit, phone, address in MemberReport.objects.values_list(
        "pk", "community__area_code", "user_id", "unit_id", "phone", "address"
    ):
        in_full = owner == user.pk or _under(code, manages)
        classify(in_full or unit in units, f"member report {pk} phone", phone)
        if address:
            classify(in_full, f"member report {pk} address", address)

    # A value also shown legitimately (the same phone on a record the user sees in full, a contact who is also a
    # person whose name is public on seats) is no evidence of a leak.
    people = set(User.objects.values_list("name", flat=True))
    return Secrets(
        phones={v: o for v, o in hidden_phones.items() if v not in shown},
        names={v: o for v, o in hidden_names.items() if v not in shown and v not in people},
    )
