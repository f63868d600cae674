"""Download corpora that have a public official source, with checksums and resume.

RAVDESS is on Zenodo (record 1188976). The record's JSON lists every file with
its MD5 checksum; the downloader reads the checksum from there, resumes a
partial download with an HTTP range request, verifies the file, and only then
renames it into place and unpacks it. The tests run it against a local server.

    python -m sertl.corpora.download ravdess --to ~/corpora
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

ZENODO_API = "https://zenodo.org/api/records/"


@dataclass(frozen=True)
class Source:
    """Where a corpus comes from."""

    record: str
    files: tuple[str, ...]
    folder: str


SOURCES = {
    "ravdess": Source("1188976", ("Audio_Speech_Actors_01-24.zip",), "ravdess"),
}


class DownloadError(RuntimeError):
    """A download that failed or did not verify."""


def md5sum(path: Path) -> str:
    """MD5 of a file (Zenodo's checksum algorithm)."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_files(record: str, api: str = ZENODO_API) -> dict[str, tuple[str, str]]:
    """Return file name -> (download URL, md5) from a Zenodo record's JSON."""
    with urllib.request.urlopen(f"{api}{record}", timeout=60) as response:
        meta = json.load(response)
    out = {}
    for entry in meta.get("files", []):
        name = entry.get("key") or entry.get("filename")
        algo, _, value = entry.get("checksum", "").partition(":")
        if algo != "md5":
            raise DownloadError(f"record {record}: {name} has no md5 checksum")
        link = entry.get("links", {}).get("self") or entry.get("links", {}).get("download")
        out[name] = (link, value)
    return out


def fetch(url: str, target: Path, md5: str, progress: bool = True) -> Path:
    """Download ``url`` to ``target``, resuming ``target.part``, and verify its MD5.

    Raises:
        DownloadError: The server failed or the checksum does not match (the
            partial file is removed so that the next try starts clean).
    """
    if target.is_file() and md5sum(target) == md5:
        return target
    part = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    offset = part.stat().st_size if part.is_file() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={offset}-"} if offset else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            if offset and response.status != 206:
                offset = 0  # the server ignored the range: start again
            total = int(response.headers.get("Content-Length", 0)) + offset
            with (
                open(part, "ab" if offset else "wb") as handle,
                tqdm(
                    total=total or None,
                    initial=offset,
                    unit="B",
                    unit_scale=True,
                    desc=target.name,
                    disable=not progress,
                ) as bar,
            ):
                for block in iter(lambda: response.read(1 << 20), b""):
                    handle.write(block)
                    bar.update(len(block))
    except OSError as error:
        raise DownloadError(f"{url}: {error} (rerun to resume from {part})") from None
    actual = md5sum(part)
    if actual != md5:
        part.unlink(missing_ok=True)
        raise DownloadError(f"{target.name}: md5 {actual} does not match the record's {md5}")
    os.replace(part, target)
    return target


def download(name: str, to: str | Path, api: str = ZENODO_API, progress: bool = True) -> Path:
    """Download and unpack corpus ``name`` into ``to/<folder>``.

    Returns:
        The corpus folder, ready for ``SERTL_DATA=to``.
    """
    if name not in SOURCES:
        raise DownloadError(f"no public source for {name!r}; downloadable: {sorted(SOURCES)}")
    source = SOURCES[name]
    to = Path(to).expanduser()
    listing = record_files(source.record, api)
    folder = to / source.folder
    for file in source.files:
        if file not in listing:
            raise DownloadError(f"record {source.record} has no file {file}")
        url, md5 = listing[file]
        archive = fetch(url, to / ".downloads" / file, md5, progress)
        tmp = to / f".{source.folder}.unpacking"
        shutil.rmtree(tmp, ignore_errors=True)
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for item in tmp.iterdir():
            dest = folder / item.name
            if dest.exists():
                shutil.rmtree(dest) if dest.is_dir() else dest.unlink()
            os.replace(item, dest)
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Download a corpus from its official source.")
    parser.add_argument("corpus", choices=sorted(SOURCES))
    parser.add_argument("--to", required=True, help="the data folder (use it as SERTL_DATA)")
    args = parser.parse_args(argv)
    try:
        folder = download(args.corpus, args.to)
    except DownloadError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{args.corpus} is in {folder}; set SERTL_DATA={Path(args.to).expanduser()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
