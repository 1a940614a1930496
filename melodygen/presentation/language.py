"""The fixed sentences of the report, the verdict and the terminal's summary, in English and in
Korean (``--lang ko``: the lecture's language). Numbers, notes and model names are filled in as
they are; a sentence whose English needs a plural gets the English forms as values (``s``,
``they``, ...), which the Korean ignores.

``say(key, lang, **values)``: the sentence ``key`` in ``lang`` with ``values`` filled in.
"""

from __future__ import annotations

from ..core.errors import ConfigError

LANGUAGES = ("en", "ko")

WORDS: dict[str, tuple[str, str]] = {
    # the page
    "title": ("{song}: what each model learnt", "{song}: 모델마다 무엇을 배웠나"),
    "facts": ("{notes} notes, {meter}, {tempo} quarter notes a minute; a window of {window} "
              "notes gives {samples} predictions per model, and without state at most {ceiling} "
              "can be right. Seed {seed}, recipe {recipe}.",
              "{notes}개의 음, {meter}박자, 1분에 4분음표 {tempo}개; {window}음 창으로 모델마다 "
              "{samples}번 예측하며, 상태가 없으면 최대 {ceiling}개를 맞힐 수 있습니다. "
              "시드 {seed}, 레시피 {recipe}."),
    "lecture": ("The lecture follows Kim Tae-young's Keras blog post", "이 강의는 김태영의 케라스 "
                "블로그 글을 따릅니다"),
    "the song": ("The song", "노래"),
    "the original": ("{song}, the original", "{song}, 원곡"),
    "side by side": ("The models side by side", "모델 비교"),
    "training plot": ("training loss and accuracy per epoch, every model",
                      "에포크별 학습 손실과 정확도, 모든 모델"),
    "files": ("Files", "파일"),
    "footer": ("Made by melodygen. Every number on this page is in summary.json. {versions}",
               "melodygen이 만들었습니다. 이 페이지의 모든 숫자는 summary.json에 있습니다. {versions}"),
    "warning": ("Warning: {text}.", "경고: {text}."),
    # the tables
    "header": ("model|what|one-step right|accuracy|full song right|first wrong note|epochs|"
               "target reached at epoch|training s|final loss",
               "모델|설명|한 단계 정답|정확도|곡 전체 정답|첫 오답|에포크|목표 도달 에포크|학습 초|최종 손실"),
    "note": ("note", "음"),
    "note n": ("note {n}", "{n}번째 음"),
    "notes n": ("notes {n}", "{n}번째 음"),
    "none": ("none", "없음"),
    "never": ("never", "없음"),
    "grid row": ("{name} {kind}", "{name} {kind}"),
    "contexts header": ("on the score|{window} notes|followed by|right at best without state",
                        "악보 표시|{window}음|다음 음|상태 없이 최대 정답"),
    "at": ("{note} at {where}", "{where}에서 {note}"),
    "derails at": ("{names} derail{s} at note {n}", "{names}: {n}번째 음에서 어긋남"),
    "of": ("{a} of {b}", "{b}개 중 {a}개"),
    "contexts score": (
        "The song, with the note after each of its ambiguous contexts coloured and numbered "
        "by its place in the song and its context's letter: where a model that sees only "
        "{window} notes must guess.",
        "각 애매한 문맥 뒤의 음을 색으로 표시하고 곡에서의 위치와 문맥의 글자로 번호를 붙인 노래: "
        "{window}음만 보는 모델이 추측해야 하는 곳입니다."),
    # the predictions
    "one-step": ("One step", "한 단계 예측"),
    "full-song": ("Full song", "곡 전체 예측"),
    "one-step says": ("The song's first {window} notes, then for each real window of {window} "
                      "notes of the song the next note the model predicts, written where the "
                      "note it predicts is in the song",
                      "곡의 처음 {window}음, 그다음 곡의 실제 {window}음 창마다 모델이 예측한 다음 음을 "
                      "그 음이 곡에 있는 자리에 적었습니다"),
    "full-song says": ("The song's first {window} notes, then every next note predicted from "
                       "the model's own previous {window} notes",
                       "곡의 처음 {window}음, 그다음 모델이 자기가 앞서 예측한 {window}음으로 예측한 음들"),
    "right wrong": ("{said}: {right} of {samples} right, {wrong}.",
                    "{said}: {samples}개 중 {right}개 정답, {wrong}."),
    "n wrong": ("{n} wrong", "{n}개 오답"),
    "marked": ("in red and numbered in the score: {where}", "악보에 빨간색과 번호로 표시: {where}"),
    "none wrong": ("none wrong", "오답 없음"),
    "model says": ("{description}. One-step accuracy {accuracy} ({right} of {samples} next "
                   "notes right); replaying the song on its own it gets {full} of {samples} "
                   "right. Trained {epochs} epochs in {seconds} s, final loss {loss}.",
                   "{description}. 한 단계 정확도 {accuracy} ({samples}개 중 {right}개 정답); 스스로 곡을 "
                   "이어 연주하면 {samples}개 중 {full}개 정답. {epochs} 에포크, {seconds}초 학습, 최종 손실 "
                   "{loss}."),
    "loss line": ("Its loss curve is the line {name} in the training plot; it {reached}.",
                  "손실 곡선은 학습 그래프의 {name} 선입니다; {reached}."),
    "reached": ("first reached its target ({target} of {samples} right) at epoch {epoch}",
                "{epoch} 에포크에 처음 목표({samples}개 중 {target}개 정답)에 도달했습니다"),
    "not reached": ("never reached its target", "목표에 도달하지 못했습니다"),
    # what you are looking at
    "looking": ("What you are looking at", "무엇을 보고 있나"),
    "window": ("The window. Every model predicts the next note of the song from the notes "
               "before it. The lecture's models see a window of the last {window} notes: "
               "here the first window, {tokens}, and the note that follows it. Sliding the "
               "window along the {notes} notes of the song gives {samples} examples to learn.",
               "창(window). 모든 모델은 앞의 음들로 곡의 다음 음을 예측합니다. 강의의 모델은 마지막 "
               "{window}음의 창을 봅니다: 여기 첫 번째 창 {tokens}와 그 뒤의 음. 창을 곡의 {notes}음을 "
               "따라 밀면 학습할 예가 {samples}개 생깁니다."),
    "sees": ("what the model sees: {window} notes", "모델이 보는 것: {window}음"),
    "predicts": ("what it predicts", "예측하는 것"),
    "mlp sees": ("The MLP sees the {window} notes at once, each as one number (its index in the "
                 "lecture's dictionary divided by 13), and has no idea which window of the song "
                 "it is in.",
                 "MLP는 {window}음을 한꺼번에 봅니다. 각 음은 숫자 하나(강의의 사전에서의 인덱스를 13으로 "
                 "나눈 값)이고, 곡의 어느 창인지는 알지 못합니다."),
    "lstm sees": ("The LSTM reads the {window} notes one after another (each as numbers: its "
                  "pitch and its length) and keeps a memory of what it read, its state.",
                  "LSTM은 {window}음을 차례로 읽고(음마다 음높이와 길이라는 숫자), 읽은 것을 기억으로, "
                  "곧 상태(state)로 간직합니다."),
    "state": ("State. A stateless LSTM forgets its state after every window, so it knows no more "
              "than the MLP. The stateful LSTM carries its state from one window to the next "
              "across the whole song: it knows where in the song it is, so the same {window} "
              "notes at two places are not the same to it.",
              "상태. 상태 없는(stateless) LSTM은 창마다 상태를 잊으므로 MLP보다 더 알지 못합니다. "
              "상태 있는(stateful) LSTM은 곡 전체에 걸쳐 창에서 창으로 상태를 이어 가므로 곡의 어디에 "
              "있는지 알고, 두 곳의 같은 {window}음이 서로 다릅니다."),
    "attention": ("Attention. A Transformer looks back at every note before the one it predicts "
                  "and weighs each (attention): it sees the whole song so far. Limited to the "
                  "last {window} notes it sees no more than the MLP.",
                  "주의(attention). Transformer는 예측할 음 앞의 모든 음을 돌아보고 각각에 가중치를 "
                  "둡니다: 지금까지의 곡 전체를 봅니다. 마지막 {window}음으로 제한하면 MLP보다 더 보지 "
                  "못합니다."),
    "ambiguous": ("Where the window is not enough. Some {window} notes come more than once in "
                  "the song with another note after them: a model that sees only the window "
                  "cannot tell those places apart. They are marked on the score below, lettered "
                  "as in the table above, each next note numbered by its place in the song.",
                  "창으로 부족한 곳. 어떤 {window}음은 곡에 두 번 이상 나오는데 그 뒤의 음이 다릅니다: "
                  "창만 보는 모델은 그 자리들을 구별할 수 없습니다. 아래 악보에 위의 표와 같은 글자로 "
                  "표시했고, 다음 음마다 곡에서의 위치 번호를 붙였습니다."),
    # surprise
    "surprise": ("Surprise, note by note", "음마다의 놀람(surprise)"),
    "surprise says": ("How surprised each model is by each real note, one step from the real "
                      "song: -log2 of the probability it gave the note that came, in bits (0: "
                      "it was sure; 1: a coin toss). The notes are coloured by surprise, the "
                      "{top} most surprising numbered; the first {window} notes are not "
                      "predicted (grey). Every note's figures: --per-note FILE.csv.",
                      "실제 곡에서 한 단계씩, 각 모델이 실제 음에 얼마나 놀라는지: 실제로 온 음에 모델이 준 "
                      "확률의 -log2, 단위 비트(0: 확신, 1: 동전 던지기). 음은 놀람에 따라 색칠했고 가장 놀란 "
                      "{top}개에 번호를 붙였습니다; 처음 {window}음은 예측하지 않습니다(회색). 모든 음의 "
                      "수치: --per-note FILE.csv."),
    "surprise of": ("{bits} bits per note on average; most surprised at {top}.",
                    "음마다 평균 {bits}비트; 가장 놀란 곳: {top}."),
    "top item": ("{rank}. note {note} ({token}, {bits} bits)",
                 "{rank}. {note}번째 음 ({token}, {bits}비트)"),
    "surprise plot": ("surprise along the song, every model", "곡을 따라가며 본 놀람, 모든 모델"),
    "legend": ("under 0.5 bits|0.5 to 1 bit|1 to 2 bits|2 to 4 bits|4 bits or more|not predicted",
               "0.5비트 미만|0.5-1비트|1-2비트|2-4비트|4비트 이상|예측 안 함"),
    # the terminal
    "summary line": ("{song}: {notes} notes, window {window}, {samples} predictions per model; "
                     "without state at most {ceiling} can be right",
                     "{song}: {notes}개의 음, 창 {window}, 모델마다 {samples}번 예측; 상태가 없으면 최대 "
                     "{ceiling}개 정답"),
    "terminal header": ("model|one-step right|full song right|first wrong|epochs|train s",
                        "모델|한 단계 정답|곡 전체 정답|첫 오답|에포크|학습 초"),
    "files line": ("files in {folder}/: original, MODEL-one-step and MODEL-full-song ({suffixes}), "
                   "{plot}, summary.json",
                   "{folder}/의 파일: original, MODEL-one-step, MODEL-full-song ({suffixes}), {plot}, "
                   "summary.json"),
    "report line": ("report: {path}", "보고서: {path}"),
    "per note line": ("every note's surprise: {path} ({rows} rows)",
                      "음마다의 놀람: {path} ({rows}행)"),
    "removed": ("removed {n} files of the run before that this one did not write again",
                "이번에 다시 쓰지 않은 이전 실행의 파일 {n}개를 지웠습니다"),
    # the verdict
    "groups": ("Without state|with state|with attention to every note before",
               "상태 없이|상태가 있으면|앞의 모든 음에 주의를 기울이면"),
    "carries": ("{names} carr{ies} the whole song", "{names}: 곡 전체를 이어 감"),
    "derail first": ("{names} derail{s} at note {n}{cause}", "{names}: {n}번째 음에서 어긋남{cause}"),
    "derail next": ("{names} at note {n}{cause}", "{names}: {n}번째 음{cause}"),
    "cause": (", where the {window} notes before it recur in the song with another next note",
              " (앞의 {window}음이 곡에서 다른 다음 음과 함께 다시 나오는 곳)"),
    "why context": ("{names} derail{s} at note {n}: the {window} notes before it, {context}, "
                    "come {count} times in the song, followed by {here} here and by {elsewhere}. "
                    "A model that sees only those {window} notes cannot tell the places "
                    "apart{plays}, and from there {they} feed{s} on {their} own notes.",
                    "{names}: {n}번째 음에서 어긋납니다. 그 앞의 {window}음 {context}는 곡에 {count}번 "
                    "나오며, 여기서는 {here}, 다른 곳에서는 {elsewhere}가 뒤따릅니다. 이 {window}음만 보는 "
                    "모델은 그 자리들을 구별할 수 없고{plays}, 그 뒤로는 자기가 만든 음을 이어 받습니다."),
    "plays": ("; here {they} play{s} {note}", " (여기서 {note}를 연주)"),
    "why remembers": ("{names} derail{s} at note {n} even with {memory}: {they} had not learnt "
                      "the song when training stopped ({right} of {samples} next notes right in "
                      "one step, {epochs} epochs).",
                      "{names}: {memory}에도 {n}번째 음에서 어긋납니다. 학습이 멈췄을 때 곡을 다 배우지 "
                      "못했습니다(한 단계 {samples}개 중 {right}개 정답, {epochs} 에포크)."),
    "why unlearnt": ("{names} derail{s} at note {n}, a note {they} do{es} not predict right even "
                     "from the real song: {they} ha{ve} not learnt the song ({right} of {samples} "
                     "next notes right in one step).",
                     "{names}: {n}번째 음에서 어긋납니다. 실제 곡에서도 맞히지 못하는 음입니다: 곡을 다 "
                     "배우지 못했습니다(한 단계 {samples}개 중 {right}개 정답)."),
    "memory": ("no memory|state|attention", "기억 없음|상태|주의"),
    "ceiling": ("In one step, from the real song, the {count} contexts of {window} notes in the "
                "table below cap {capped} at {ceiling} of {samples}{got}",
                "실제 곡에서 한 단계씩 예측하면, 아래 표의 {window}음 문맥 {count}개 때문에 {capped}은 "
                "{samples}개 중 최대 {ceiling}개만 맞힙니다{got}"),
    "capped all": ("every model without state", "상태 없는 모든 모델"),
    "capped window": ("every model that sees no more than {window} notes",
                      "{window}음보다 더 보지 못하는 모든 모델"),
    "no context": ("No {window} notes of this song come twice with another next note: a model "
                   "without state can learn all {samples} next notes.",
                   "이 곡에는 다른 다음 음과 함께 두 번 나오는 {window}음이 없습니다: 상태 없는 모델도 "
                   "{samples}개의 다음 음을 모두 배울 수 있습니다."),
    "carry state": ("{names} carr{ies} {their} state from window to window across the song, so "
                    "the same {window} notes at two places of the song are not the same for "
                    "{them}: {right} of {samples} in one step, and the whole song replayed from "
                    "its first {window} notes.",
                    "{names}: 곡 전체에 걸쳐 창에서 창으로 상태를 이어 가므로, 곡의 두 곳에 있는 같은 "
                    "{window}음이 서로 다릅니다: 한 단계 {samples}개 중 {right}개, 그리고 처음 {window}음"
                    "에서 곡 전체를 다시 연주합니다."),
    "carry attention": ("{names} look{s} back at every note before, by attention, so the same "
                        "{window} notes at two places of the song are not the same for {them}: "
                        "{right} of {samples} in one step, and the whole song replayed from its "
                        "first {window} notes.",
                        "{names}: 앞의 모든 음을 주의(attention)로 돌아보므로, 곡의 두 곳에 있는 같은 "
                        "{window}음이 서로 다릅니다: 한 단계 {samples}개 중 {right}개, 그리고 처음 "
                        "{window}음에서 곡 전체를 다시 연주합니다."),
    "lesson both": ("The stateless LSTM ({lstm}) derails too, at note {n}, and so does the "
                    "Transformer limited to the last {k} notes ({short}): what carries the song "
                    "is the context a model sees (its state, or attention to every note before), "
                    "not the kind of network.",
                    "상태 없는 LSTM({lstm})도 {n}번째 음에서 어긋나고, 마지막 {k}음만 보는 Transformer"
                    "({short})도 마찬가지입니다: 곡을 이어 가는 것은 네트워크의 종류가 아니라 모델이 보는 "
                    "문맥(상태, 또는 앞의 모든 음에 대한 주의)입니다."),
    "lesson lstm": ("The stateless LSTM ({lstm}) derails too, at note {n}: what carries the song "
                    "is the state, not the LSTM.",
                    "상태 없는 LSTM({lstm})도 {n}번째 음에서 어긋납니다: 곡을 이어 가는 것은 LSTM이 "
                    "아니라 상태입니다."),
    "lesson attention": ("The Transformer limited to the last {k} notes ({short}) derails at note "
                         "{n} as a model of a window does, while {attending}, attending to every "
                         "note before, does not: what carries the song is the context a model "
                         "sees, not attention itself.",
                         "마지막 {k}음만 보는 Transformer({short})는 창 모델처럼 {n}번째 음에서 어긋나지만, "
                         "앞의 모든 음을 보는 {attending}는 어긋나지 않습니다: 곡을 이어 가는 것은 주의 자체가 "
                         "아니라 모델이 보는 문맥입니다."),
    "lesson hint": ("Run it with --model all to see that an LSTM without state derails as well, "
                    "and a Transformer that sees the last 4 notes: the lesson is the context a "
                    "model sees, not the kind of network.",
                    "--model all 로 실행하면 상태 없는 LSTM과 마지막 4개 음만 보는 Transformer도 "
                    "어긋나는 것을 볼 수 있습니다: 교훈은 네트워크의 종류가 아니라 모델이 보는 "
                    "문맥입니다."),
    "short of target": ("{name} {ended}: {right} of {samples} next notes right in one step, "
                        "target {target}; train longer (--epochs)",
                        "{name}: {ended}: 한 단계에서 {samples}개 중 {right}개 정답, 목표 {target}; 더 오래 "
                        "학습하세요 (--epochs)"),
    "ended fast": ("stopped at the epoch cap ({epochs}) before reaching its target",
                   "목표에 이르기 전에 에포크 한도({epochs})에서 멈춤"),
    "ended lecture": ("did not reach its target in {epochs} epochs",
                      "{epochs} 에포크 안에 목표에 도달하지 못함"),
}


def check_language(lang: str) -> str:
    """``lang`` if melodygen speaks it, else a ``ConfigError`` naming the ones it does."""
    if lang not in LANGUAGES:
        raise ConfigError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    return lang


def say(key: str, lang: str = "en", **values) -> str:
    """Sentence ``key`` in ``lang`` ("en" or "ko") with ``values`` filled in."""
    english, korean = WORDS[key]
    return (korean if check_language(lang) == "ko" else english).format(**values)


def words(key: str, lang: str = "en", **values) -> list[str]:
    """A list kept as one sentence split by "|" (table headers, legends)."""
    return say(key, lang, **values).split("|")


def and_join(items: list[str], lang: str = "en") -> str:
    """"a", "a and b", "a, b and c" (Korean: "a, b, c")."""
    if lang == "ko" or len(items) == 1:
        return ", ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
