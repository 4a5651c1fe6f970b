"""The score of a candidate (need, resource) pair: one documented formula, its parts, and its explanation.

Every part lies in [0, 1] and is kept, so a proposal can say why it was made:

    category         1.0 same category, 0.5 when the resource is filed under the "other" fallback
    distance         hierarchy steps between the owners' committees: 0 same community or committee -> 1.0,
                     1 same street -> 0.75, 2 same district -> 0.5, 3 same city -> 0.25, 4 or more -> 0.0
    text             cosine of the TF-IDF vectors of the Chinese title + description (see `text_similarity`)
    quantity         min(supply, demand) / demand: how much of the need the resource's remaining quantity covers
    urgency          days to the need's deadline: <= 3 -> 1.0, falling linearly to 0.0 at >= 60; none -> 0.3
    reputation       the provider's evaluation score (0-5) / 5; 0.5 (neutral) when not rated yet
    declined_before  1.0 when the same pair was declined before, else 0.0 (a penalty, not a weight)

    total = max(0, sum(WEIGHTS[part] * part) - DECLINED_PENALTY * declined_before)

The default weights sum to 1, so the total lies in [0, 1] as well. No Django here: arrays in, arrays out.
"""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from committees.text import tokenize  # tokens are computed once, when a record is saved

__all__ = [
    "CATEGORY_EXACT",
    "CATEGORY_OTHER",
    "DECLINED_PENALTY",
    "NEUTRAL_REPUTATION",
    "NO_DEADLINE_URGENCY",
    "PARTS",
    "REPUTATION_SCALE",
    "TokenTable",
    "Vocabulary",
    "WEIGHTS",
    "explain",
    "score_parts",
    "shared_terms",
    "text_similarity",
    "tokenize",
    "total_score",
]

WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "category": 0.20,
        "distance": 0.15,
        "text": 0.25,
        "quantity": 0.15,
        "urgency": 0.10,
        "reputation": 0.15,
    }
)
PARTS = ("category", "distance", "text", "quantity", "urgency", "reputation", "declined_before")
DECLINED_PENALTY = 0.5

CATEGORY_EXACT = 1.0
CATEGORY_OTHER = 0.5
DISTANCE_STEP = 0.25  # each level up the district/street/community tree costs a quarter
URGENT_DAYS = 3.0
RELAXED_DAYS = 60.0
NO_DEADLINE_URGENCY = 0.3
REPUTATION_SCALE = 5.0
NEUTRAL_REPUTATION = 0.5


def text_similarity(
    need_tokens: Sequence[Sequence[str]],
    resource_tokens: Sequence[Sequence[str]],
    edge_need: np.ndarray,
    edge_resource: np.ndarray,
    *,
    chunk_size: int = 200_000,
) -> np.ndarray:
    """TF-IDF cosine similarity of each candidate pair (need `edge_need[e]`, resource `edge_resource[e]`).

    TF is the raw count; IDF is smooth, ln((1 + n) / (1 + df)) + 1, fitted on the needs and the resources
    together (so it equals scikit-learn's TfidfVectorizer defaults); rows are l2-normalised. Only the given
    pairs are computed, row by row, never the dense needs x resources matrix; `chunk_size` bounds the
    memory of the intermediate pair matrices. A text without tokens has similarity 0 with everything.
    """
    edge_need = np.asarray(edge_need, dtype=np.int64)
    edge_resource = np.asarray(edge_resource, dtype=np.int64)
    if edge_need.shape != edge_resource.shape or edge_need.ndim != 1:
        raise ValueError(
            f"edge_need and edge_resource must be 1-D of equal length, got {edge_need.shape} and {edge_resource.shape}"
        )
    n_needs, n_resources = len(need_tokens), len(resource_tokens)
    if edge_need.size == 0:
        return np.zeros(0)
    if edge_need.min() < 0 or edge_need.max() >= n_needs:
        raise ValueError(f"edge_need must index need_tokens (0..{n_needs - 1})")
    if edge_resource.min() < 0 or edge_resource.max() >= n_resources:
        raise ValueError(f"edge_resource must index resource_tokens (0..{n_resources - 1})")

    needs, resources = tfidf_vectors(need_tokens, resource_tokens)
    return pair_similarity(needs, resources, edge_need, edge_resource, chunk_size=chunk_size)


def tfidf_vectors(
    need_tokens: "Sequence[Sequence[str]] | TokenTable",
    resource_tokens: "Sequence[Sequence[str]] | TokenTable",
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """The l2-normalised TF-IDF rows of the needs and of the resources (fitted on both), for pair_similarity."""
    if not (
        isinstance(need_tokens, TokenTable)
        and isinstance(resource_tokens, TokenTable)
        and need_tokens.vocabulary is resource_tokens.vocabulary
    ):
        vocabulary = Vocabulary()
        need_tokens = TokenTable.of(need_tokens, vocabulary)
        resource_tokens = TokenTable.of(resource_tokens, vocabulary)
    vectors = _tfidf_rows(
        np.concatenate([need_tokens.ids, resource_tokens.ids]),
        np.concatenate([np.diff(need_tokens.offsets), np.diff(resource_tokens.offsets)]),
        len(need_tokens.vocabulary),
    )
    return vectors[: len(need_tokens)], vectors[len(need_tokens) :]


@dataclass
class Vocabulary:
    """Terms and their integer ids, shared by the token tables of one run."""

    ids: dict[str, int] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.terms)

    def id_of(self, term: str) -> int:
        term_id = self.ids.get(term)
        if term_id is None:
            term_id = self.ids[term] = len(self.terms)
            self.terms.append(term)
        return term_id


@dataclass(frozen=True)
class TokenTable:
    """Each record's tokens as int32 ids into a shared vocabulary, one array for all records, instead of a Python
    string per token: a city run holds millions of tokens. `table[i]` gives record i's tokens back as words."""

    vocabulary: Vocabulary
    ids: np.ndarray  # int32, every record's token ids one after another
    offsets: np.ndarray  # int64, record i's ids are ids[offsets[i]:offsets[i + 1]]

    @classmethod
    def of(
        cls, documents: "TokenTable | Iterable[Sequence[str] | str | None]", vocabulary: Vocabulary
    ) -> "TokenTable":
        """From token lists, space-joined token strings as stored on the records, or another table (its ids
        translated into `vocabulary`)."""
        if isinstance(documents, TokenTable):
            if documents.vocabulary is vocabulary:
                return documents
            translate = np.asarray([vocabulary.id_of(term) for term in documents.vocabulary.terms], np.int32)
            ids = translate[documents.ids] if documents.ids.size else documents.ids
            return cls(vocabulary=vocabulary, ids=ids, offsets=documents.offsets)
        lengths, ids = [0], []
        id_of = vocabulary.id_of
        for document in documents:
            tokens = (document or "").split() if isinstance(document, str | None) else document
            ids.extend(id_of(token) for token in tokens)
            lengths.append(len(tokens))
        return cls(
            vocabulary=vocabulary,
            ids=np.asarray(ids, dtype=np.int32),
            offsets=np.cumsum(np.asarray(lengths, dtype=np.int64)),
        )

    def __len__(self) -> int:
        return self.offsets.size - 1

    def __getitem__(self, index: int) -> list[str]:
        terms = self.vocabulary.terms
        return [
            terms[term_id] for term_id in self.ids[self.offsets[index] : self.offsets[index + 1]].tolist()
        ]


def pair_similarity(
    needs: sp.csr_matrix,
    resources: sp.csr_matrix,
    edge_need: np.ndarray,
    edge_resource: np.ndarray,
    *,
    chunk_size: int = 200_000,
) -> np.ndarray:
    """Cosine of the given pairs' rows of `tfidf_vectors`, clipped to [0, 1]."""
    similarity = np.empty(edge_need.size)
    for start in range(0, edge_need.size, chunk_size):
        stop = start + chunk_size
        pair_products = needs[edge_need[start:stop]].multiply(resources[edge_resource[start:stop]])
        similarity[start:stop] = np.asarray(pair_products.sum(axis=1)).ravel()
    # Rounding can push identical texts a hair above 1.
    return np.clip(similarity, 0.0, 1.0)


def _tfidf_rows(term_ids: np.ndarray, lengths: np.ndarray, n_terms: int) -> sp.csr_matrix:
    n_documents = lengths.size
    rows = np.repeat(np.arange(n_documents), lengths)
    counts = sp.csr_matrix(
        (np.ones(term_ids.size), (rows, term_ids.astype(np.int64))), shape=(n_documents, n_terms)
    )
    counts.sum_duplicates()  # one entry per (document, term), holding its count: df counts entries
    document_frequency = np.bincount(counts.indices, minlength=n_terms)
    idf = np.log((1 + n_documents) / (1 + document_frequency)) + 1
    counts.data *= idf[counts.indices]
    row_of_entry = np.repeat(np.arange(n_documents), np.diff(counts.indptr))
    norms = np.sqrt(np.bincount(row_of_entry, weights=counts.data**2, minlength=n_documents))
    counts.data /= norms[row_of_entry]
    return counts


def shared_terms(need_tokens: Sequence[str], resource_tokens: Sequence[str], top: int = 3) -> list[str]:
    """The words both texts use, most frequent in the two together first, then longer, then need's order."""
    common = set(need_tokens).intersection(resource_tokens)
    if not common:  # most pairs: no counting at all (this runs once per proposal written)
        return []
    need_list, resource_list = list(need_tokens), list(resource_tokens)
    ranked = sorted(
        common,
        key=lambda term: (
            -(need_list.count(term) + resource_list.count(term)),
            -len(term),
            need_list.index(term),
        ),
    )
    return ranked[:top]


def score_parts(
    *,
    category: ArrayLike,
    distance: ArrayLike,
    text: ArrayLike,
    demand: ArrayLike,
    supply: ArrayLike,
    days_to_deadline: ArrayLike,
    reputation: ArrayLike,
    declined_before: ArrayLike,
) -> dict[str, np.ndarray]:
    """The parts of the score for each candidate edge; every argument has one entry per edge.

    category: CATEGORY_EXACT or CATEGORY_OTHER (any value in [0, 1]); distance: hierarchy steps (>= 0);
    text: from `text_similarity`; demand: the need's remaining quantity (> 0); supply: the resource's
    remaining quantity (>= 0); days_to_deadline: float, NaN when the need has none (negative = overdue);
    reputation: the provider's evaluation score in [0, 5], NaN when not rated; declined_before: bool.
    """
    arrays = {
        "category": np.asarray(category, dtype=np.float64),
        "distance": np.asarray(distance, dtype=np.float64),
        "text": np.asarray(text, dtype=np.float64),
        "demand": np.asarray(demand, dtype=np.float64),
        "supply": np.asarray(supply, dtype=np.float64),
        "days_to_deadline": np.asarray(days_to_deadline, dtype=np.float64),
        "reputation": np.asarray(reputation, dtype=np.float64),
        "declined_before": np.asarray(declined_before, dtype=bool),
    }
    shapes = {name: array.shape for name, array in arrays.items()}
    if len(set(shapes.values())) != 1:
        raise ValueError(f"score_parts needs one entry per edge in every argument, got shapes {shapes}")
    for name in ("category", "text"):
        _require(arrays[name], (arrays[name] >= 0) & (arrays[name] <= 1), f"{name} must lie in [0, 1]")
    _require(arrays["distance"], arrays["distance"] >= 0, "distance must be >= 0")
    _require(arrays["demand"], arrays["demand"] > 0, "demand must be > 0")
    _require(arrays["supply"], arrays["supply"] >= 0, "supply must be >= 0")
    reputation_a = arrays["reputation"]
    _require(
        reputation_a,
        np.isnan(reputation_a) | ((reputation_a >= 0) & (reputation_a <= REPUTATION_SCALE)),
        f"reputation must lie in [0, {REPUTATION_SCALE:g}] or be NaN",
    )

    days = arrays["days_to_deadline"]
    with np.errstate(invalid="ignore"):  # NaN deadlines are replaced right after
        urgency = np.clip((RELAXED_DAYS - days) / (RELAXED_DAYS - URGENT_DAYS), 0.0, 1.0)
    return {
        "category": arrays["category"],
        "distance": np.clip(1.0 - DISTANCE_STEP * arrays["distance"], 0.0, 1.0),
        "text": arrays["text"],
        "quantity": np.minimum(arrays["supply"], arrays["demand"]) / arrays["demand"],
        "urgency": np.where(np.isnan(days), NO_DEADLINE_URGENCY, urgency),
        "reputation": np.where(np.isnan(reputation_a), NEUTRAL_REPUTATION, reputation_a / REPUTATION_SCALE),
        "declined_before": arrays["declined_before"].astype(np.float64),
    }


def _require(values: np.ndarray, valid: np.ndarray, message: str) -> None:
    if not np.all(valid):
        position = int(np.argmin(valid))
        raise ValueError(f"{message}; entry {position} is {values.flat[position]}")


def total_score(parts: Mapping[str, ArrayLike], weights: Mapping[str, float] = WEIGHTS) -> np.ndarray:
    """sum(weights[part] * part) - DECLINED_PENALTY * declined_before, clipped at 0 (works for one pair too)."""
    unknown = set(weights) - set(PARTS[:-1])
    if unknown:
        raise ValueError(f"unknown score parts in weights: {sorted(unknown)}; known: {PARTS[:-1]}")
    missing = (set(weights) | {"declined_before"}) - set(parts)
    if missing:
        raise ValueError(f"parts lack {sorted(missing)}")
    total = sum(weight * np.asarray(parts[name], dtype=np.float64) for name, weight in weights.items())
    total = total - DECLINED_PENALTY * np.asarray(parts["declined_before"], dtype=np.float64)
    return np.maximum(total, 0.0)


def gettext_noop(message: str) -> str:
    """Marks a msgid for `makemessages` (its default keywords include gettext_noop) without importing Django."""
    return message


_DISTANCE_MESSAGES = (
    gettext_noop("Same community or committee (distance %(distance)d)"),
    gettext_noop("Same street (distance %(distance)d)"),
    gettext_noop("Same district (distance %(distance)d)"),
    gettext_noop("Same city (distance %(distance)d)"),
)


def explain(
    parts_for_one_pair: Mapping[str, float],
    weights: Mapping[str, float] = WEIGHTS,
    *,
    shared_words: Sequence[str] = (),
    days_to_deadline: float | None = None,
    reputation: float | None = None,
    translate: Callable[[str], str] | None = None,
) -> list[tuple[str, str]]:
    """Readable reasons for one pair's score: a list of (part, message), strongest contribution first.

    Parts whose weight is 0 are left out; the declined-before penalty comes last, and only when it applies.
    Messages are English msgids with %(name)s parameters substituted. Pass `translate=gettext` to have each
    msgid translated before the substitution (the msgids are marked for makemessages here).

    The facts a part cannot give back exactly may be passed in: `shared_words` (see `shared_terms`),
    `days_to_deadline` (NaN: no deadline) and the provider's raw `reputation` (NaN: not rated). Left as
    None, they are read from the parts: urgency exactly NO_DEADLINE_URGENCY reads as "no deadline" (with
    whole days no deadline gives exactly that value) and reputation exactly 0.5 as "not rated yet".
    """
    translate = translate or (lambda message: message)
    reasons: list[tuple[float, int, str, str, dict[str, object]]] = []
    for order, name in enumerate(PARTS[:-1]):
        weight = weights.get(name, 0.0)
        if weight == 0:
            continue
        value = float(parts_for_one_pair[name])
        msgid, params = _describe(name, value, shared_words, days_to_deadline, reputation)
        reasons.append((-weight * value, order, name, msgid, params))
    reasons.sort(key=lambda reason: reason[:2])
    explained = [(name, translate(msgid) % params) for _, _, name, msgid, params in reasons]
    if float(parts_for_one_pair.get("declined_before", 0.0)) > 0:
        explained.append(("declined_before", translate(gettext_noop("Declined before: penalty"))))
    return explained


def _describe(
    name: str,
    value: float,
    shared_words: Sequence[str],
    days_to_deadline: float | None,
    reputation: float | None,
) -> tuple[str, dict[str, object]]:
    if name == "category":
        if value >= CATEGORY_EXACT:
            return gettext_noop("Same category"), {}
        if value > 0:
            return gettext_noop("Related category (the resource is filed under other)"), {}
        return gettext_noop("Different category"), {}
    if name == "distance":
        steps = round((1.0 - value) / DISTANCE_STEP)
        if steps < len(_DISTANCE_MESSAGES):
            return _DISTANCE_MESSAGES[steps], {"distance": steps}
        return gettext_noop("Far apart (distance %(distance)d or more)"), {"distance": steps}
    if name == "text":
        if shared_words:
            return (
                gettext_noop("Text similarity %(similarity).2f (shared words: %(words)s)"),
                {"similarity": value, "words": ", ".join(shared_words)},
            )
        return gettext_noop("Text similarity %(similarity).2f"), {"similarity": value}
    if name == "quantity":
        return gettext_noop("Covers %(percent)d%% of the quantity"), {"percent": round(100 * value)}
    if name == "urgency":
        return _describe_deadline(value, days_to_deadline)
    if name == "reputation":
        if reputation is None:
            if value == NEUTRAL_REPUTATION:
                return gettext_noop("Provider not rated yet (neutral)"), {}
            reputation = value * REPUTATION_SCALE
        if math.isnan(reputation):
            return gettext_noop("Provider not rated yet (neutral)"), {}
        return gettext_noop("Provider reputation %(score).1f/5"), {"score": reputation}
    raise ValueError(f"unknown score part {name!r}")


def _describe_deadline(urgency: float, days_to_deadline: float | None) -> tuple[str, dict[str, object]]:
    if days_to_deadline is None:
        if urgency == NO_DEADLINE_URGENCY:
            return gettext_noop("No deadline"), {}
        if urgency >= 1.0:
            return gettext_noop("Deadline within %(days)d days"), {"days": int(URGENT_DAYS)}
        if urgency <= 0.0:
            return gettext_noop("Deadline %(days)d days or more away"), {"days": int(RELAXED_DAYS)}
        days_to_deadline = RELAXED_DAYS - urgency * (RELAXED_DAYS - URGENT_DAYS)
    if math.isnan(days_to_deadline):
        return gettext_noop("No deadline"), {}
    days = round(days_to_deadline)
    if days == -1:
        return gettext_noop("Deadline passed yesterday"), {}
    if days < 0:
        return gettext_noop("Deadline passed %(days)d days ago"), {"days": -days}
    if days == 0:
        return gettext_noop("Deadline today"), {}
    if days == 1:
        return gettext_noop("Deadline tomorrow"), {}
    return gettext_noop("Deadline in %(days)d days"), {"days": days}
