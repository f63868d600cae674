"""What a chapter keeps of a corpus, and what it drops: labels, emotions, speakers.

A user's corpus rarely has every emotion of a chapter for every speaker, and often
has labels outside the chapter's emotion set. The chapters keep what they can;
:func:`coverage` counts what they cannot, and :func:`note` writes it as Markdown for
the page, with the one-line fix where there is one (a corpus labelled *calm* where
the chapter wants *neutral*). :func:`skipped` counts the result rows a method could
not produce (for example normalisation 1 for a subject without neutral speech).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Emotion outside a chapter's set -> the emotion of the set it can stand for, when
#: the user says so (RAVDESS-like *calm* for *neutral*, IEMOCAP-like *excited* for
#: *happy*).
STANDS_FOR = {"calm": "neutral", "excited": "happy"}


@dataclass(frozen=True)
class Coverage:
    """What a chapter keeps of one corpus (see :func:`coverage`).

    Attributes:
        corpus: The corpus name.
        emotions: The chapter's emotion set.
        files: Files in the corpus table.
        kept: Files with an emotion of the set.
        dropped: Label -> (emotion or None, files) for the labels outside the set.
        missing: Emotions of the set the corpus lacks entirely.
        speakers: Speakers with at least one kept file.
        gone: Speakers none of whose files is kept (dropped entirely).
        lacking: Emotion -> speakers (with kept files) that have none of it.
        fixes: One-line fixes (Markdown) for dropped labels that could be kept.
    """

    corpus: str
    emotions: tuple[str, ...]
    files: int
    kept: int
    dropped: dict[str, tuple[str | None, int]]
    missing: tuple[str, ...]
    speakers: int
    gone: tuple[str, ...]
    lacking: dict[str, tuple[str, ...]]
    fixes: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """Whether the chapter keeps every file and every speaker has every emotion."""
        return not (self.dropped or self.missing or self.lacking or self.gone)


def _fixes(table: pd.DataFrame, dropped: Mapping, emotions: Sequence[str]) -> tuple[str, ...]:
    """One-line fixes for dropped labels whose emotion can stand for one of the set."""
    user = "label_map" in table.attrs  # a folder corpus: labels= or corpus.yaml maps it
    out = []
    for label, (emotion, n) in dropped.items():
        target = STANDS_FOR.get(str(emotion))
        if target is None or target not in emotions:
            continue
        if user:
            out.append(
                f"{n} *{label}* files ({emotion}) are dropped; if they are what this chapter "
                f'means by {target}, load with `labels={{"{label}": "{target}"}}` (or '
                f"`labels: {{{label}: {target}}}` in the corpus's `corpus.yaml`)."
            )
        elif emotion == "excited":
            out.append(
                f"{n} *{label}* files (excited) are dropped; chapters 03 and 05 keep them "
                "as happy with `merge_excited=True`."
            )
    return tuple(out)


def coverage(table: pd.DataFrame, emotions: Sequence[str], corpus: str | None = None) -> Coverage:
    """Count what a chapter with emotion set ``emotions`` keeps of a corpus table.

    Args:
        table: A standard corpus table (:data:`sertl.corpora.COLUMNS`), before the
            chapter filters it.
        emotions: The chapter's emotion set.
        corpus: The name for messages; default the table's ``corpus`` column.

    Returns:
        The counts; files without an emotion (labels mapped to None) count as dropped.

    Raises:
        ValueError: ``table`` lacks the ``emotion``, ``label`` or ``speaker`` column.
    """
    absent = {"emotion", "label", "speaker"} - set(table.columns)
    if absent:
        raise ValueError(f"coverage: the table lacks the columns {sorted(absent)}")
    if corpus is None:
        corpus = str(table["corpus"].iloc[0]) if "corpus" in table and len(table) else "corpus"
    emotions = tuple(emotions)
    emotion = table["emotion"].astype("object").where(table["emotion"].notna(), None)
    keep = emotion.isin(emotions).to_numpy()
    dropped = {}
    for label, group in table.loc[~keep].groupby(table["label"].astype(str), sort=True):
        values = group["emotion"].dropna().astype(str).unique()
        dropped[str(label)] = (str(values[0]) if len(values) else None, len(group))
    kept = table.loc[keep]
    present = set(kept["emotion"].astype(str))
    missing = tuple(e for e in emotions if e not in present)
    lacking: dict[str, tuple[str, ...]] = {}
    speakers = kept["speaker"].dropna().astype(str)
    if len(speakers):
        has = pd.crosstab(speakers, kept.loc[speakers.index, "emotion"].astype(str)) > 0
        for e in emotions:
            if e in present:
                without = tuple(sorted(has.index[~has[e]])) if e in has else tuple(has.index)
                if without:
                    lacking[e] = without
    return Coverage(
        corpus=corpus,
        emotions=emotions,
        files=len(table),
        kept=int(keep.sum()),
        dropped=dropped,
        missing=missing,
        speakers=int(speakers.nunique()),
        gone=tuple(sorted(set(table["speaker"].dropna().astype(str)) - set(speakers))),
        lacking=lacking,
        fixes=_fixes(table, dropped, emotions),
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def describe(cov: Coverage) -> str:
    """One Markdown paragraph on what the chapter keeps of ``cov.corpus`` and drops."""
    parts = [f"**{cov.corpus}**: {cov.kept} of {_plural(cov.files, 'file')} kept"]
    if cov.dropped:
        shown = ", ".join(
            f"{label} ({emotion or 'no emotion'}, {n})"
            for label, (emotion, n) in cov.dropped.items()
        )
        parts.append(f"labels outside the emotion set dropped: {shown}")
    if cov.gone:
        parts.append(f"{_plural(len(cov.gone), 'speaker')} with no file in the set dropped")
    if cov.missing:
        parts.append(f"no {', '.join(cov.missing)} speech at all")
    if cov.lacking:
        shown = "; ".join(
            f"{_plural(len(s), 'speaker')} of {cov.speakers} without {e}"
            for e, s in cov.lacking.items()
        )
        parts.append(shown)
    text = "; ".join(parts) + "."
    return " ".join([text, *cov.fixes])


def note(
    tables: Mapping[str, pd.DataFrame],
    emotions: Sequence[str],
    *,
    needs: str | None = None,
    merge: Mapping[str, str] | None = None,
) -> str:
    """Markdown for a chapter's page: what it keeps and drops of each corpus.

    Args:
        tables: Corpus name -> its standard table, before the chapter filters it.
        emotions: The chapter's emotion set.
        needs: What the chapter does with speakers that lack an emotion, said once
            after the list when some do (``"normalisation 1 skips subjects without
            neutral speech"``).
        merge: Emotion -> the emotion of the set the chapter relabels it as, before it
            filters (``{"excited": "happy"}`` with ``merge_excited=True``).

    Returns:
        A sentence that every corpus is complete, or one paragraph per corpus that is not.
    """
    covs = []
    for name, table in tables.items():
        if merge:
            table = table.assign(emotion=table["emotion"].replace(dict(merge)))
        covs.append(coverage(table, emotions, corpus=name))
    incomplete = [c for c in covs if not c.complete]
    if not incomplete:
        return (
            f"Every corpus has every emotion of the set ({', '.join(emotions)}) for every "
            "speaker, and no label outside it."
        )
    lines = [f"**What is kept and dropped** (emotion set: {', '.join(emotions)}):", ""]
    lines += [f"- {describe(c)}" for c in incomplete]
    if needs and any(c.lacking or c.missing for c in incomplete):
        lines += ["", needs]
    return "\n".join(lines)


def skipped(
    results: pd.DataFrame,
    *,
    value: str,
    by: str = "method",
    unit: str | Sequence[str] = "subject",
    noun: str = "subject",
    why: Mapping[str, str] | None = None,
) -> str:
    """Markdown on the results a method could not produce (``value`` is NaN).

    Args:
        results: Result rows, one per (``by``, ``unit``, ...).
        value: The column that is NaN where a method was skipped.
        by: The column naming the method.
        unit: The column(s) naming the independent unit (``("target", "subject")``).
        noun: The unit in words.
        why: Method -> the reason it skips a unit, for the sentence.

    Returns:
        One sentence per method with skipped units, or an empty string when none is.
    """
    out = []
    for method, group in results.groupby(by, sort=False):
        keys = [unit] if isinstance(unit, str) else list(unit)
        units = group.groupby(keys)[value].apply(lambda v: bool(np.isnan(v.to_numpy(float)).all()))
        n = int(units.sum())
        if n:
            reason = f" ({why[method]})" if why and method in why else ""
            out.append(
                f"*{method}* skipped {n} of {_plural(len(units), noun)}{reason}; "
                f"its mean is over the other {len(units) - n}."
            )
    return " ".join(out)
