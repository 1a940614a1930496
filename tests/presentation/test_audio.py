"""Audio: the WAV lasts as long as the melody at its tempo, and each note sounds at its pitch."""

import io
import wave

import numpy as np
import pytest

from melodygen import Melody, load_song, parse_notes
from melodygen.presentation import audio
from melodygen.presentation.audio import (
    note_times,
    samples_to_wav,
    wav_bytes,
    wav_to_samples,
)

MELODIES = {
    "nabiya": load_song("nabiya"),
    "wide range, rests, slow": Melody(tuple(parse_notes("g,4 r8 c#8 a4. r4 e'8 c''8 bb,2 f#'4")),
                                      title="wide", time_signature=(4, 4), tempo=72),
    "fast sixteenths": Melody(tuple(parse_notes("c16 d16 e16 f16 g16 a16 b16 c'16 b8 g8 e4")),
                              title="fast", time_signature=(2, 4), tempo=132),
}


def samples(melody):
    return wav_to_samples(wav_bytes(melody))


@pytest.mark.parametrize("name", MELODIES)
def test_audible_length_is_the_melody_length_at_its_tempo(name):
    melody = MELODIES[name]
    x, rate = samples(melody)
    expected = float(melody.total_length) * 60 / melody.tempo  # seconds
    loud = np.flatnonzero(np.abs(x) > 0.01 * np.abs(x).max())  # above -40 dB of the peak
    assert loud[0] / rate < 0.01  # sound from the first note on
    assert abs(loud[-1] / rate - expected) < 0.3
    assert abs(len(x) / rate - expected) < 0.3


def midi_pitch_of(frequency: float) -> int:
    return int(round(69 + 12 * np.log2(frequency / 440.0)))


@pytest.mark.parametrize("name", MELODIES)
def test_each_note_sounds_at_its_pitch(name):
    melody = MELODIES[name]
    x, rate = samples(melody)
    heard = []
    for note, (start, end) in zip(melody.notes, note_times(melody)):
        span = x[int((start + 0.02) * rate):int((end - 0.005) * rate)]  # past the last note's damper
        if note.is_rest:
            heard.append(None if np.sqrt(np.mean(span[int(0.15 * rate):] ** 2)) < 1e-3 else "sound")
            continue
        spectrum = np.abs(np.fft.rfft(span * np.hanning(len(span)), n=1 << 17))
        heard.append(midi_pitch_of(np.argmax(spectrum) * rate / (1 << 17)))
    assert heard == [note.pitch for note in melody.notes]


def test_wav_format_and_same_bytes_every_time():
    melody = MELODIES["wide range, rests, slow"]
    data = wav_bytes(melody)
    audio._tone.cache_clear()  # a fresh synthesis, not the cached tones, gives the same bytes
    assert wav_bytes(melody) == data
    with wave.open(io.BytesIO(data)) as file:
        assert (file.getnchannels(), file.getsampwidth(), file.getframerate(), file.getcomptype()) == \
            (1, 2, audio.SAMPLE_RATE, "NONE")
        assert file.getnframes() == round((float(melody.total_length) * 60 / melody.tempo + audio.TAIL)
                                          * audio.SAMPLE_RATE)
    x, _ = wav_to_samples(data)
    assert np.abs(x).max() == pytest.approx(audio.PEAK, abs=1 / 32767)


def test_sounds_like_a_plucked_string_not_a_beep():
    # A piano-like note: overtones at 2x and 3x the pitch, and a level that decays while held.
    melody = Melody(tuple(parse_notes("a2")), title="a", time_signature=(4, 4), tempo=60)  # 2 s
    x, rate = samples(melody)
    spectrum = np.abs(np.fft.rfft(x[:rate] * np.hanning(rate)))  # 1 Hz bins
    fundamental = spectrum[435:446].max()
    assert spectrum[875:886].max() > 0.1 * fundamental
    assert spectrum[1315:1326].max() > 0.03 * fundamental
    first, second = (np.sqrt(np.mean(x[i * rate // 2:(i + 1) * rate // 2] ** 2)) for i in (0, 3))
    assert second < 0.7 * first


def test_samples_round_trip_through_wav():
    x = np.sin(np.linspace(0, 60, 2205)) * 0.5
    back, rate = wav_to_samples(samples_to_wav(x, 22050))
    assert rate == 22050
    assert np.abs(back - x).max() <= 0.5 / 32767 + 1e-12


def test_reading_a_stereo_wav_is_refused():
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as file:
        file.setnchannels(2)
        file.setsampwidth(2)
        file.setframerate(22050)
        file.writeframes(b"\0\0\0\0" * 10)
    with pytest.raises(ValueError, match="expected 16-bit mono WAV, got 2 channels of 16 bits"):
        wav_to_samples(buffer.getvalue())
