"""The sub-dimension classifier: folding, restriction to allowed concepts, leave-one-plan-out."""

import pytest

from ingest.classify import Example, SubdimensionClassifier, analyzer, leave_one_plan_out

TRAIN = [
    Example("Niêm yết công khai danh sách hộ nghèo tại trụ sở UBND xã", "2.2", "a"),
    Example("Rà soát, bình xét hộ nghèo, hộ cận nghèo hằng năm", "2.2", "b"),
    Example("Công khai thu, chi ngân sách cấp xã tại trụ sở", "2.3", "a"),
    Example("Công bố công khai dự toán, quyết toán ngân sách xã", "2.3", "b"),
    Example("Tuyên truyền sử dụng Internet cho người dân", "8.2", "a"),
    Example("Tập huấn người dân sử dụng mạng Internet", "8.2", "b"),
]


@pytest.fixture(scope="module")
def clf():
    return SubdimensionClassifier().fit(TRAIN)


def test_analyzer_folds_and_keeps_one_letter_syllables():
    tokens = analyzer("Ý kiến của Đảng")
    assert tokens[:4] == ["y", "kien", "cua", "dang"] and "y_kien" in tokens


def test_ocr_text_without_diacritics_is_understood(clf):
    [p] = clf.predict(["Thuc hien cong khai danh sach ho ngheo"], [None])
    assert p.notation == "2.2" and 0 < p.confidence <= 1


def test_prediction_is_restricted_and_renormalised(clf):
    [p] = clf.predict(["Thuc hien cong khai danh sach ho ngheo"], [["2.3", "8.2"]])
    assert p.notation in {"2.3", "8.2"} and p.confidence >= 0.5


def test_unseen_allowed_set_falls_back_to_all(clf):
    [p] = clf.predict(["Internet cho người dân"], [["7.1"]])
    assert p.notation == "8.2"


def test_deterministic(clf):
    again = SubdimensionClassifier().fit(TRAIN)
    texts = ["công khai ngân sách", "internet", "hộ nghèo"]
    assert clf.predict(texts, [None] * 3) == again.predict(texts, [None] * 3)


def test_leave_one_plan_out_holds_each_plan_out():
    folds = leave_one_plan_out(TRAIN)
    assert [f.plan for f in folds] == ["a", "b"]
    assert all(f.n == 3 for f in folds)
    assert sum(f.correct for f in folds) >= 5  # the vocabulary is distinct enough
    assert all(f.correct_within_dimension >= f.correct - 1 for f in folds)
