r"""Any corpus a user brings: a folder per label, or a ``labels.csv``.

Two layouts are read:

* ``root/<label>/<file>.wav``: the label is the name of the folder holding the
  file (``Wut/SF01_take1.wav``);
* ``root/labels.csv`` with the columns ``file`` (relative to ``root``) and
  ``label``, and optionally ``speaker``, ``gender`` and ``session``.

Label names are matched to the canonical emotions without regard to case or
accents, through the synonym table (:func:`sertl.emotions.resolve_labels`);
``labels=`` maps the rest (``None`` drops a label). Speakers come from the
file-name prefix before the first ``_`` (``SF01_take1.wav``: ``SF01``), or from
a regular expression (``speaker=r"^(?P<speaker>S(?P<gender>[MF])\d+)_"``, the
named group ``gender`` optional). An optional ``root/corpus.yaml`` holds the
same options once for every chapter::

    title: My corpus
    language: de
    labels: {Schreck: fear, Sonstiges: null}
    speaker: '^(?P<speaker>S(?P<gender>[MF])\d+)_'
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

from ..audio import AudioError
from ..emotions import EMOTIONS, SYNONYMS_FILE, resolve_labels
from ._base import (
    AUDIO_SUFFIXES,
    CorpusError,
    CorpusInfo,
    check_root,
    finish,
    register,
)

NAME = "folder"
#: Identity mapping for labels already in the canonical scheme.
LABELS: dict[str, str | None] = {e: e for e in EMOTIONS}
CONFIG_FILE = "corpus.yaml"
LABELS_FILE = "labels.csv"
#: Keys a ``corpus.yaml`` may hold.
CONFIG_KEYS = ("title", "language", "labels", "speaker", "csv", "url", "citation")
#: Audio formats a user may have that sertl does not read: reported, never skipped silently.
OTHER_AUDIO = (".mp3", ".m4a", ".aac", ".ogg", ".opus", ".wma", ".aif", ".aiff", ".webm")
#: ``speaker=`` value for a corpus without speaker information.
NO_SPEAKERS = "none"
_GENDERS = {"m": "male", "f": "female", "w": "female"}


def read_config(root: Path) -> dict:
    """The options in ``root/corpus.yaml`` (empty when there is none).

    Raises:
        CorpusError: The file is not YAML, not a mapping, or has unknown keys
            (the message names the file and the line).
    """
    path = root / CONFIG_FILE
    if not path.is_file():
        return {}
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise CorpusError(f"{path}{where}: not valid YAML ({error})") from error
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise CorpusError(f"{path}: expected keys such as {list(CONFIG_KEYS)}, not a list or text")
    unknown = sorted(set(config) - set(CONFIG_KEYS))
    if unknown:
        raise CorpusError(f"{path}: unknown keys {unknown}; known: {list(CONFIG_KEYS)}")
    labels = config.get("labels")
    if labels is not None and not isinstance(labels, dict):
        raise CorpusError(f"{path}: 'labels' must map each label to an emotion (or null)")
    if labels:
        # YAML reads bare yes/no/on/off as booleans and numbers as numbers: labels are text
        config["labels"] = {str(k): v for k, v in labels.items()}
    config["_path"] = str(path)
    return config


def _speaker_rule(
    speaker: str | bool | None, where: str
) -> Callable[[Path], tuple[str | None, str | None]]:
    """A function ``(relative path) -> (speaker, gender)`` for the ``speaker`` option."""
    if speaker is None:

        def prefix(rel: Path) -> tuple[str | None, str | None]:
            stem = rel.stem
            return (stem.split("_", 1)[0] or None, None) if "_" in stem else (None, None)

        return prefix
    if speaker is False or (isinstance(speaker, str) and speaker.lower() == NO_SPEAKERS):
        return lambda rel: (None, None)
    try:
        pattern = re.compile(str(speaker))
    except re.error as error:
        raise CorpusError(
            f"{where}: speaker pattern {speaker!r} is not a regex ({error})"
        ) from None

    def search(rel: Path) -> tuple[str | None, str | None]:
        match = pattern.search(rel.name) or pattern.search(rel.as_posix())
        if match is None:
            return None, None
        named = match.groupdict()
        if "speaker" in named:
            value = named["speaker"]
        else:
            value = match.group(1) if pattern.groups else match.group(0)
        return value or None, named.get("gender")

    return search


def _gender(value: str | None, path: Path | str) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    key = str(value).strip().casefold()
    if key in ("male", "man", "men", "männlich", "maschio", "masculino", "homme"):
        return "male"
    if key in ("female", "woman", "women", "weiblich", "femmina", "femenino", "femme"):
        return "female"
    if key[:1] in _GENDERS and len(key) == 1:
        return _GENDERS[key[:1]]
    raise CorpusError(f"{path}: gender {value!r} is neither male (m) nor female (f, w)")


def _walk(root: Path) -> tuple[list[Path], list[AudioError]]:
    """Audio files below ``root`` (hidden ones skipped), and those that cannot be used."""
    files, problems = [], []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue  # hidden files (macOS ._x.wav) and folders
        suffix = path.suffix.lower()
        if suffix not in AUDIO_SUFFIXES:
            if suffix in OTHER_AUDIO and not path.is_dir():
                problems.append(AudioError(path, f"{suffix} is not read; convert to .wav or .flac"))
            continue
        if path.is_symlink() and not path.exists():
            problems.append(AudioError(path, f"broken link (to {os.readlink(path)})"))
        elif path.is_dir():
            continue
        elif not os.access(path, os.R_OK):
            problems.append(AudioError(path, "not readable (file permissions)"))
        else:
            files.append(path)
    return files, problems


def _sniff_delimiter(header: str) -> str:
    # Excel writes ';' in locales with a decimal comma
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def read_labels_csv(path: Path, root: Path) -> tuple[list[dict], list[AudioError], list[str], bool]:
    """Read a ``labels.csv``.

    Returns:
        (rows, unusable files, notes on repeated rows, whether it has a speaker column).

    Raises:
        CorpusError: A required column is missing, a row has no file, label or
            speaker, names a file that does not exist, or repeats a file with
            another label (each message names the line).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: Excel's byte-order mark
    except UnicodeDecodeError as error:
        raise CorpusError(f"{path}: not UTF-8 text ({error}); save it as 'CSV UTF-8'") from None
    lines = text.splitlines()
    reader = csv.DictReader(lines, delimiter=_sniff_delimiter(lines[0] if lines else ""))
    if reader.fieldnames is None:
        raise CorpusError(f"{path}: empty; needs a header with the columns file, label")
    reader.fieldnames = [(name or "").strip().lower() for name in reader.fieldnames]
    columns = set(reader.fieldnames)
    if not {"file", "label"} <= columns:
        raise CorpusError(
            f"{path}, line 1: needs the columns file and label (optional: speaker, gender, "
            f"session); found {reader.fieldnames}"
        )
    has_speaker = "speaker" in columns
    rows, problems, notes = [], [], []
    seen: dict[str, tuple[int, tuple]] = {}
    for row in reader:
        line = reader.line_num
        row = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not any(row.values()):
            continue
        where = f"{path}, line {line}"
        for column in ("file", "label") + (("speaker",) if has_speaker else ()):
            if not row.get(column):
                raise CorpusError(f"{where}: no {column} (every row needs one)")
        file = root / row["file"]
        if file.is_symlink() and not file.exists():
            problems.append(AudioError(file, f"broken link (to {os.readlink(file)}), {where}"))
            continue
        if not file.is_file():
            raise CorpusError(f"{where}: {file} does not exist")
        if not os.access(file, os.R_OK):
            problems.append(AudioError(file, f"not readable (file permissions), {where}"))
            continue
        key = str(file.resolve())
        values = (row["label"], row.get("speaker"), row.get("gender"), row.get("session"))
        if key in seen:
            first, first_values = seen[key]
            if first_values != values:
                raise CorpusError(
                    f"{where}: {row['file']} again, with label {row['label']!r}, speaker "
                    f"{row.get('speaker')!r}; line {first} gives it label {first_values[0]!r}, "
                    f"speaker {first_values[1]!r}"
                )
            notes.append(f"{where} repeats line {first} ({row['file']}); read once")
            continue
        seen[key] = (line, values)
        rows.append(
            {
                "file": str(file.resolve()),
                "speaker": row.get("speaker") or None,
                "gender": _gender(row.get("gender"), where),
                "label": row["label"],
                "session": row.get("session") or None,
            }
        )
    return rows, problems, notes, has_speaker


def _unmapped_message(
    corpus: str, root: Path, table: pd.DataFrame, unmapped: list[str], call: str
) -> str:
    shown = []
    for label in unmapped:
        files = table.loc[table["label"] == label, "file"]
        count = f"{len(files)} file" + ("s" if len(files) != 1 else "")
        shown.append(f"{label!r} ({count}, e.g. {files.iloc[0]})")
    example = ", ".join(f'"{label}": "..."' for label in unmapped)
    yaml_lines = "\n".join(
        f"      {label}: ...   # an emotion, or null to drop" for label in unmapped
    )
    return (
        f"{corpus}: {len(unmapped)} label(s) name no emotion sertl knows: {'; '.join(shown)}.\n"
        f"Emotions: {', '.join(EMOTIONS)} (synonyms: {SYNONYMS_FILE}).\n"
        f"Map them when loading (None drops a label):\n"
        f"    {call}, labels={{{example}}})\n"
        f"or once for every chapter, in {root / CONFIG_FILE}:\n"
        f"    labels:\n{yaml_lines}"
    )


def _describe_rule(speaker: str | bool | None) -> str:
    """The speaker rule in words, for the table's ``attrs`` and the pages."""
    if speaker is None:
        return "file-name prefix before '_'"
    if speaker is False or str(speaker).lower() == NO_SPEAKERS:
        return "none"
    return f"pattern {speaker}"


def _folder_rows(root: Path, rule: Callable) -> tuple[list[dict], list[AudioError]]:
    """One row per audio file of the one-folder-per-label layout.

    Raises:
        CorpusError: A file lies directly in the corpus folder.
    """
    files, problems = _walk(root)
    rows = []
    for path in files:
        rel = path.relative_to(root)
        if len(rel.parts) < 2:
            raise CorpusError(
                f"{path}: directly in the corpus folder; put it in a folder named after "
                f"its label ({root}/<label>/{path.name}) or list it in {root / LABELS_FILE}"
            )
        spk, gender = rule(rel)
        rows.append(
            {
                "file": str(path),
                "speaker": spk,
                "gender": _gender(gender, path),
                "label": rel.parent.name,
            }
        )
    return rows, problems


def _check_speakers(name: str, root: Path, rows: list[dict], speaker: str | bool | None) -> int:
    """The number of rows with a speaker; all or none of them must have one.

    Raises:
        CorpusError: Some files give a speaker and others do not.
    """
    with_speaker = sum(r["speaker"] is not None for r in rows)
    if with_speaker and with_speaker < len(rows):
        lacking = [r["file"] for r in rows if r["speaker"] is None]
        hint = (
            f"speaker pattern {speaker!r}"
            if speaker is not None
            else "the file-name prefix before '_' (SF01_take1.wav)"
        )
        raise CorpusError(
            f"{name}: {len(lacking)} of {len(rows)} files give no speaker by {hint}, "
            f"e.g. {', '.join(lacking[:3])}; rename them, pass speaker=r'...' or set "
            f"'speaker:' in {root / CONFIG_FILE} ('none' for a corpus without speakers)"
        )
    return with_speaker


def _label_map(
    name: str, root: Path, rows: list[dict], labels: dict[str, str | None] | None
) -> tuple[dict[str, str | None], dict[str, int]]:
    """Label -> canonical emotion (None: dropped) and the files dropped per label.

    Raises:
        CorpusError: A label names no emotion and ``labels`` does not map it.
    """
    table = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["file", "label"])
    try:
        mapping, unmapped = resolve_labels(table["label"].astype(str), labels)
    except ValueError as error:
        raise CorpusError(f"{name}: {error}") from None
    if unmapped:
        call = (
            f'sertl.corpora.load("folder", root="{root}"'
            if name == NAME
            else f'sertl.corpora.load("{name}"'
        )
        raise CorpusError(_unmapped_message(name, root, table, unmapped, call))
    dropped = {
        label: int((table["label"] == label).sum()) for label, e in mapping.items() if e is None
    }
    return mapping, dropped


def _options(
    root: Path,
    name: str,
    labels: dict[str, str | None] | None,
    speaker: str | bool | None,
    language: str | None,
    csv_file: str | Path | None,
) -> tuple[dict[str, str | None] | None, str | bool | None, str, Path, str]:
    """The options given, else those of ``root/corpus.yaml``, else the defaults.

    Returns:
        (labels, speaker, language, label-table path, where the speaker rule comes from).

    Raises:
        CorpusError: A bad ``corpus.yaml``, or a label table that does not exist.
    """
    config = read_config(root)
    labels = labels if labels is not None else config.get("labels")
    if speaker is None:
        speaker = config.get("speaker")
    language = language or config.get("language") or "und"
    if csv_file is None and config.get("csv"):
        csv_file = root / config["csv"]
    csv_path = Path(csv_file) if csv_file else root / LABELS_FILE
    if csv_file and not csv_path.is_file():
        raise CorpusError(f"{name}: label table {csv_path} does not exist")
    config_path = config.get("_path", str(root / CONFIG_FILE))
    where = config_path if "speaker" in config else f"{name}: speaker="
    return labels, speaker, language, csv_path, where


def prepare_folder(
    root: str | Path,
    labels: dict[str, str | None] | None = None,
    speaker: str | bool | None = None,
    language: str | None = None,
    csv_file: str | Path | None = None,
    with_duration: bool = True,
    corpus: str = NAME,
) -> pd.DataFrame:
    """Return the standard table of a user's corpus.

    Options not given are read from ``root/corpus.yaml`` when there is one.

    Args:
        root: The corpus folder.
        labels: Label -> canonical emotion (or a synonym, or ``None`` to drop
            the label), for labels the synonym table does not know.
        speaker: A regular expression whose group ``speaker`` (else its first
            group, else the match) is the speaker, searched in the file name and
            then the path below ``root``; a group ``gender`` gives the gender.
            Default: the file-name prefix before the first ``_``. ``"none"``:
            the corpus has no speaker information.
        language: ISO 639 code of the speech (default ``und``, undetermined).
        csv_file: The label table; default ``root/labels.csv`` when it exists.
        with_duration: Read durations from file headers.
        corpus: The corpus name in the table and in messages.

    Returns:
        The standard table. ``attrs`` hold ``dropped`` (label -> files dropped),
        ``speaker_rule``, ``label_map`` and ``duplicates`` (notes on rows a
        ``labels.csv`` repeats).

    Raises:
        CorpusError: Labels without an emotion, files without a speaker where
            others have one, a bad ``labels.csv`` row or ``corpus.yaml``; each
            message names the file or line.
    """
    name = corpus
    root = check_root(root, name)
    labels, speaker, language, csv_path, where = _options(
        root, name, labels, speaker, language, csv_file
    )
    rule = _speaker_rule(speaker, where)
    speaker_rule = _describe_rule(speaker)
    notes: list[str] = []
    if csv_path.is_file():
        rows, problems, notes, has_speaker = read_labels_csv(csv_path, root)
        layout = f"label table {csv_path.name}"
        if has_speaker:
            speaker_rule = f"speaker column of {csv_path.name}"
        else:
            for row in rows:
                spk, gender = rule(Path(row["file"]).relative_to(root.resolve()))
                row["speaker"], row["gender"] = spk, row["gender"] or _gender(gender, row["file"])
    else:
        rows, problems = _folder_rows(root, rule)
        layout = "one folder per label"
    for row in rows:
        row["language"] = language
    with_speaker = _check_speakers(name, root, rows, speaker)
    mapping, dropped = _label_map(name, root, rows, labels)
    if dropped:
        print(f"{name}: dropped {sum(dropped.values())} files of labels mapped to None: {dropped}")
    for note in notes:
        print(note)
    rows = [r for r in rows if mapping.get(r["label"]) is not None]
    out = finish(rows, name, mapping, root, with_duration, problems=problems)
    out.attrs.update(
        {
            "dropped": dropped,
            "speaker_rule": speaker_rule if with_speaker else "none",
            "label_map": {k: v for k, v in mapping.items() if v is not None},
            "duplicates": notes,
            "layout": layout,
        }
    )
    return out


INFO = register(
    CorpusInfo(
        name=NAME,
        title="Your own corpus",
        prepare=prepare_folder,
        labels=LABELS,
        language="und",
        url="",
        citation="",
        available_here=False,
    )
)
