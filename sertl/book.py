"""Execute the chapters with papermill under a parameter profile, then build the book.

python -m sertl.book run --profile default            # every chapter
python -m sertl.book run --profile smoke --chapter 01_data_overview -p seed=3
python -m sertl.book build                             # jupyter-book, no execution
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from . import config

PROJECT = Path(__file__).resolve().parent.parent
NOTEBOOKS = PROJECT / "notebooks"
BOOK = PROJECT / "book"
PROFILES = PROJECT / "profiles"


def chapters() -> list[str]:
    """The chapter sources, by name (``notebooks/<name>.py``), in book order."""
    return sorted(p.stem for p in NOTEBOOKS.glob("[0-9]*.py"))


def profile_parameters(profile: str, chapter: str) -> dict:
    """The parameters of ``chapter`` under ``profile`` (``_all`` merged under it).

    Raises:
        FileNotFoundError: No such profile file.
    """
    path = PROFILES / f"{profile}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in PROFILES.glob("*.yaml"))
        raise FileNotFoundError(f"{path}: no such profile; known: {known}")
    spec = yaml.safe_load(path.read_text()) or {}
    params = dict(spec.get("_all", {}))
    params.update(spec.get(chapter, {}) or {})
    params["profile"] = profile
    return params


def error_outputs(notebook: Path) -> list[str]:
    """Error outputs (tracebacks) in an executed notebook."""
    nb = json.loads(notebook.read_text())
    found = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"{out.get('ename')}: {out.get('evalue')}")
            elif out.get("output_type") == "stream" and "Traceback" in "".join(out.get("text", "")):
                found.append("".join(out["text"])[-500:])
    return found


def execute(
    chapter: str,
    profile: str,
    overrides: dict | None = None,
    outdir: Path = BOOK,
    log_output: bool = False,
) -> Path:
    """Execute one chapter with papermill into ``outdir/<chapter>.ipynb``.

    Args:
        chapter: Chapter name (a file stem in ``notebooks/``).
        profile: Parameter profile (``profiles/<profile>.yaml``).
        overrides: Parameters replacing the profile's.
        outdir: Folder of the executed notebook and its ``results/``.
        log_output: Stream the cells' output (progress bars included) to the log
            as they run; otherwise a bar over the cells is shown on a terminal.

    Raises:
        RuntimeError: The notebook raised, or holds error output.
    """
    import jupytext
    import papermill

    source = NOTEBOOKS / f"{chapter}.py"
    if not source.is_file():
        raise FileNotFoundError(f"{source}: no such chapter; known: {chapters()}")
    params = profile_parameters(profile, chapter)
    params.update(overrides or {})
    config.pin_data_root()  # the kernel runs in outdir, not in the caller's folder
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / f"{chapter}.ipynb"
    nb = jupytext.read(source)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"{chapter}.ipynb"
        jupytext.write(nb, src)
        partial = outdir / f".{chapter}.partial.ipynb"
        start = time.time()
        try:
            papermill.execute_notebook(
                str(src),
                str(partial),
                parameters=params,
                cwd=str(outdir),
                kernel_name="python3",
                progress_bar=sys.stderr.isatty() and not log_output,
                log_output=log_output,
            )
        except Exception as error:
            raise RuntimeError(f"{chapter} ({profile}) failed: {error}") from None
        errors = error_outputs(partial)
        if errors:
            raise RuntimeError(f"{chapter} ({profile}) has error output: {errors}")
        os.replace(partial, target)  # only a fully executed chapter replaces the old one
    print(f"{chapter}: executed with profile {profile} in {time.time() - start:.0f} s -> {target}")
    return target


def build(path_output: Path | None = None, quiet: bool = False) -> Path:
    """Render ``book/`` (already executed) to HTML with jupyter-book.

    Args:
        path_output: Where ``_build`` goes (default: the project folder).
        quiet: Capture jupyter-book's output (shown only when it fails).

    Returns:
        The HTML folder.
    """
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(PROJECT)]
    if path_output is not None:
        command += ["--path-output", str(path_output)]
    done = subprocess.run(command, cwd=PROJECT, capture_output=quiet, text=True)
    if done.returncode:
        raise RuntimeError(
            f"jupyter-book build failed:\n{(done.stdout or '')[-3000:]}{done.stderr or ''}"
        )
    return (path_output or PROJECT) / "_build" / "html"


def _parse_value(text: str):  # noqa: ANN202 - any YAML value
    return yaml.safe_load(text)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m sertl.book",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute chapters with papermill")
    run.add_argument("--profile", default="default")
    run.add_argument("--chapter", action="append", help="chapter name (repeatable); default all")
    run.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one parameter (YAML value)",
    )
    run.add_argument("--outdir", default=str(BOOK))
    run.add_argument(
        "--log-output",
        action="store_true",
        help="stream each cell's output (progress bars of long loops) while it runs",
    )
    sub.add_parser("build", help="render the book with jupyter-book")
    sub.add_parser("list", help="list the chapters")
    args = parser.parse_args(argv)
    if args.command == "list":
        print("\n".join(chapters()))
        return 0
    if args.command == "build":
        print(build())
        return 0
    overrides = {}
    for item in args.param:
        name, _, value = item.partition("=")
        overrides[name] = _parse_value(value)
    root = config.data_root()
    print(f"sertl: data {root or '<none: synthetic corpora>'}", file=sys.stderr)
    failed = []
    for chapter in args.chapter or chapters():
        try:
            execute(chapter, args.profile, overrides, Path(args.outdir), args.log_output)
        except RuntimeError as error:
            print(error, file=sys.stderr)
            failed.append(chapter)
    if failed:
        print(f"failed chapters: {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
