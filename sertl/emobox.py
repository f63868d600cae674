"""EmoBox's cross-corpus test lists (track 2), obtained at run time and checked.

EmoBox (Ma et al., 2024; repository ``emo-box/EmoBox``) publishes balanced test
lists for its cross-corpus track: 240 utterances of RAVDESS and 240 of SAVEE,
60 per emotion (angry, happy, neutral, sad), as JSON lines
``{"wav_filename": "Actor_15/03-01-...wav", "label": "happy", "speaker": "15"}``.
The repository carries no licence, so ``sertl`` ships none of its files: the lists
come either from a local copy the user names (``folder=`` or the environment
variable ``SERTL_EMOBOX``: a folder holding the two files, or a clone of the
repository) or from the repository at a pinned commit, downloaded through
:func:`sertl.corpora.download.download_file` and checked against SHA-256 checksums
computed from that commit. Downloads are cached (written atomically: a file
appears only once verified). A local copy whose checksum differs is refused too:
other lists would give other numbers.

:func:`match` maps a list onto a corpus table by the last two parts of each path
(``Actor_15/03-01-03-01-01-02-15``, ``JK/sa09``), whatever the file extension or
the folder above.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import config
from .corpora.download import DownloadError, checksum, download_file

REPOSITORY = "emo-box/EmoBox"
#: The commit the lists (and their checksums) are pinned to.
COMMIT = "08280f279d47fb55d2c614061c70523d0a338d6b"
FOLDER = "data/track2"
RAW = "https://raw.githubusercontent.com"
#: Corpus -> (file in ``data/track2``, SHA-256 of that file at :data:`COMMIT`).
FILES: dict[str, tuple[str, str]] = {
    "ravdess": (
        "RAVDESS_selected_balenced.jsonl",
        "9f9b35590e37eb48ba2a3c3c0187b74e2d33289cc526043527ca79aad87ed1f0",
    ),
    "savee": (
        "SAVEE_selected_balenced.jsonl",
        "4919490d03755aef397e7ab56a3192ade6869ede36d2e634f0586bdff9369291",
    ),
}
ENV = "SERTL_EMOBOX"


class EmoBoxError(RuntimeError):
    """A list that is missing, damaged or does not match the corpus."""


@dataclass
class Lists:
    """The test lists that could be obtained, and how.

    Attributes:
        tables: Corpus -> list (columns ``wav_filename, label, speaker, key``).
        origin: Where they came from (``"local: <folder>"``, ``"download"``, or ``""``).
        missing: Corpus -> why its list is not there.
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    origin: str = ""
    missing: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Whether every list is there."""
        return not self.missing and len(self.tables) == len(FILES)

    def sentence(self) -> str:
        """What was obtained, for the page."""
        if self.complete:
            return (
                f"EmoBox's test lists ({', '.join(self.tables)}) from {self.origin}, "
                f"commit {COMMIT[:10]}, SHA-256 verified."
            )
        why = "; ".join(f"{k}: {v}" for k, v in self.missing.items())
        return f"EmoBox's test lists are not available here ({why})."


def url(corpus: str, base: str = RAW) -> str:
    """The raw address of a corpus's list at the pinned commit."""
    name, _ = FILES[corpus]
    return f"{base.rstrip('/')}/{REPOSITORY}/{COMMIT}/{FOLDER}/{name}"


def read_list(path: str | Path) -> pd.DataFrame:
    """Read one JSON-lines list; ``key`` is the path's last two parts without extension.

    Raises:
        EmoBoxError: A line that is not a JSON object with ``wav_filename`` and ``label``.
    """
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            row = {k: str(row[k]) for k in ("wav_filename", "label")} | {
                "speaker": str(row.get("speaker", ""))
            }
        except (ValueError, KeyError, TypeError) as error:
            raise EmoBoxError(f"{path}:{n}: not an EmoBox list line ({error})") from None
        rows.append(row)
    out = pd.DataFrame(rows, columns=["wav_filename", "label", "speaker"])
    out["key"] = [_key(p) for p in out["wav_filename"]]
    return out


def _key(path: str) -> str:
    parts = Path(str(path).replace("\\", "/"))
    return f"{parts.parent.name}/{parts.stem}"


def _local_file(folder: Path, name: str) -> Path | None:
    for candidate in (folder / name, folder / FOLDER / name):
        if candidate.is_file():
            return candidate
    return None


def obtain(
    folder: str | Path | None = None,
    *,
    download: bool = True,
    base: str = RAW,
    cache: str | Path | None = None,
    progress: bool = False,
) -> Lists:
    """Obtain both lists: from a local copy, else from the cache or the pinned commit.

    Args:
        folder: A folder with the two ``.jsonl`` files, or a clone of the
            repository; ``None`` reads ``SERTL_EMOBOX`` (empty or unset: none).
        download: Download what is not local (``False``: local copy and cache only).
        base: The raw-file host (a local server in tests).
        cache: Where downloads go (default ``config.cache_dir("emobox", COMMIT[:12])``).
        progress: Show download progress bars.

    Returns:
        :class:`Lists` (never raises for an absent list: ``missing`` says why).

    Raises:
        EmoBoxError: A local list whose checksum is not the pinned one.
    """
    if folder is None:
        folder = os.environ.get(ENV, "").strip() or None
    out = Lists()
    local = Path(folder).expanduser() if folder else None
    cache = Path(cache) if cache is not None else config.cache_dir("emobox", COMMIT[:12])
    origins = set()
    for corpus, (name, sha) in FILES.items():
        path = _local_file(local, name) if local is not None else None
        if path is not None:
            actual = checksum(path)
            if actual != sha:
                raise EmoBoxError(
                    f"{path}: SHA-256 {actual[:12]}… is not that of {name} at commit "
                    f"{COMMIT[:10]} ({sha[:12]}…); use the lists of that commit"
                )
            origins.add(f"the local copy {local}")
        else:
            path = cache / name
            if path.is_file() and checksum(path) == sha:
                origins.add("the cache (downloaded from the pinned commit)")
            elif download:
                try:
                    download_file(url(corpus, base), path, sha, progress=progress)
                    origins.add(f"{REPOSITORY} on GitHub")
                except DownloadError as error:
                    out.missing[corpus] = f"download failed: {error}"
                    continue
            else:
                where = f"not in {local}" if local is not None else f"{ENV} is not set"
                out.missing[corpus] = f"{where} and downloading is off"
                continue
        out.tables[corpus] = read_list(path)
    out.origin = " and ".join(sorted(origins))
    return out


def match(lst: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a corpus table named by a list, in the list's order.

    Args:
        lst: From :func:`read_list`.
        table: A standard corpus table (``file``, ``emotion``, ...).

    Returns:
        The matched rows (index reset) with the list's ``label`` as ``list_label``.

    Raises:
        EmoBoxError: Files of the list missing from the table, or a label that
            differs from the table's emotion.
    """
    keys = pd.Series([_key(f) for f in table["file"]], index=table.index)
    if keys.duplicated().any():
        raise EmoBoxError(f"{keys[keys.duplicated()].iloc[0]}: two files with one key")
    where = pd.Series(table.index, index=keys.to_numpy())
    missing = [k for k in lst["key"] if k not in where.index]
    if missing:
        raise EmoBoxError(
            f"{len(missing)} of {len(lst)} listed files are not in the corpus table "
            f"(first: {missing[0]}); is the corpus complete?"
        )
    out = table.loc[where[lst["key"]].to_numpy()].reset_index(drop=True)
    out["list_label"] = lst["label"].to_numpy()
    wrong = out["list_label"] != out["emotion"].astype(str)
    if wrong.any():
        first = out[wrong].iloc[0]
        raise EmoBoxError(
            f"{int(wrong.sum())} listed labels differ from the corpus's "
            f"({first['file']}: list {first['list_label']}, corpus {first['emotion']})"
        )
    out.attrs = dict(table.attrs)
    return out


def stand_in(table: pd.DataFrame, emotions: Mapping | list, per_emotion: int = 60, seed: int = 0):
    """A balanced list drawn from a (synthetic) table, shaped like EmoBox's.

    Used only where the real corpus is not there: it lets the page run end to end,
    and says nothing about EmoBox's lists.
    """
    rows = table[table["emotion"].isin(list(emotions))]
    n = min(per_emotion, int(rows["emotion"].value_counts().min()))
    parts = [g.sample(n=n, random_state=seed) for _, g in rows.groupby("emotion", sort=True)]
    out = pd.concat(parts).reset_index(drop=True)
    out["list_label"] = out["emotion"].astype(str)
    out.attrs = dict(table.attrs)
    return out
