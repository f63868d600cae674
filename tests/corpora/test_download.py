"""The downloader against a local HTTP server with range support (never the internet)."""

import hashlib
import io
import json
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sertl.corpora import download


def _archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("Actor_01/03-01-01-01-01-01-01.wav", b"RIFF" + bytes(2000))
    return buffer.getvalue()


@pytest.fixture
def server():
    payload = _archive()
    state = {"md5": hashlib.md5(payload).hexdigest(), "ranges": []}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            host = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/api/1188976":
                body = json.dumps(
                    {
                        "files": [
                            {
                                "key": "Audio_Speech_Actors_01-24.zip",
                                "checksum": f"md5:{state['md5']}",
                                "links": {"self": f"{host}/files/a.zip"},
                            }
                        ]
                    }
                ).encode()
                self.send_response(200)
            elif self.path == "/files/a.zip":
                start = 0
                if "Range" in self.headers:
                    start = int(self.headers["Range"].split("=")[1].rstrip("-"))
                    state["ranges"].append(start)
                    self.send_response(206)
                else:
                    self.send_response(200)
                body = payload[start:]
            else:
                body = b""
                self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/api/", state, payload
    httpd.shutdown()


def test_download_verifies_and_unpacks(server, tmp_path):
    api, _, _ = server
    folder = download.download("ravdess", tmp_path, api=api, progress=False)
    assert (folder / "Actor_01" / "03-01-01-01-01-01-01.wav").is_file()


def test_download_resumes_a_partial_file(server, tmp_path):
    api, state, payload = server
    part = tmp_path / ".downloads" / "Audio_Speech_Actors_01-24.zip.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(payload[:100])
    download.download("ravdess", tmp_path, api=api, progress=False)
    assert state["ranges"] == [100]
    assert not part.exists()


def test_checksum_mismatch_is_an_error_and_leaves_nothing(server, tmp_path):
    api, state, _ = server
    state["md5"] = "0" * 32
    with pytest.raises(download.DownloadError, match="does not match"):
        download.download("ravdess", tmp_path, api=api, progress=False)
    assert not list((tmp_path / ".downloads").glob("*"))
    assert not (tmp_path / "ravdess").exists()


def test_unknown_corpus():
    with pytest.raises(download.DownloadError, match="no public source"):
        download.download("iemocap", "/tmp/x")


# --- the generic helper every downloader uses (issue 16, item 15) ---


@pytest.fixture
def files_server():
    """Serves the bytes of ``content[path]`` (paths starting with /), and counts requests."""
    content: dict[str, bytes] = {}
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            hits.append(self.path)
            body = content.get(self.path)
            self.send_response(200 if body is not None else 404)
            body = body or b""
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", content, hits
    httpd.shutdown()


def test_download_file_verifies_sha256_and_only_then_writes(files_server, tmp_path):
    host, content, hits = files_server
    content["/lists/test.txt"] = b"Ses05F_impro01_F000\n"
    good = hashlib.sha256(content["/lists/test.txt"]).hexdigest()
    dest = tmp_path / "lists" / "test.txt"
    assert download.download_file(f"{host}/lists/test.txt", dest, good, progress=False) == dest
    assert dest.read_bytes() == content["/lists/test.txt"]
    download.download_file(f"{host}/lists/test.txt", dest, good.upper(), progress=False)
    assert hits == ["/lists/test.txt"]  # already there and verified: not fetched again
    with pytest.raises(download.DownloadError, match="sha256 .* does not match"):
        download.download_file(f"{host}/lists/test.txt", tmp_path / "bad.txt", "0" * 64)
    assert not list(tmp_path.glob("bad.txt*"))


def test_download_file_refuses_no_checksum_and_other_schemes(tmp_path):
    with pytest.raises(download.DownloadError, match="needs a sha256"):
        download.download_file("https://example.org/x", tmp_path / "x")
    for url in ("file:///etc/passwd", "ftp://example.org/x", "http://example.org/x"):
        with pytest.raises(download.DownloadError, match="only https://"):
            download.download_file(url, tmp_path / "x", "0" * 64)
    assert not list(tmp_path.iterdir())


def test_a_record_pointing_at_a_local_file_is_refused(server, tmp_path, monkeypatch):
    api, _, _ = server
    monkeypatch.setattr(
        download,
        "record_files",
        lambda record, api: {"Audio_Speech_Actors_01-24.zip": ("file:///etc/passwd", "0" * 32)},
    )
    with pytest.raises(download.DownloadError, match="only https://"):
        download.download("ravdess", tmp_path, api=api, progress=False)


@pytest.mark.parametrize("member", ["../escape.wav", "/abs.wav", "a/../../escape.wav"])
def test_an_archive_member_outside_the_folder_is_refused(tmp_path, member):
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("Actor_01/ok.wav", b"RIFF")
        zf.writestr(member, b"RIFF")
    with pytest.raises(download.DownloadError, match="unsafe member"):
        download.unpack(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists() and not (tmp_path / "escape.wav").exists()


def test_nothing_in_the_module_executes_downloaded_content():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(download))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    } | {
        n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
    }
    assert not imported & {"subprocess", "pickle", "importlib", "runpy", "marshal", "shelve"}
    called = {
        node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
    }
    assert not called & {"exec", "eval", "system", "popen", "execv", "compile", "__import__"}
