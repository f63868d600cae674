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
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import butter, lfilter, sosfilt

from ..audio import SAMPLE_RATE
from ..config import cache_dir
from ._base import REGISTRY

#: Bump when the generator changes: the cache folder is keyed by it.
GENERATOR_VERSION = "3"

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


def make_speakers(seed: int, ids: list[tuple[str, str]]) -> list[Speaker]:
    """Speakers with drawn F0, vocal-tract scale and speech rate (deterministic per seed).

    Args:
        seed: Seed of the draws.
        ids: (speaker id, ``"male"`` or ``"female"``), in order.
    """
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
    rng: np.random.Generator,
    speaker: Speaker,
    emotion: str,
    style: CorpusStyle,
    syllables: tuple[int, int] = (6, 11),
) -> np.ndarray:
    """Synthesise one utterance.

    Args:
        rng: The generator for this utterance (deterministic per file).
        speaker: Who speaks.
        emotion: A canonical emotion.
        style: The corpus.
        syllables: Range (low inclusive, high exclusive) of the number of
            syllables: the default makes a sentence, ``(1, 3)`` a single word.

    Returns:
        Float32 samples at 16 kHz.
    """
    f0_scale, f0_range, rate, level_db, bright, jitter, shimmer, breath = _cues(emotion, style)
    jitter, shimmer, breath = abs(jitter), abs(shimmer), float(np.clip(breath, 0.0, 0.6))
    sr = SAMPLE_RATE
    n_syl = int(rng.integers(*syllables))
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
    spec = REGISTRY[name].synthetic
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
    """A synthetic corpus: its style and a function listing its files.

    Each corpus module builds its own (``SYNTHETIC``, from its label table) and
    registers it with the corpus.
    """

    style: CorpusStyle
    plan: Callable[[], tuple[list[Item], dict[str, str]]]


def names() -> list[str]:
    """Return the corpora that have a synthetic stand-in."""
    return sorted(name for name, info in REGISTRY.items() if info.synthetic is not None)


def _materialise(target: Path, write: Callable[[Path], None]) -> Path:
    """Write a corpus with ``write`` into a temporary sibling, then rename it to ``target``.

    An interrupted run never leaves a half-written corpus; a finished one
    (marked by ``.complete``) is reused.
    """
    if (target / ".complete").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        write(tmp)
        (tmp / ".complete").write_text(GENERATOR_VERSION)
        try:
            os.replace(tmp, target)
        except OSError:  # another process finished first, or an older copy is in the way
            if not (target / ".complete").is_file():
                shutil.rmtree(target, ignore_errors=True)
                os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def ensure(name: str) -> Path:
    """Generate synthetic corpus ``name`` on first use and return its folder.

    The corpus is written to a temporary folder and renamed into the cache in
    one step, so an interrupted run never leaves a half-written corpus.

    Raises:
        KeyError: No synthetic stand-in exists for ``name``.
    """
    if name not in REGISTRY or REGISTRY[name].synthetic is None:
        raise KeyError(f"no synthetic corpus {name!r}; available: {names()}")
    target = cache_dir("synthetic", f"v{GENERATOR_VERSION}") / name
    return _materialise(target, lambda tmp: _write_tree(tmp, name))


#: The synthetic folder corpus: label folder -> canonical emotion it portrays.
FOLDER_LABELS = {
    "Wut": "angry",
    "Freude": "happy",
    "Trauer": "sad",
    "Angst": "fear",
    "Neutral": "neutral",
}
#: Speakers of the synthetic folder corpus (half women, half men).
FOLDER_SPEAKERS = 8
#: Files per speaker and label of the synthetic folder corpus.
FOLDER_TAKES = 3
FOLDER_STYLE = CorpusStyle("de", (110, 6500), 0.3, 26, 0.9, 19, 2.0)
#: Range of the expression strength of one take (a weak take sounds almost neutral).
FOLDER_TAKE_STRENGTH = (0.15, 1.2)


@dataclass(frozen=True)
class FolderShape:
    """How a synthetic user's corpus is shaped (see :data:`FOLDER_SHAPES`).

    Attributes:
        labels: Label folder -> the canonical emotion its files portray.
        speakers: Number of speakers, half women and half men.
        takes: Files per speaker and label; ``None`` draws ``clips`` per speaker.
        clips: Range (inclusive) of the files per speaker when ``takes`` is None.
        concentration: Dirichlet concentration of each speaker's label shares
            (small: strongly unbalanced), when ``takes`` is None.
        missing: Every ``missing``-th speaker lacks one label entirely (the first
            such speaker lacks the last label); 0: none.
        syllables: Range of syllables per clip (see :func:`synthesize`).
        seed: Seed of the plan (speakers, clip counts, label shares).
    """

    labels: dict[str, str]
    speakers: int = FOLDER_SPEAKERS
    takes: int | None = FOLDER_TAKES
    clips: tuple[int, int] = (5, 20)
    concentration: float = 1.0
    missing: int = 0
    syllables: tuple[int, int] = (6, 11)
    seed: int = 909


#: The shapes of synthetic user's corpora. ``acted``: every speaker every label, as in
#: an acted corpus. ``sparse``: 32 speakers with 5 to 20 clips each, strongly unbalanced
#: labels per speaker, every other speaker lacking a label entirely (the first one
#: neutral), and a label outside the four-class set (Ekel, disgust). ``short``: single
#: words of 0.3 to 1 s, and a label outside the set (Ruhig, calm).
FOLDER_SHAPES: dict[str, FolderShape] = {
    "acted": FolderShape(FOLDER_LABELS),
    "sparse": FolderShape(
        {
            "Wut": "angry",
            "Freude": "happy",
            "Trauer": "sad",
            "Ekel": "disgust",
            "Neutral": "neutral",
        },
        speakers=32,
        takes=None,
        concentration=0.7,
        missing=2,
        seed=910,
    ),
    "short": FolderShape(
        {"Wut": "angry", "Freude": "happy", "Trauer": "sad", "Ruhig": "calm", "Neutral": "neutral"},
        speakers=10,
        takes=2,
        syllables=(1, 3),
        seed=911,
    ),
}


def _speaker_labels(shape: FolderShape, index: int, rng: np.random.Generator) -> list[str]:
    """The label of each file of one speaker, in order, for a shape without fixed takes."""
    labels = list(shape.labels)
    weights = rng.dirichlet(np.full(len(labels), shape.concentration))
    if shape.missing and index % shape.missing == 0:
        weights[len(labels) - 1 - (index // shape.missing) % len(labels)] = 0.0
    weights /= weights.sum()
    n = int(rng.integers(shape.clips[0], shape.clips[1] + 1))
    drawn = rng.choice(len(labels), size=n, p=weights)
    return [labels[k] for k in sorted(drawn)]


def _plan_folder(shape: FolderShape = FOLDER_SHAPES["acted"]) -> list[Item]:
    half = shape.speakers // 2
    ids = [(f"SF{i:02d}", "female") for i in range(1, half + 1)]
    ids += [(f"SM{i:02d}", "male") for i in range(1, shape.speakers - half + 1)]
    if shape.takes is not None:
        items = []
        for spk in make_speakers(shape.seed, ids):
            for label, emotion in shape.labels.items():
                for take in range(1, shape.takes + 1):
                    rel = f"{label}/{spk.id}_{label.lower()}_{take:02d}.wav"
                    items.append(Item(rel, spk, emotion))
        return items
    rng = np.random.default_rng([shape.seed, 1])
    items = []
    # interleave women and men so that the first speakers include both
    speakers = make_speakers(shape.seed, ids)
    order = [s for pair in zip(speakers[:half], speakers[half:], strict=True) for s in pair]
    for index, spk in enumerate(order):
        counter: dict[str, int] = {}
        for label in _speaker_labels(shape, index, rng):
            counter[label] = counter.get(label, 0) + 1
            rel = f"{label}/{spk.id}_{label.lower()}_{counter[label]:02d}.wav"
            items.append(Item(rel, spk, shape.labels[label]))
    return items


def _write_folder(root: Path, kind: str = "acted") -> None:
    shape = FOLDER_SHAPES[kind]
    # the acted corpus keeps its original seeds, so its files stay as they were
    prefix = "folder" if kind == "acted" else f"folder-{kind}"
    for item in _plan_folder(shape):
        digest = hashlib.sha256(f"{prefix}/{item.relpath}".encode()).digest()
        rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
        # takes differ in how strongly they portray the emotion, as a user's recordings do
        strength = rng.uniform(*FOLDER_TAKE_STRENGTH)
        style = replace(FOLDER_STYLE, expression=FOLDER_STYLE.expression * strength)
        audio = synthesize(rng, item.speaker, item.emotion, style, shape.syllables)
        path = root / item.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(str(path), audio, SAMPLE_RATE, subtype="PCM_16")
    (root / "README.txt").write_text(
        "A synthetic corpus in the layout a user brings: one folder per label "
        "(German names), the speaker code (SF01, SM01, ...) at the start of each "
        "file name. Written by sertl.corpora.synthetic.folder_corpus; not recordings.\n",
        encoding="utf-8",
    )


def folder_corpus(root: str | Path | None = None, kind: str = "acted") -> Path:
    """Write a synthetic corpus in a user's folder layout and return its folder.

    One folder per label with capitalised German names (``Wut``, ``Freude``,
    ``Trauer``, ``Angst``, ``Neutral``), and the speaker code at the start of each file
    name (``Wut/SF01_wut_01.wav``: speaker ``SF01``, a woman), so that
    ``sertl.corpora.load("folder", root=...)`` reads it with no label map.
    It portrays the same emotion cues as the other synthetic corpora, with its
    own speakers, channel and acting style.

    Args:
        root: Where to write it (created; reused when a finished copy is there);
            default a folder in the sertl cache.
        kind: Its shape, a key of :data:`FOLDER_SHAPES`: ``acted`` (every speaker
            every label), ``sparse`` (many speakers with few, unbalanced clips,
            some lacking a label, an extra label) or ``short`` (single words, an
            extra label).

    Returns:
        The corpus folder.

    Raises:
        FileExistsError: ``root`` holds something that is not a finished copy.
        KeyError: ``kind`` is not a known shape.
    """
    if kind not in FOLDER_SHAPES:
        raise KeyError(f"no synthetic folder corpus of kind {kind!r}; known: {list(FOLDER_SHAPES)}")
    if root is None:
        suffix = "" if kind == "acted" else f"_{kind}"
        target = cache_dir("synthetic", f"v{GENERATOR_VERSION}") / f"folder_de{suffix}"
    else:
        target = Path(root).expanduser()
        if target.exists() and not (target / ".complete").is_file() and any(target.iterdir()):
            raise FileExistsError(f"{target}: not empty; give a new folder for the corpus")
        if target.exists() and not (target / ".complete").is_file():
            target.rmdir()  # an empty folder: replaced in one step
    return _materialise(target, lambda tmp: _write_folder(tmp, kind))
