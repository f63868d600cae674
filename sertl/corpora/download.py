"""Download corpora that have a public official source, with checksums and resume.

RAVDESS is on Zenodo (record 1188976). The record's JSON lists every file with
its MD5 checksum; the downloader reads the checksum from there, resumes a
partial download with an HTTP range request, verifies the file, and only then
renames it into place and unpacks it. The tests run it against a local server.

Every download goes through :func:`download_file`, which refuses a file without
a checksum and any address but ``https://`` (``http://`` only on this machine,
for tests). Nothing downloaded is ever executed, imported or unpickled: archives
are unpacked as data, refusing members that would land outside the target folder.

    python -m sertl.corpora.download ravdess --to ~/corpora
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import urllib.parse
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


#: Hosts where plain ``http://`` is accepted (local test servers).
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def checksum(path: Path, algorithm: str = "sha256") -> str:
    """Hex digest of a file (``"sha256"``, ``"md5"``, any :func:`hashlib.new` name)."""
    digest = hashlib.new(algorithm, usedforsecurity=algorithm not in ("md5", "sha1"))
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_url(url: str) -> str:
    """Return ``url`` when it may be downloaded: ``https://``, or ``http://`` on this machine.

    Raises:
        DownloadError: Another scheme (``file:``, ``ftp:``...) or plain http elsewhere.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
        return url
    raise DownloadError(f"{url}: refused, only https:// addresses are downloaded")


def record_files(record: str, api: str = ZENODO_API) -> dict[str, tuple[str, str]]:
    """Return file name -> (download URL, md5) from a Zenodo record's JSON."""
    with urllib.request.urlopen(check_url(f"{api}{record}"), timeout=60) as response:
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


def download_file(
    url: str,
    dest: str | Path,
    sha256: str | None = None,
    *,
    md5: str | None = None,
    progress: bool = True,
) -> Path:
    """Download ``url`` to ``dest``, resuming ``dest.part``, and verify its checksum.

    The file appears at ``dest`` only once verified. Use it for every download
    (corpora, published test lists): it refuses a file without a checksum, and
    an address that is not ``https://`` (``http://`` only on this machine).

    Args:
        url: The address.
        dest: The file to write.
        sha256: Expected SHA-256 (hex); give this or ``md5``.
        md5: Expected MD5 (hex), where the source publishes only that (Zenodo).
        progress: Show a progress bar.

    Returns:
        ``dest``.

    Raises:
        DownloadError: No checksum, a refused address, the server failed, or the
            checksum does not match (the partial file is removed so that the
            next try starts clean).
    """
    if not sha256 and not md5:
        raise DownloadError(f"{url}: refused, a download needs a sha256 (or md5) checksum")
    algorithm, expected = ("sha256", sha256.lower()) if sha256 else ("md5", str(md5).lower())
    check_url(url)
    target = Path(dest).expanduser()
    if target.is_file() and checksum(target, algorithm) == expected:
        return target
    part = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    offset = part.stat().st_size if part.is_file() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={offset}-"} if offset else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            check_url(response.geturl())  # after redirects
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
    actual = checksum(part, algorithm)
    if actual != expected:
        part.unlink(missing_ok=True)
        raise DownloadError(
            f"{target.name}: {algorithm} {actual} does not match the expected {expected}"
        )
    os.replace(part, target)
    return target


def fetch(url: str, target: Path, md5: str, progress: bool = True) -> Path:
    """:func:`download_file` with Zenodo's MD5 (kept for existing callers)."""
    return download_file(url, target, md5=md5, progress=progress)


def unpack(archive: Path, folder: Path) -> None:
    """Unpack a zip archive as data into ``folder``.

    Raises:
        DownloadError: A member would land outside ``folder`` (absolute path,
            ``..``) or is a link.
    """
    with zipfile.ZipFile(archive) as zf:
        for member in zf.infolist():
            parts = Path(member.filename).parts
            is_link = (member.external_attr >> 16) & 0o170000 == 0o120000
            if member.filename.startswith(("/", "\\")) or ".." in parts or is_link:
                raise DownloadError(
                    f"{archive.name}: refusing the unsafe member {member.filename!r}"
                )
        zf.extractall(folder)


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
        unpack(archive, tmp)
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
