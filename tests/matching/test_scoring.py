"""The score formula: each part on hand-made inputs, the TF-IDF similarity, the total and its explanation."""

import math

import numpy as np
import pytest

from matching import explain as proposal_reasons
from matching.models import Proposal
from matching.scoring import (
    DECLINED_PENALTY,
    PARTS,
    WEIGHTS,
    TokenTable,
    Vocabulary,
    explain,
    score_parts,
    shared_terms,
    text_similarity,
    tokenize,
    total_score,
)

ONE_PAIR_FACTS = {
    "category": [1.0],
    "distance": [1],
    "text": [0.62],
    "demand": [10],
    "supply": [8],
    "days_to_deadline": [5.0],
    "reputation": [4.3],
    "declined_before": [False],
}


def facts(**changes):
    """Facts for as many pairs as the changed argument has values, the others repeated from ONE_PAIR_FACTS."""
    size = max((len(values) for values in changes.values()), default=1)
    return {name: changes.get(name, values * size) for name, values in ONE_PAIR_FACTS.items()}


def one_pair(parts):
    return {name: float(values[0]) for name, values in parts.items()}


# tokenize


def test_tokenize_cuts_chinese_into_words():
    assert tokenize("社区老年人健康义诊") == ["社区", "老年人", "健康", "义诊"]


def test_tokenize_drops_stopwords_numbers_punctuation_and_particles():
    assert tokenize("北新桥街道需要10名志愿者，协助核酸检测点维持秩序！") == [
        "北新桥",
        "街道",
        "志愿者",
        "协助",
        "核酸",
        "检测点",
        "维持秩序",
    ]


def test_tokenize_keeps_meaningful_single_characters():
    # 送 and 和 are dropped as particles; 米 and 油 are what the need is about.
    assert tokenize("为困难户送米送油") == ["困难户", "米", "油"]


def test_tokenize_normalises_full_width_and_case():
    assert tokenize("ＷｉＦｉ会议室　可容纳５０人") == ["wifi", "会议室", "容纳"]


def test_tokenize_of_empty_text_is_empty():
    assert tokenize("") == []
    assert tokenize("，。！  ") == []


# text_similarity


def test_identical_texts_have_similarity_one():
    tokens = tokenize("医院志愿者义诊服务")

    similarity = text_similarity([tokens], [tokens, ["场地"]], np.array([0]), np.array([0]))

    assert similarity.tolist() == pytest.approx([1.0])


def test_disjoint_texts_have_similarity_zero():
    similarity = text_similarity([["义诊"]], [["场地", "会议室"]], np.array([0]), np.array([0]))

    assert similarity.tolist() == [0.0]


def test_shared_word_gives_the_smooth_idf_cosine():
    # Given two texts sharing only 义诊: df(义诊) = 2 so idf = ln(3/3) + 1 = 1; the other six words have
    # idf = ln(3/2) + 1; each vector has three of those and 义诊, so cos = 1 / (1 + 3 * (1 + ln 1.5)^2).
    need, resource = tokenize("社区老年人健康义诊"), tokenize("医院志愿者义诊服务")

    similarity = text_similarity([need], [resource], np.array([0]), np.array([0]))

    assert similarity.tolist() == pytest.approx([1 / (1 + 3 * (1 + math.log(1.5)) ** 2)])
    assert similarity[0] == pytest.approx(0.14438, abs=1e-5)


def test_shared_characters_without_a_shared_word_do_not_count():
    # 社区/社会 and 健康/健身 share characters, not words: jieba's cut keeps them apart.
    need, resource = tokenize("社区老年人健康义诊"), tokenize("社会组织捐赠健身器材")

    similarity = text_similarity([need], [resource], np.array([0]), np.array([0]))

    assert similarity.tolist() == [0.0]


def test_similarity_is_given_for_the_requested_pairs_in_order():
    needs = [["义诊", "社区"], ["场地"], []]
    resources = [["场地"], ["义诊", "社区"]]

    similarity = text_similarity(needs, resources, np.array([0, 1, 0, 2, 1]), np.array([1, 0, 0, 1, 1]))

    assert similarity.tolist() == pytest.approx([1.0, 1.0, 0.0, 0.0, 0.0])


def test_repeated_words_and_idf_weight_the_vectors():
    # Corpus of 3 texts; n = 3. 义诊: df 2, idf ln(4/3)+1; 社区: df 2, idf ln(4/3)+1; 服务: df 1, idf ln(2)+1.
    needs = [["义诊", "义诊", "社区"]]
    resources = [["义诊", "服务"], ["社区"]]
    common, rare = math.log(4 / 3) + 1, math.log(2) + 1
    need_vector = np.array([2 * common, common, 0.0])  # 义诊, 社区, 服务
    resource_vector = np.array([common, 0.0, rare])
    expected = need_vector @ resource_vector / np.linalg.norm(need_vector) / np.linalg.norm(resource_vector)

    similarity = text_similarity(needs, resources, np.array([0, 0]), np.array([0, 1]))

    assert similarity.tolist() == pytest.approx([expected, 1 / math.sqrt(5)])


def test_texts_without_tokens_have_similarity_zero():
    similarity = text_similarity([[], []], [[]], np.array([0, 1]), np.array([0, 0]))

    assert similarity.tolist() == [0.0, 0.0]


def test_similarity_of_no_pairs_is_empty():
    assert text_similarity(
        [["义诊"]], [["义诊"]], np.array([], dtype=int), np.array([], dtype=int)
    ).shape == (0,)


def test_similarity_rejects_pairs_outside_the_lists():
    with pytest.raises(ValueError, match="edge_resource must index"):
        text_similarity([["义诊"]], [["义诊"]], np.array([0]), np.array([1]))


def test_similarity_is_the_same_in_small_chunks():
    rng = np.random.default_rng(5)
    words = ["义诊", "社区", "志愿者", "场地", "理发", "助餐"]
    needs = [list(rng.choice(words, 3)) for _ in range(20)]
    resources = [list(rng.choice(words, 2)) for _ in range(15)]
    edge_need, edge_resource = rng.integers(0, 20, 100), rng.integers(0, 15, 100)

    whole = text_similarity(needs, resources, edge_need, edge_resource)
    chunked = text_similarity(needs, resources, edge_need, edge_resource, chunk_size=7)

    assert chunked.tolist() == pytest.approx(whole.tolist())


def test_token_tables_give_the_words_back_and_the_same_similarity_as_lists():
    rng = np.random.default_rng(7)
    words = ["义诊", "社区", "志愿者", "场地", "理发", "助餐"]
    needs = [list(rng.choice(words, int(rng.integers(0, 4)))) for _ in range(20)]
    resources = [list(rng.choice(words, int(rng.integers(0, 3)))) for _ in range(15)]
    edge_need, edge_resource = rng.integers(0, 20, 100), rng.integers(0, 15, 100)
    shared = Vocabulary()
    need_table = TokenTable.of((" ".join(tokens) for tokens in needs), shared)
    resource_table = TokenTable.of(resources, shared)
    apart = TokenTable.of(resources, Vocabulary())  # its own vocabulary: ids translated when compared

    assert [need_table[i] for i in range(len(need_table))] == needs
    assert need_table.ids.dtype == np.int32 and len(shared) <= len(words)
    expected = text_similarity(needs, resources, edge_need, edge_resource)
    assert text_similarity(need_table, resource_table, edge_need, edge_resource).tolist() == expected.tolist()
    assert text_similarity(need_table, apart, edge_need, edge_resource).tolist() == pytest.approx(
        expected.tolist()
    )


# shared_terms


def test_shared_terms_lists_common_words_most_frequent_then_longest_first():
    need = ["社区", "志愿者", "义诊", "义诊", "理发"]
    resource = ["医院", "义诊", "志愿者", "理发", "服务"]

    assert shared_terms(need, resource) == ["义诊", "志愿者", "理发"]
    assert shared_terms(need, resource, top=1) == ["义诊"]
    assert shared_terms(["场地"], ["义诊"]) == []


# score_parts


@pytest.mark.parametrize(
    ("argument", "values", "part", "expected"),
    [
        ("category", [1.0, 0.5], "category", [1.0, 0.5]),
        ("distance", [0, 1, 2, 3, 4, 7], "distance", [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]),
        ("text", [0.0, 0.62, 1.0], "text", [0.0, 0.62, 1.0]),
        ("supply", [0, 2, 8, 10, 25], "quantity", [0.0, 0.2, 0.8, 1.0, 1.0]),
        (
            "days_to_deadline",
            [-4, 0, 3, 31.5, 60, 90, math.nan],
            "urgency",
            [1.0, 1.0, 1.0, 0.5, 0.0, 0.0, 0.3],
        ),
        ("reputation", [0.0, 2.5, 4.3, 5.0, math.nan], "reputation", [0.0, 0.5, 0.86, 1.0, 0.5]),
        ("declined_before", [False, True], "declined_before", [0.0, 1.0]),
    ],
)
def test_each_part_maps_its_fact_to_the_documented_value(argument, values, part, expected):
    parts = score_parts(**facts(**{argument: values}))

    assert parts[part].tolist() == pytest.approx(expected)


def test_urgency_falls_linearly_between_three_and_sixty_days():
    parts = score_parts(**facts(days_to_deadline=[5.0]))

    assert parts["urgency"].tolist() == pytest.approx([55 / 57])


def test_score_parts_returns_every_part_as_floats_in_unit_interval():
    parts = score_parts(**facts())

    assert tuple(parts) == PARTS
    assert all(
        values.dtype == np.float64 and 0 <= values.min() <= values.max() <= 1 for values in parts.values()
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"demand": [0]}, "demand must be > 0"),
        ({"supply": [-1]}, "supply must be >= 0"),
        ({"distance": [-1]}, "distance must be >= 0"),
        ({"category": [1.5]}, r"category must lie in \[0, 1\]"),
        ({"text": [-0.1]}, r"text must lie in \[0, 1\]"),
        ({"reputation": [6.0]}, r"reputation must lie in \[0, 5\]"),
        ({"category": [1.0, 1.0]}, "one entry per edge"),
    ],
)
def test_score_parts_rejects_invalid_facts(changes, message):
    arguments = facts()
    arguments.update(changes)

    with pytest.raises(ValueError, match=message):
        score_parts(**arguments)


# total_score


def test_total_is_the_weighted_sum_with_the_default_weights():
    parts = score_parts(**facts())

    # 0.20*1 + 0.15*0.75 + 0.25*0.62 + 0.15*0.8 + 0.10*55/57 + 0.15*0.86
    expected = 0.2 + 0.1125 + 0.155 + 0.12 + 0.1 * 55 / 57 + 0.129
    assert total_score(parts).tolist() == pytest.approx([expected])


def test_default_weights_sum_to_one():
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_total_uses_the_given_weights():
    parts = score_parts(**facts())

    assert total_score(parts, {"text": 1.0}).tolist() == pytest.approx([0.62])
    assert total_score(parts, {"distance": 2.0, "quantity": 1.0}).tolist() == pytest.approx([1.5 + 0.8])


def test_declined_before_subtracts_the_penalty():
    parts = score_parts(**facts(declined_before=[False, True]))

    plain, declined = total_score(parts)

    assert DECLINED_PENALTY == 0.5
    assert declined == pytest.approx(plain - 0.5)


def test_total_is_clipped_at_zero():
    parts = score_parts(**facts(text=[0.2], declined_before=[True]))

    assert total_score(parts, {"text": 1.0}).tolist() == [0.0]


def test_total_works_on_one_pair_of_floats():
    parts = one_pair(score_parts(**facts()))

    assert float(total_score(parts, {"text": 1.0})) == pytest.approx(0.62)


def test_total_rejects_unknown_weights():
    with pytest.raises(ValueError, match="unknown score parts"):
        total_score(score_parts(**facts()), {"colour": 1.0})


# explain


def test_explain_gives_reasons_strongest_first():
    parts = one_pair(score_parts(**facts()))

    reasons = explain(parts, shared_words=["志愿者", "义诊"], days_to_deadline=5, reputation=4.3)

    assert reasons == [
        ("category", "Same category"),  # 0.20
        ("text", "Text similarity 0.62 (shared words: 志愿者, 义诊)"),  # 0.155
        ("reputation", "Provider reputation 4.3/5"),  # 0.129
        ("quantity", "Covers 80% of the quantity"),  # 0.12
        ("distance", "Same street (distance 1)"),  # 0.1125
        ("urgency", "Deadline in 5 days"),  # 0.0965
    ]


def test_explain_reads_the_facts_back_from_the_parts_when_not_given():
    parts = one_pair(score_parts(**facts()))

    assert explain(parts) == [
        ("category", "Same category"),
        ("text", "Text similarity 0.62"),
        ("reputation", "Provider reputation 4.3/5"),
        ("quantity", "Covers 80% of the quantity"),
        ("distance", "Same street (distance 1)"),
        ("urgency", "Deadline in 5 days"),
    ]


def test_explain_says_no_deadline_and_not_rated_yet():
    parts = one_pair(score_parts(**facts(days_to_deadline=[math.nan], reputation=[math.nan])))

    reasons = dict(explain(parts))

    assert reasons["urgency"] == "No deadline"
    assert reasons["reputation"] == "Provider not rated yet (neutral)"


@pytest.mark.parametrize(
    ("fact", "expected"),
    [
        ({"category": [0.5]}, ("category", "Related category (the resource is filed under other)")),
        ({"distance": [0]}, ("distance", "Same community or committee (distance 0)")),
        ({"distance": [2]}, ("distance", "Same district (distance 2)")),
        ({"distance": [3]}, ("distance", "Same city (distance 3)")),
        ({"distance": [4]}, ("distance", "Far apart (distance 4 or more)")),
        ({"supply": [3]}, ("quantity", "Covers 30% of the quantity")),
        ({"days_to_deadline": [1]}, ("urgency", "Deadline tomorrow")),
        ({"days_to_deadline": [0]}, ("urgency", "Deadline today")),
        ({"days_to_deadline": [-2]}, ("urgency", "Deadline passed 2 days ago")),
    ],
)
def test_explain_words_each_case(fact, expected):
    arguments = facts(**fact)
    days = float(arguments["days_to_deadline"][0])

    reasons = explain(one_pair(score_parts(**arguments)), days_to_deadline=days)

    assert expected in reasons


def test_explain_adds_the_penalty_last():
    parts = one_pair(score_parts(**facts(declined_before=[True])))

    reasons = explain(parts)

    assert reasons[-1] == ("declined_before", "Declined before: penalty")
    assert len(reasons) == 7


def test_explain_leaves_out_parts_without_weight():
    parts = one_pair(score_parts(**facts()))

    reasons = explain(parts, {"text": 0.5, "urgency": 0.5})

    assert [name for name, _ in reasons] == ["urgency", "text"]  # 0.5 * 55/57 before 0.5 * 0.62


def test_explain_translates_msgids_before_substituting():
    catalogue = {
        "Same category": "同一类别",
        "Covers %(percent)d%% of the quantity": "可满足数量的%(percent)d%%",
    }
    parts = one_pair(score_parts(**facts()))

    reasons = dict(explain(parts, translate=lambda msgid: catalogue.get(msgid, msgid)))

    assert reasons["category"] == "同一类别"
    assert reasons["quantity"] == "可满足数量的80%"


def test_a_proposal_without_the_matchers_parts_has_a_reason_and_no_error(db):
    """Issue 12 item 13: explain raised KeyError on proposals written without score parts (the demo's, then)."""
    assert proposal_reasons.reasons(Proposal(score=0.8, score_parts={}, explanation={})) == [
        "由匹配程序提出（得分 0.80）。"
    ]
