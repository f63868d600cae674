"""Grid runner speed: a fixed slice of chapter 05's and chapter 04's `paper` grids, timed
sequentially, on all local cores (loky) and on a 2-worker Dask LocalCluster, in one run.

    SERTL_DATA=../shared/corpora .venv/bin/python benchmarks/grid.py
    .venv/bin/python benchmarks/grid.py --quick      # synthetic corpora, tiny models (a check)

The slices are the real cells of the chapters' grids
(``sertl.experiments.andova_lustrek.cell``; chapter 04's two stages,
``sertl.experiments.yue.pretrain`` and ``sertl.experiments.yue.cell``) with the
`paper` profile's settings, on the pair EmoDB -> SAVEE. Features come from the feature
cache (extracted first when missing; that time is not part of the measurement).

Reports per slice: wall time per backend, speed-up and parallel efficiency of loky
over sequential, Dask against loky, and a projection for 16 and 64 workers from the
measured cell times (greedy longest-first schedule; no projection is shorter than the
longest cell). A grid of no-op cells gives the runner's overhead per cell on each
backend. Writes benchmarks/results/grid.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sertl import grid  # noqa: E402

#: The pair every slice uses (both corpora are configured on the project machine).
PAIR = ("emodb", "savee")
#: Seeds of the chapter 05 slice (x every SAVEE subject) and of the chapter 04 slice.
SEEDS_05 = [0, 1]
SEEDS_04 = [0, 1, 2, 3, 4]


@dataclass
class Slice:
    name: str
    description: str
    cell: object
    cells: list
    shared: dict
    keys: list
    paper_cells: int  # cells of the chapter's whole `paper` grid on the configured corpora


def chapter_params(chapter: str, profile: str = "paper") -> dict:
    """The chapter's parameters under a profile: the parameters cell, then the profile."""
    import jupytext

    from sertl.chapter import parameters, profile_values

    nb = jupytext.read(ROOT / "notebooks" / f"{chapter}.py")
    scope: dict = {}
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            exec(compile(cell.source, chapter, "exec"), {}, scope)
            break
    values = parameters(scope)
    values.update(profile_values(profile, chapter) or {})
    return values


def configured(names, data: str) -> list[str]:
    from sertl import config

    if data == "synthetic":
        return list(names)
    return [n for n in names if config.corpus_root(n) is not None]


def slice_05(data: str, quick: bool) -> Slice:
    """Chapter 05: EmoDB -> SAVEE, 2 seeds x every SAVEE subject, the forests at paper size."""
    from sertl import corpora
    from sertl.experiments import andova_lustrek as al

    p = chapter_params("05_andova_lustrek")
    tables = {n: corpora.get(n, data=data, with_duration=False) for n in PAIR}
    prepared = al.prepare(tables, feature_set=p.get("feature_set", "IS10"))
    # the random-forest methods of Tables 2 and 3 (the networks are left out of the slice)
    methods = (
        "majority",
        "scenario 1",
        "scenario 2",
        "scenario 3",
        "multi-task",
        "normalisation 1",
        "normalisation 2",
    )
    settings = al.Settings(
        n_trees=20 if quick else int(p["n_trees"]), max_depth=p["max_depth"], methods=methods
    )
    seeds = SEEDS_05
    subjects = al.target_subjects(prepared, [PAIR[1]], max_subjects=2 if quick else None)
    cells = al.cells([PAIR], seeds, subjects)
    # the whole paper grid on the corpora configured here: pairs x seeds x target subjects
    pairs = [tuple(x) for x in p["pairs"] if len(configured(x, data)) == 2]
    n_subjects = {}
    for _, t in pairs:
        if t not in n_subjects:
            table = tables.get(t)
            if table is None:
                table = corpora.get(t, data=data, with_duration=False)
            n_subjects[t] = table["speaker"].nunique()
    paper_cells = sum(len(p["seeds"]) * n_subjects[t] for _, t in pairs)
    return Slice(
        "05_andova_lustrek",
        f"{PAIR[0]} -> {PAIR[1]}, seeds {seeds}, {len(subjects[PAIR[1]])} target subjects: "
        f"{len(cells)} cells; methods {', '.join(methods)}; {settings.n_trees} trees, "
        f"depth {settings.max_depth} (DBN and FCNN left out)",
        al.cell,
        cells,
        {"corpora": prepared, "settings": asdict(settings), "fcnn": {}},
        ["source", "target", "seed", "subject"],
        paper_cells,
    )


def slice_04(data: str, quick: bool) -> list[Slice]:
    """Chapter 04's two stages: the source heads of EmoDB, then EmoDB -> SAVEE's cells."""
    from sertl import corpora
    from sertl.experiments import yue

    p = chapter_params("04_yue")
    if quick:
        p.update(pretrain_epochs=2, finetune_epochs=2)
    tables = {n: corpora.get(n, data=data, with_duration=False) for n in PAIR}
    prepared = yue.prepare(tables, ["egemaps"])
    n_folds = {n: len(s) for n, s in prepared.shared()["splits"].items()}
    cells = yue.grid([PAIR], ["egemaps"], SEEDS_04, n_folds, int(p["shots"]))
    hp = yue.hyperparameters(p, "cpu")
    # the paper grid on the corpora configured here (every ordered pair, both extractors)
    names = configured(p["corpora"], data)
    pairs = [(s, t) for s in names for t in names if s != t]
    ks = len(p["k_curve"]) if tuple(p["k_curve_pair"]) in pairs else 1
    folds = {}
    for n in names:
        if n in n_folds:
            folds[n] = n_folds[n]
        else:
            speakers = corpora.get(n, data=data, with_duration=False)["speaker"].nunique()
            folds[n] = min(6, speakers)
    per_fold = len(p["extractors"]) * len(yue.METHODS) * len(p["seeds"]) * 2
    paper_cells = sum(per_fold * folds[t] for _, t in pairs)
    if tuple(p["k_curve_pair"]) in pairs:
        paper_cells += per_fold * folds[p["k_curve_pair"][1]] * (ks - 1)
    shared = {**prepared.shared(), "hp": hp}
    heads = yue.pretrain_cells(cells)
    # the first stage, untimed here (slice 04s times it): every cell starts from its head
    pretrained = {
        yue.head_key(**h): yue.pretrain(**h, **shared)[0]["head"]  # type: ignore[arg-type]
        for h in heads
    }
    return [
        Slice(
            "04_yue_source",
            f"{PAIR[0]}, eGeMAPS, {len(yue.METHODS)} methods x seeds {SEEDS_04}: "
            f"{len(heads)} heads pre-trained on the labelled source, "
            f"{p['pretrain_epochs']} epochs (the grid's first stage)",
            head_digest,
            heads,
            shared,
            ["source", "extractor", "method", "seed"],
            len(names) * len(p["extractors"]) * len(yue.METHODS) * len(p["seeds"]),
        ),
        Slice(
            "04_yue",
            f"{PAIR[0]} -> {PAIR[1]}, eGeMAPS, {len(yue.METHODS)} methods x "
            f"{n_folds[PAIR[1]]} target folds x source pre-training on/off x seeds "
            f"{SEEDS_04}, k={p['shots']}: {len(cells)} cells; {p['finetune_epochs']} "
            "fine-tuning epochs from the first stage's heads",
            yue.cell,
            cells,
            {**shared, "pretrained": pretrained},
            [*yue.KEYS, "classifier"],
            paper_cells,
        ),
    ]


def head_digest(**params: object) -> list[dict]:
    """Chapter 04's first-stage cell, its head reduced to a digest (tables compare equal)."""
    import hashlib

    from sertl.experiments import yue

    head = yue.pretrain(**params)[0]["head"]  # type: ignore[arg-type]
    h = hashlib.blake2b(digest_size=8)
    for value in head.state_dict().values():
        h.update(value.detach().cpu().numpy().tobytes())
    return [{"head": h.hexdigest()}]


def noop(seed: int) -> list[dict]:
    """A cell that does nothing: the runner's own cost per cell."""
    return [{"value": seed}]


def timed(s: Slice, scheduler: str, n_jobs: int | None = None) -> tuple[float, pd.DataFrame]:
    start = time.perf_counter()
    table = grid.run(
        s.cell,
        s.cells,
        name=f"bench-{s.name}",
        keys=s.keys,
        shared=s.shared,
        scheduler=scheduler,
        n_jobs=n_jobs,
        store=False,
        progress=False,
    )
    return time.perf_counter() - start, table


def schedule(seconds: list[float], workers: int, overhead: float) -> float:
    """Wall time of a greedy longest-first schedule of the cells on ``workers`` workers."""
    loads = [0.0] * workers
    heapq.heapify(loads)
    for t in sorted(seconds, reverse=True):
        heapq.heappush(loads, heapq.heappop(loads) + t + overhead)
    return max(loads)


def overheads(client_address: str, n_jobs: int, n: int) -> dict:
    """Seconds per no-op cell on each backend, pools already started."""
    cells = [{"seed": i} for i in range(n)]
    out = {}
    for scheduler in ("sequential", "loky", "dask"):
        kwargs = dict(name="bench-noop", store=False, progress=False, scheduler=scheduler)
        if scheduler == "loky":
            kwargs["n_jobs"] = n_jobs
        if scheduler == "dask":
            os.environ["SERTL_DASK_ADDRESS"] = client_address
        try:
            grid.run(noop, cells[:4], **kwargs)  # warm
            start = time.perf_counter()
            grid.run(noop, cells, **kwargs)
            out[scheduler] = (time.perf_counter() - start) / n
        finally:
            os.environ.pop("SERTL_DASK_ADDRESS", None)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="synthetic corpora, tiny models")
    parser.add_argument("--slices", default="05,04", help="which slices (05, 04)")
    parser.add_argument("--noop-cells", type=int, default=200)
    parser.add_argument("--out", default=str(HERE / "results" / "grid.json"))
    parser.add_argument(
        "--prepare-only", action="store_true", help="extract the features into the cache, stop"
    )
    args = parser.parse_args()
    from distributed import LocalCluster

    from sertl import config

    data = "synthetic" if args.quick else "real"
    if data == "real" and any(config.corpus_root(n) is None for n in PAIR):
        sys.exit(f"the real corpora {PAIR} are not configured: set SERTL_DATA (or use --quick)")
    cores = len(os.sched_getaffinity(0))
    load_start = os.getloadavg()[0]
    jobs = config.n_jobs()
    builders = {"05": slice_05, "04": slice_04}
    slices = []
    for key in args.slices.split(","):
        start = time.perf_counter()
        built = builders[key.strip()](data, args.quick)
        for s in built if isinstance(built, list) else [built]:
            print(f"{s.name}: prepared in {time.perf_counter() - start:.0f} s: {s.description}")
            slices.append(s)
    if args.prepare_only:
        return

    start = time.perf_counter()
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    cluster_start = time.perf_counter() - start
    results = []
    try:
        # start the pools (worker processes importing sertl, torch, scikit-learn) once,
        # as a chapter does for its first grid; the slices are timed on started pools
        pool_start = {}
        for scheduler in ("loky", "dask"):
            if scheduler == "dask":
                os.environ["SERTL_DASK_ADDRESS"] = cluster.scheduler_address
            start = time.perf_counter()
            grid.run(
                noop,
                [{"seed": i} for i in range(8)],
                name="bench-noop",
                store=False,
                progress=False,
                scheduler=scheduler,
                n_jobs=jobs,
            )
            pool_start[scheduler] = time.perf_counter() - start
            os.environ.pop("SERTL_DASK_ADDRESS", None)
        for s in slices:
            seq, table = timed(s, "sequential")
            cell_seconds = list(grid.last_report.cell_seconds)
            loky, loky_table = timed(s, "loky", jobs)
            os.environ["SERTL_DASK_ADDRESS"] = cluster.scheduler_address
            try:
                dask, dask_table = timed(s, "dask")
            finally:
                os.environ.pop("SERTL_DASK_ADDRESS", None)
            identical = True
            for other in (loky_table, dask_table):
                try:
                    pd.testing.assert_frame_equal(table, other, check_exact=True)
                except AssertionError:
                    identical = False
            results.append(
                dict(
                    slice=s.name,
                    description=s.description,
                    cells=len(s.cells),
                    rows=len(table),
                    sequential_s=round(seq, 2),
                    loky_s=round(loky, 2),
                    dask_s=round(dask, 2),
                    loky_workers=jobs,
                    dask_workers=2,
                    speedup_loky=round(seq / loky, 3),
                    efficiency_loky=round(seq / loky / jobs, 3),
                    speedup_dask=round(seq / dask, 3),
                    efficiency_dask=round(seq / dask / 2, 3),
                    dask_vs_loky=round(dask / loky - 1, 3),
                    identical_tables=identical,
                    cell_s_mean=round(sum(cell_seconds) / len(cell_seconds), 3),
                    cell_s_max=round(max(cell_seconds), 3),
                    cell_s_min=round(min(cell_seconds), 3),
                    cell_s_sum=round(sum(cell_seconds), 2),
                    cell_seconds=[round(t, 3) for t in cell_seconds],
                    paper_cells=s.paper_cells,
                )
            )
            print(json.dumps({k: v for k, v in results[-1].items() if k != "cell_seconds"}))
        per_cell = overheads(cluster.scheduler_address, jobs, args.noop_cells)
    finally:
        grid.close_clients()
        cluster.close()

    for r in results:
        seconds = r["cell_seconds"]
        mean = r["cell_s_mean"]
        r["projection"] = {
            str(w): {
                # this slice's cells, longest first, on w workers (+ the dask per-cell cost)
                "slice_s": round(schedule(seconds, w, per_cell["dask"]), 2),
                "slice_speedup": round(r["cell_s_sum"] / schedule(seconds, w, per_cell["dask"]), 2),
                # the whole paper grid with cells like these: bounded by its longest cell
                "paper_grid_s": round(
                    max(r["cell_s_max"], r["paper_cells"] * (mean + per_cell["dask"]) / w), 1
                ),
                "paper_grid_sequential_s": round(r["paper_cells"] * mean, 1),
            }
            for w in (16, 64)
        }
    out = dict(
        machine=f"{platform.processor() or platform.machine()}, {cores} cores",
        cores=cores,
        data=data,
        quick=args.quick,
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        load_average_at_start=round(load_start, 2),
        load_average_at_end=round(os.getloadavg()[0], 2),
        cell_threads=1,
        dask_cluster_start_s=round(cluster_start, 2),
        pool_start_s={k: round(v, 2) for k, v in pool_start.items()},
        overhead_per_cell_s={k: round(v, 5) for k, v in per_cell.items()},
        slices=results,
    )
    if not args.quick:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
        print(f"wrote {args.out}")
    print(markdown(out))


def markdown(out: dict) -> str:
    lines = [
        "| slice | cells | sequential | loky | speed-up (efficiency) | Dask (2 workers) "
        "| Dask vs loky | same table |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in out["slices"]:
        lines.append(
            f"| {r['slice']} | {r['cells']} | {r['sequential_s']:.0f} s | {r['loky_s']:.0f} s "
            f"({r['loky_workers']} workers) | {r['speedup_loky']:.2f}x "
            f"({100 * r['efficiency_loky']:.0f} %) | {r['dask_s']:.0f} s "
            f"({r['speedup_dask']:.2f}x) | {100 * r['dask_vs_loky']:+.1f} % "
            f"| {'yes' if r['identical_tables'] else 'NO'} |"
        )
    o = out["overhead_per_cell_s"]
    lines.append("")
    lines.append(
        f"Runner overhead per no-op cell: sequential {1000 * o['sequential']:.1f} ms, "
        f"loky {1000 * o['loky']:.1f} ms, Dask {1000 * o['dask']:.1f} ms; starting the "
        f"pools: loky {out['pool_start_s']['loky']:.1f} s, Dask workers "
        f"{out['pool_start_s']['dask']:.1f} s (+ {out['dask_cluster_start_s']:.1f} s for "
        "the LocalCluster)."
    )
    for r in out["slices"]:
        p = r["projection"]
        lines.append(
            f"{r['slice']}: cells {r['cell_s_min']:.1f}-{r['cell_s_max']:.1f} s; the whole "
            f"paper grid ({r['paper_cells']} cells like these, "
            f"{p['16']['paper_grid_sequential_s'] / 3600:.1f} h on one worker) projects to "
            f"{p['16']['paper_grid_s'] / 60:.0f} min on 16 workers and "
            f"{p['64']['paper_grid_s'] / 60:.0f} min on 64."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
