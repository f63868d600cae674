"""Embedded synthetic acted-emotion corpora, written in the real corpora's layouts.

A fresh machine has no corpus. This module synthesises small stand-ins with a
source-filter model so that every loader, feature and chapter runs anyway. The
emotions differ in the cues the literature documents (Banse & Scherer, 1996;
Juslin & Laukka, 2003): F0 level and range, intensity, speech rate, jitter,
shimmer, breathiness and spectral tilt. The corpora differ from each other in
their speaker pool, a language-like vowel inventory, channel colouring, noise,
expression intensity, class balance, and a corpus-specific acting style, so a
model trained on one generalises worse to another, as with real data.

Nothing here is a real recording; results on these corpora show that the code
runs, not what the papers measured.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import butter, lfilter, sosfilt

from ..audio import SAMPLE_RATE
from ..config import cache_dir

#: Bump when the generator changes: the cache folder is keyed by it.
GENERATOR_VERSION = "2"

#: Per emotion: F0 scale, F0 range scale, speech-rate scale, intensity (dB),
#: brightness (+ = flatter spectral tilt), jitter, shimmer, breathiness.
EMOTION_CUES: dict[str, tuple[float, float, float, float, float, float, float, float]] = {
    "neutral": (1.00, 1.00, 1.00, 0.0, 0.00, 0.006, 0.03, 0.04),
    "calm": (0.95, 0.75, 0.88, -3.0, -0.25, 0.005, 0.03, 0.08),
    "happy": (1.28, 1.70, 1.10, 4.0, 0.30, 0.008, 0.05, 0.04),
    "sad": (0.90, 0.55, 0.72, -6.0, -0.55, 0.014, 0.08, 0.22),
    "angry": (1.30, 1.45, 1.16, 9.0, 0.65, 0.012, 0.06, 0.03),
    "fear": (1.42, 1.15, 1.28, 1.0, -0.05, 0.030, 0.10, 0.25),
    "disgust": (0.93, 1.10, 0.82, 1.0, 0.10, 0.018, 0.07, 0.12),
    "surprise": (1.36, 1.95, 1.05, 4.0, 0.20, 0.008, 0.05, 0.05),
    "boredom": (0.90, 0.45, 0.80, -4.0, -0.40, 0.007, 0.04, 0.10),
    "frustration": (1.10, 1.10, 1.00, 3.0, 0.20, 0.015, 0.06, 0.10),
}

#: Vowel formants (F1, F2, F3 in Hz) of three language-like inventories.
VOWELS: dict[str, list[tuple[int, int, int]]] = {
    "en": [
        (730, 1090, 2440),
        (270, 2290, 3010),
        (300, 870, 2240),
        (530, 1840, 2480),
        (570, 840, 2410),
        (660, 1720, 2410),
        (490, 1350, 1690),
    ],
    "de": [
        (750, 1300, 2500),
        (280, 2250, 2900),
        (290, 750, 2300),
        (400, 2050, 2650),
        (410, 800, 2350),
        (280, 1650, 2100),
        (430, 1500, 2350),
    ],
    "it": [
        (780, 1350, 2550),
        (290, 2300, 3000),
        (310, 800, 2250),
        (480, 1950, 2550),
        (500, 900, 2400),
    ],
}
#: Fricative noise centre frequencies per language (Hz).
CONSONANTS = {
    "en": [2500, 4500, 6000, 1500],
    "de": [2200, 3600, 5500, 1200],
    "it": [3000, 5000, 6500],
}


@dataclass(frozen=True)
class Speaker:
    """One synthetic speaker."""

    id: str
    gender: str
    f0: float
    tract: float
    rate: float


@dataclass(frozen=True)
class CorpusStyle:
    """What makes one synthetic corpus differ from the others."""

    language: str
    band: tuple[float, float]
    tilt: float
    snr_db: float
    expression: float
    style_seed: int
    gain_db: float = 0.0


def _speakers(seed: int, ids: list[tuple[str, str]]) -> list[Speaker]:
    rng = np.random.default_rng(seed)
    out = []
    for sid, gender in ids:
        base = rng.uniform(95, 140) if gender == "male" else rng.uniform(175, 245)
        tract = rng.uniform(0.92, 1.02) if gender == "male" else rng.uniform(1.05, 1.18)
        out.append(Speaker(sid, gender, float(base), float(tract), float(rng.uniform(4.0, 5.2))))
    return out


def _cues(emotion: str, style: CorpusStyle) -> np.ndarray:
    """Emotion cues scaled by the corpus's expression and perturbed by its style."""
    neutral = np.array(EMOTION_CUES["neutral"])
    cues = np.array(EMOTION_CUES[emotion])
    rng = np.random.default_rng([style.style_seed, sum(map(ord, emotion))])
    # each corpus's actors portray an emotion a little differently
    perturb = 1.0 + rng.normal(0.0, 0.45, size=cues.shape)
    return neutral + (cues - neutral) * style.expression * perturb


def _resonator(freq: float, bw: float) -> tuple[np.ndarray, np.ndarray]:
    r = np.exp(-np.pi * bw / SAMPLE_RATE)
    theta = 2 * np.pi * freq / SAMPLE_RATE
    a = np.array([1.0, -2 * r * np.cos(theta), r * r])
    return np.array([a.sum()]), a


def synthesize(
    rng: np.random.Generator, speaker: Speaker, emotion: str, style: CorpusStyle
) -> np.ndarray:
    """Synthesise one utterance.

    Args:
        rng: The generator for this utterance (deterministic per file).
        speaker: Who speaks.
        emotion: A canonical emotion.
        style: The corpus.

    Returns:
        Float32 samples at 16 kHz.
    """
    f0_scale, f0_range, rate, level_db, bright, jitter, shimmer, breath = _cues(emotion, style)
    jitter, shimmer, breath = abs(jitter), abs(shimmer), float(np.clip(breath, 0.0, 0.6))
    sr = SAMPLE_RATE
    n_syl = int(rng.integers(6, 11))
    syl = rng.uniform(0.75, 1.25, n_syl) / (speaker.rate * max(rate, 0.4))
    lead, tail = 0.12, 0.15
    n = int((lead + syl.sum() + tail) * sr)
    bounds = (lead + np.concatenate([[0.0], np.cumsum(syl)])) * sr
    t = np.arange(n) / sr

    # F0: declination plus one accent per syllable, the range set by the emotion
    f0 = speaker.f0 * f0_scale * (1.0 + 0.08 * (1 - t / t[-1]))
    for k in range(n_syl):
        centre = (bounds[k] + bounds[k + 1]) / 2 / sr
        height = 0.12 * f0_range * rng.uniform(-0.3, 1.0)
        f0 *= 1.0 + height * np.exp(-0.5 * ((t - centre) / (syl[k] / 3)) ** 2)
    f0 *= 1.0 + jitter * np.repeat(rng.standard_normal(n // 80 + 1), 80)[:n]

    # glottal source: pulse train with shimmer, shaped by a tilt filter
    phase = np.cumsum(f0 / sr)
    pulses = np.diff(np.floor(phase), prepend=0.0)
    pulses *= 1.0 + shimmer * rng.standard_normal(n)
    pole = float(np.clip(0.93 - 0.06 * bright + 0.05 * style.tilt, 0.75, 0.985))
    source = lfilter([1.0], [1.0, -pole], lfilter([1.0], [1.0, -pole], pulses))
    source /= np.std(source) + 1e-9
    source += breath * rng.standard_normal(n)

    out = np.zeros(n)
    vowels = VOWELS[style.language]
    consonants = CONSONANTS[style.language]
    for k in range(n_syl):
        a, b = int(bounds[k]), int(bounds[k + 1])
        split = a + int((b - a) * rng.uniform(0.2, 0.35))
        # consonant: band-passed noise
        centre = consonants[int(rng.integers(len(consonants)))]
        sos = butter(2, [centre * 0.7, min(centre * 1.3, 7800)], "bandpass", fs=sr, output="sos")
        burst = sosfilt(sos, rng.standard_normal(split - a)) * 0.35
        out[a:split] += burst * np.hanning(split - a)
        # vowel: the voiced source through three formant resonators
        f1, f2, f3 = vowels[int(rng.integers(len(vowels)))]
        seg = source[split:b].copy()
        for freq, bw in ((f1, 80), (f2, 110), (f3, 160)):
            shift = 1.0 + 0.06 * max(bright, 0.0)  # tense, bright voices raise formants
            num, den = _resonator(min(freq * speaker.tract * shift, 7500), bw)
            seg = lfilter(num, den, seg)
        stress = rng.uniform(0.7, 1.0)
        out[split:b] += seg / (np.std(seg) + 1e-9) * stress * np.hanning(b - split)

    # level by emotion, channel by corpus, then noise at the corpus's SNR
    out *= 10 ** ((level_db + style.gain_db) / 20) * 0.05
    sos = butter(2, style.band, "bandpass", fs=sr, output="sos")
    out = sosfilt(sos, out)
    noise = sosfilt(butter(1, 1000, "lowpass", fs=sr, output="sos"), rng.standard_normal(n))
    speech_power = np.mean(out**2)
    noise *= np.sqrt(speech_power / 10 ** (style.snr_db / 10) / (np.mean(noise**2) + 1e-12))
    out = out + noise
    peak = np.max(np.abs(out))
    if peak > 0.95:  # soft limit instead of clipping
        out = np.tanh(out / peak * 2.0) * 0.95 / np.tanh(2.0)
    return out.astype(np.float32)


@dataclass(frozen=True)
class Item:
    """One file to write: its path inside the corpus folder and what it says."""

    relpath: str
    speaker: Speaker
    emotion: str


def _write_tree(root: Path, name: str) -> None:
    spec = SPECS[name]
    items, extra = spec.plan()
    for item in items:
        digest = hashlib.sha256(f"{name}/{item.relpath}".encode()).digest()
        rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
        audio = synthesize(rng, item.speaker, item.emotion, spec.style)
        path = root / item.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(str(path), audio, SAMPLE_RATE, subtype="PCM_16")
    for relpath, text in extra.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Spec:
    """A synthetic corpus: its style and a function listing its files."""

    style: CorpusStyle
    plan: Callable[[], tuple[list[Item], dict[str, str]]]


def _plan_ravdess() -> tuple[list[Item], dict[str, str]]:
    ids = [(f"{a:02d}", "male" if a % 2 else "female") for a in range(1, 7)]
    codes = {
        "01": "neutral",
        "02": "calm",
        "03": "happy",
        "04": "sad",
        "05": "angry",
        "06": "fear",
        "07": "disgust",
        "08": "surprise",
    }
    items = []
    for spk in _speakers(101, ids):
        for code, emotion in codes.items():
            intensities = ["01"] if code == "01" else ["01", "02"]
            for inten in intensities:
                for rep in ("01", "02"):
                    rel = f"Actor_{spk.id}/03-01-{code}-{inten}-01-{rep}-{spk.id}.wav"
                    items.append(Item(rel, spk, emotion))
    return items, {}


def _plan_crema_d() -> tuple[list[Item], dict[str, str]]:
    ids = [(str(1001 + i), "male" if i % 2 == 0 else "female") for i in range(6)]
    codes = {
        "ANG": "angry",
        "DIS": "disgust",
        "FEA": "fear",
        "HAP": "happy",
        "NEU": "neutral",
        "SAD": "sad",
    }
    items = []
    speakers = _speakers(202, ids)
    for spk in speakers:
        for code, emotion in codes.items():
            for sentence in ("DFA", "IEO", "TIE"):
                items.append(Item(f"AudioWAV/{spk.id}_{sentence}_{code}_XX.wav", spk, emotion))
    demo = "ActorID,Age,Sex,Race,Ethnicity\n" + "".join(
        f"{s.id},30,{s.gender.capitalize()},Caucasian,Not Hispanic\n" for s in speakers
    )
    return items, {"VideoDemographics.csv": demo}


def _plan_enterface05() -> tuple[list[Item], dict[str, str]]:
    ids = [(str(i), "male" if i != 3 else "female") for i in range(1, 6)]
    codes = {
        "anger": ("an", "angry"),
        "disgust": ("di", "disgust"),
        "fear": ("fe", "fear"),
        "happiness": ("ha", "happy"),
        "sadness": ("sa", "sad"),
        "surprise": ("su", "surprise"),
    }
    items = []
    for spk in _speakers(303, ids):
        for folder, (code, emotion) in codes.items():
            for sentence in (1, 2, 3):
                rel = (
                    f"subject {spk.id}/{folder}/sentence {sentence}/s{spk.id}_{code}_{sentence}.wav"
                )
                items.append(Item(rel, spk, emotion))
    return items, {}


def _plan_iemocap() -> tuple[list[Item], dict[str, str]]:
    # per speaker: the natural-speech imbalance of IEMOCAP (many neutral/frustrated)
    per_speaker = [
        ("neu", "neutral", 4),
        ("ang", "angry", 2),
        ("sad", "sad", 3),
        ("hap", "happy", 1),
        ("exc", "happy", 2),
        ("fru", "frustration", 2),
        ("xxx", "neutral", 1),
    ]
    items, extra = [], {}
    for session in range(1, 6):
        pair = _speakers(
            400 + session, [(f"Ses0{session}F", "female"), (f"Ses0{session}M", "male")]
        )
        for dialog_kind in ("impro01", "script01_1"):
            dialog = f"Ses0{session}F_{dialog_kind}"
            lines = ["% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]", ""]
            counter = {"F": 0, "M": 0}
            for spk in pair:
                letter = spk.id[-1]
                for label, emotion, count in per_speaker:
                    for _ in range(count if dialog_kind == "impro01" else max(1, count // 2)):
                        utt = f"{dialog}_{letter}{counter[letter]:03d}"
                        counter[letter] += 1
                        rel = f"Session{session}/sentences/wav/{dialog}/{utt}.wav"
                        items.append(Item(rel, spk, emotion))
                        start = 1.0 + 3 * len(lines)
                        lines.append(
                            f"[{start:.4f} - {start + 2.5:.4f}]\t{utt}\t{label}\t"
                            "[2.5000, 2.5000, 2.5000]"
                        )
                        lines.append("C-E1:\tNeutral;\t()")
                        lines.append("")
            extra[f"Session{session}/dialog/EmoEvaluation/{dialog}.txt"] = "\n".join(lines) + "\n"
    return items, extra


def _plan_msp_improv() -> tuple[list[Item], dict[str, str]]:
    items, lines = [], []
    labels = [("A", "angry"), ("H", "happy"), ("S", "sad"), ("N", "neutral"), ("N", "neutral")]
    for session in range(1, 4):
        pair = _speakers(500 + session, [(f"F0{session}", "female"), (f"M0{session}", "male")])
        for spk in pair:
            for s_index, (target, _) in enumerate(labels[:4]):
                sentence = f"S0{s_index + 1}{target}"
                for n, (label, emotion) in enumerate(labels):
                    for kind in ("P", "R"):
                        partner = "M" if spk.id[0] == "F" else "F"
                        clip = f"{sentence}-{spk.id}-{kind}-{spk.id[0]}{partner}{n:02d}"
                        rel = f"Audio/session{session}/{sentence}/{kind}/MSP-IMPROV-{clip}.wav"
                        items.append(Item(rel, spk, emotion))
                        lines.append(f"UTD-IMPROV-{clip}.avi; {label}; A:3.0; V:3.0; D:3.0; N:0.0;")
                        lines.append("A; Neutral; Neutral;")
                        lines.append("")
    return items, {"Evalution.txt": "\n".join(lines) + "\n"}


def _plan_emodb() -> tuple[list[Item], dict[str, str]]:
    ids = [("03", "male"), ("08", "female"), ("09", "female"), ("10", "male"), ("11", "male")]
    letters = {
        "W": ("angry", 4),
        "L": ("boredom", 3),
        "E": ("disgust", 2),
        "A": ("fear", 2),
        "F": ("happy", 2),
        "T": ("sad", 2),
        "N": ("neutral", 3),
    }
    items = []
    for spk in _speakers(606, ids):
        for letter, (emotion, count) in letters.items():
            for text in range(count):
                items.append(Item(f"wav/{spk.id}a0{text + 1}{letter}a.wav", spk, emotion))
    return items, {}


def _plan_emovo() -> tuple[list[Item], dict[str, str]]:
    ids = [("f1", "female"), ("f2", "female"), ("m1", "male"), ("m2", "male")]
    codes = {
        "dis": "disgust",
        "gio": "happy",
        "neu": "neutral",
        "pau": "fear",
        "rab": "angry",
        "sor": "surprise",
        "tri": "sad",
    }
    items = []
    for spk in _speakers(707, ids):
        for code, emotion in codes.items():
            for sentence in ("b1", "d1", "l1"):
                items.append(Item(f"{spk.id}/{code}-{spk.id}-{sentence}.wav", spk, emotion))
    return items, {}


def _plan_savee() -> tuple[list[Item], dict[str, str]]:
    ids = [("DC", "male"), ("JE", "male"), ("JK", "male"), ("KL", "male")]
    codes = {
        "a": "angry",
        "d": "disgust",
        "f": "fear",
        "h": "happy",
        "n": "neutral",
        "sa": "sad",
        "su": "surprise",
    }
    items = []
    for spk in _speakers(808, ids):
        for code, emotion in codes.items():
            for number in range(1, 7 if code == "n" else 4):
                items.append(Item(f"AudioData/{spk.id}/{code}{number:02d}.wav", spk, emotion))
    return items, {}


SPECS: dict[str, Spec] = {
    "ravdess": Spec(CorpusStyle("en", (80, 7000), 0.0, 35, 1.1, 11, 0.0), _plan_ravdess),
    "crema_d": Spec(CorpusStyle("en", (200, 5000), 0.6, 22, 0.8, 12, -7.0), _plan_crema_d),
    "enterface05": Spec(CorpusStyle("en", (150, 6000), -0.5, 18, 0.75, 13, 5.0), _plan_enterface05),
    "iemocap": Spec(CorpusStyle("en", (100, 6500), 0.3, 25, 0.7, 14, -4.0), _plan_iemocap),
    "msp_improv": Spec(CorpusStyle("en", (120, 7000), -0.3, 20, 0.7, 15, 3.0), _plan_msp_improv),
    "emodb": Spec(CorpusStyle("de", (60, 7500), -0.2, 40, 1.2, 16, 6.0), _plan_emodb),
    "emovo": Spec(CorpusStyle("it", (250, 6000), 0.5, 28, 1.0, 17, -6.0), _plan_emovo),
    "savee": Spec(CorpusStyle("en", (90, 4000), -0.8, 30, 0.9, 18, 8.0), _plan_savee),
}


def names() -> list[str]:
    """Return the corpora that have a synthetic stand-in."""
    return sorted(SPECS)


def ensure(name: str) -> Path:
    """Generate synthetic corpus ``name`` on first use and return its folder.

    The corpus is written to a temporary folder and renamed into the cache in
    one step, so an interrupted run never leaves a half-written corpus.

    Raises:
        KeyError: No synthetic stand-in exists for ``name``.
    """
    if name not in SPECS:
        raise KeyError(f"no synthetic corpus {name!r}; available: {names()}")
    base = cache_dir("synthetic", f"v{GENERATOR_VERSION}")
    target = base / name
    if (target / ".complete").is_file():
        return target
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=base))
    try:
        _write_tree(tmp, name)
        (tmp / ".complete").write_text(GENERATOR_VERSION)
        try:
            os.replace(tmp, target)
        except OSError:  # another process finished first
            if not (target / ".complete").is_file():
                shutil.rmtree(target, ignore_errors=True)
                os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target
