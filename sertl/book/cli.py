"""The command line: ``python -m sertl.book run | build | list`` (and ``sertl book ...``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import config
from . import __doc__ as USAGE
from . import outdir as _outdir
from .execution import ChapterFailed, execute
from .profiles import (
    UsageError,
    chapters,
    check_chapter,
    check_parameters,
    data_kind,
    parse_overrides,
    profile_names,
    profile_parameters,
    profile_spec,
    run_order,
)
from .render import BuildFailed, build


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m sertl.book",
        description=USAGE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute chapters with papermill (then render the book)")
    run.add_argument("--profile", default="default")
    run.add_argument("--chapter", action="append", help="chapter name (repeatable); default all")
    run.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one parameter (YAML value; null for None)",
    )
    run.add_argument(
        "--outdir",
        default=None,
        help="output folder (default _build/run/<profile>-<data>/; 'book' updates the "
        "committed book)",
    )
    run.add_argument(
        "--build",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="render the book afterwards (default: when every chapter runs)",
    )
    run.add_argument(
        "--quiet", action="store_true", help="no progress lines or cell output while running"
    )
    run.add_argument("--log-output", action="store_true", help=argparse.SUPPRESS)  # the default
    build_cmd = sub.add_parser("build", help="render an executed book with jupyter-book")
    build_cmd.add_argument("--outdir", default=None, help="the run's folder (default: book/)")
    sub.add_parser("list", help="list the chapters and the profiles")
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            print("chapters: " + " ".join(chapters()))
            print("profiles: " + " ".join(profile_names()))
            return 0
        if args.command == "build":
            try:
                print(build(Path(args.outdir) if args.outdir else None) / "index.html")
            except BuildFailed as error:
                print(error, file=sys.stderr)
                return 1
            return 0
        return _run(args)
    except UsageError as error:
        print(f"sertl: {error}", file=sys.stderr)
        return 2


def _chapters(n: int) -> str:
    return f"{n} chapter" + ("" if n == 1 else "s")


def _run(args: argparse.Namespace) -> int:
    overrides = parse_overrides(args.param)
    names = args.chapter or chapters()
    for name in names:
        check_chapter(name)
    profile_spec(args.profile)
    kinds = set()
    for name in names:  # every chapter's parameters are checked before anything runs
        params = {**profile_parameters(args.profile, name), **overrides}
        check_parameters(name, params)
        kinds.add(data_kind(str(params.get("data", "auto"))))
    if len(kinds) > 1:
        raise UsageError(f"a book is made from one kind of data; this run asks for {kinds}")
    kind = kinds.pop()
    outdir = Path(args.outdir) if args.outdir else _outdir.RUNS / f"{args.profile}-{kind}"
    # the runner's own folder starts afresh for a whole book (one run, never mixed); a
    # folder the user names keeps what it has, each chapter replacing only its own results
    _outdir.prepare_outdir(outdir, fresh=not args.chapter and not args.outdir, data=kind)
    root = config.data_root()
    print(
        f"sertl: profile {args.profile}, data {kind} "
        f"({root or 'no SERTL_DATA: synthetic corpora'}) -> {outdir}",
        file=sys.stderr,
    )
    failed: list[ChapterFailed] = []
    for chapter in run_order(names):
        try:
            execute(
                chapter,
                args.profile,
                overrides,
                outdir,
                log_output=not args.quiet,
                progress=not args.quiet,
            )
        except ChapterFailed as error:
            print(f"sertl: {error}", file=sys.stderr)
            failed.append(error)
    mixed = {c: o for c, o in _outdir.run_origins(outdir).items() if o - {kind}}
    rendered, render_failed = None, False
    if args.build if args.build is not None else not args.chapter:
        try:
            rendered = build(outdir) / "index.html"
        except BuildFailed as error:
            print(error, file=sys.stderr)
            render_failed = True
    if mixed:
        print(f"sertl: warning: chapters with other than {kind} data: {mixed}", file=sys.stderr)
    # the last line says how it went
    if failed:
        items = "; ".join(f"{e.chapter} ({e.reason})" for e in failed)
        where = (
            f"; the book, with the failures on their pages: {rendered}"
            if rendered
            else "; the book did not render (above)"
            if render_failed
            else f"; their pages, marked failed, are in {outdir}"
        )
        print(
            f"sertl: {len(failed)} of {_chapters(len(names))} failed: {items}{where}",
            file=sys.stderr,
        )
        return 1
    if render_failed:
        print("sertl: every chapter ran, but the book did not render (above)", file=sys.stderr)
        return 1
    done = f"the book is in {rendered}" if rendered else f"the executed chapters are in {outdir}"
    print(f"sertl: {_chapters(len(names))} ran; {done}", file=sys.stderr)
    return 0
