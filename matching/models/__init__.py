"""The pipeline's records (runs, proposals, deliberation) and what follows confirmation (progress, evaluation,
figures, published results)."""

from .outcomes import (  # noqa: F401
    Cancellation,
    CarryOver,
    CommitteeFigures,
    Evaluation,
    Indicator,
    IndicatorScore,
    IndicatorTree,
    Milestone,
    ProjectUpdate,
    Publication,
    UnitReputation,
    validate_photo,
)
from .pipeline import (  # noqa: F401
    AgendaItem,
    Answer,
    Comment,
    Decision,
    MatchingRun,
    Meeting,
    Proposal,
    RulesOfProcedure,
    Vote,
)
from .residents import RatingCode, RatingLink, ResidentRating, Survey, SurveyAnswer  # noqa: F401, E402
from .summons import (  # noqa: F401
    DepartmentFigures,
    Summons,
    SummonsPart,
    SummonsRecord,
    SummonsRules,
)
from .volunteering import CommunityTask, SignUp  # noqa: F401
