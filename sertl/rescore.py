"""Judge a chapter's stored scores again with the current verdict rules.

A run of the ``paper`` profile takes hours; its per-unit scores (``scores.csv``)
are kept, so a change of the *verdict* rules (intervals, margin, effects,
findings) does not need the run again. :func:`rescore` recomputes a results
folder's ``verdicts.csv``, ``effects.csv`` and ``findings.csv`` from its
``scores.csv`` and the run's recorded parameters, and records the commit that
re-judged them beside the run's own provenance::

    python -m sertl.rescore book/paper-runs/05_andova_lustrek
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from . import effects, papers, results, verdict
from .provenance import git_commit

#: Chapters whose stored scores can be judged again.
CHAPTERS = ("02_feng_chaspari", "04_yue", "05_andova_lustrek")


def _provenance(folder: Path) -> dict:
    path = folder / "scores.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no provenance beside the scores (scores.json)")
    return json.loads(path.read_text())


def _origin(prov: dict) -> str:
    kinds = {d.get("origin", "") for d in prov.get("data", [])}
    return "real" if kinds == {"real"} else "synthetic"


def rescore(folder: str | Path, *, margin: float = verdict.MARGIN) -> list[str]:
    """Recompute a chapter's verdicts, effects and findings from its stored scores.

    Args:
        folder: ``<results>/<chapter>``, holding ``scores.csv`` and ``scores.json``.
        margin: Margin of equivalence, in points.

    Returns:
        The names of the tables written.

    Raises:
        FileNotFoundError: No ``scores.csv`` or ``scores.json`` in ``folder``.
        ValueError: A chapter whose scores cannot be judged again.
    """
    folder = Path(folder)
    chapter = folder.name
    if chapter not in CHAPTERS:
        raise ValueError(f"{folder}: cannot rescore chapter {chapter!r}; known: {list(CHAPTERS)}")
    path = folder / "scores.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no stored scores to judge")
    scores = pd.read_csv(path)
    prov = _provenance(folder)
    params = prov.get("parameters", {})
    data = _origin(prov)
    record = {**prov, "rescored_at": git_commit(), "margin": margin}
    tables: dict[str, pd.DataFrame] = {}
    if chapter == "05_andova_lustrek":
        from .experiments import andova_lustrek as al

        available = [d["corpus"] for d in prov.get("data", [])]
        published = papers.published("andova_lustrek")
        tables["verdicts"] = verdict.table(
            al.verdicts(scores, published, data=data, available=available, margin=margin)
        )
        tables["effects"] = effects.andova_lustrek(scores, data=data, margin=margin)
    elif chapter == "02_feng_chaspari":
        from .experiments import feng_chaspari as fc

        stand_ins = params.get("stand_ins", {})
        references = params.get("references", ["target"])[0]
        published = papers.published("feng_chaspari", "Table 1")
        tables["verdicts"] = verdict.table(
            fc.verdicts(
                scores,
                published,
                data=data,
                stand_ins=stand_ins,
                references=references,
                margin=margin,
            )
        )
        tables["effects"] = effects.feng_chaspari(
            scores, data=data, stand_ins=stand_ins, references=references, margin=margin
        )
    else:
        pretrain = bool((params.get("source_pretrain") or [False])[0])
        tables["effects"] = effects.yue(
            scores,
            data=data,
            k=int(params.get("shots", 5)),
            classifier="prototype",
            source_pretrain=pretrain,
            margin=margin,
        )
    paper = chapter.split("_", 1)[1]
    tables["findings"] = effects.findings(paper, tables["effects"], margin=margin)
    for name, table in tables.items():
        results.save(table, folder, name, record)
    return list(tables)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m sertl.rescore FOLDER [FOLDER ...] [--margin M]``."""
    parser = argparse.ArgumentParser(prog="python -m sertl.rescore", description=__doc__)
    parser.add_argument("folders", nargs="+", help="<results>/<chapter> folders")
    parser.add_argument("--margin", type=float, default=verdict.MARGIN)
    args = parser.parse_args(argv)
    for folder in args.folders:
        written = rescore(folder, margin=args.margin)
        print(f"{folder}: {', '.join(written)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
