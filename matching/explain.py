"""A proposal's reasons in the reader's language, from the parts the matcher kept."""

from django.utils.translation import gettext

from matching import scoring
from matching.models import Proposal


def reasons(proposal: Proposal) -> list[str]:
    if proposal.source == Proposal.Source.CLAIM:
        note = proposal.explanation.get("claim_note")
        return [gettext("Claimed by the unit") + (f": {note}" if note else "")]
    details = proposal.explanation or {}
    if not set(scoring.PARTS) <= set(proposal.score_parts or {}):
        # Written without the matcher's parts (an older row, or one entered by hand): no reason to give but the
        # score itself, never an error on the pages that list it.
        return [gettext("Proposed by the matcher (score %(score).2f).") % {"score": proposal.score or 0}]
    nan = float("nan")  # stored as None: no deadline, or not rated yet
    return [
        message
        for _key, message in scoring.explain(
            proposal.score_parts,
            shared_words=details.get("shared_words") or (),
            days_to_deadline=nan if details.get("days_to_deadline") is None else details["days_to_deadline"],
            reputation=nan if details.get("reputation") is None else details["reputation"],
            translate=gettext,
        )
    ]
