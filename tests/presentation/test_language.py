"""The report and the verdict in Korean (``--lang ko``): every sentence translated, the numbers
and names kept."""

from __future__ import annotations

import re
import string

import pytest
from test_report import made_up_run, page_text

from melodygen.core.errors import ConfigError
from melodygen.presentation import language
from melodygen.presentation import run_files as outputs
from melodygen.presentation.verdict import verdict


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(language.WORDS))
def test_every_sentence_has_both_languages_with_the_same_numbers(key):
    english, korean = language.WORDS[key]
    assert korean and korean != english or key in ("grid row",)
    assert fields(korean) <= fields(english)  # Korean drops English plural endings only
    assert english.count("|") == korean.count("|")
    plurals = {"s", "ies", "es", "ve", "they", "their", "them"}
    assert fields(english) - fields(korean) <= plurals, key


def test_an_unknown_language_is_refused():
    with pytest.raises(ConfigError, match="^unknown language 'de'; known: en, ko$"):
        language.say("title", "de", song="x")


def test_the_korean_verdict_keeps_numbers_and_names():
    summary = outputs.build_summary(made_up_run(names=("mlp", "lstm", "stateful", "stateful2")))
    found = verdict(summary, "ko")
    assert found.headline == (
        "상태 없이, mlp, lstm: 8번째 음에서 어긋남 (앞의 4음이 곡에서 다른 다음 음과 함께 다시 나오는 "
        "곳); 상태가 있으면, stateful, stateful2: 곡 전체를 이어 감.")
    assert found.lesson == ("상태 없는 LSTM(lstm)도 8번째 음에서 어긋납니다: 곡을 이어 가는 것은 "
                            "LSTM이 아니라 상태입니다.")
    assert found.details[0].startswith(
        "mlp, lstm: 8번째 음에서 어긋납니다. 그 앞의 4음 f8 d8 d4 c8는 곡에 3번 나오며, 여기서는 d8, "
        "다른 곳에서는 22, 49번째 음에서 e8가 뒤따릅니다.")
    english = verdict(summary)
    assert english.headline.startswith("Without state, mlp and lstm derail at note 8")


def test_the_korean_report(tmp_path):
    outputs.write_outputs(made_up_run(), tmp_path, scores=False, audio=False, lang="ko")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ko">' in page
    text = page_text(page)
    for korean in ("나비야: 모델마다 무엇을 배웠나", "무엇을 보고 있나", "모델 비교", "상태 없이, mlp",
                   "한 단계 예측", "곡 전체 예측", "모델이 보는 것: 4음", "이 강의는 김태영의 케라스 블로그"):
        assert korean in text, korean
    headers = re.findall(r"<th[^>]*>(.*?)</th>", page)
    assert headers[:4] == ["악보 표시", "4음", "다음 음", "상태 없이 최대 정답"]
    assert "what each model learnt" not in text and "Without state" not in text
