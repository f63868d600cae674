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

        def do_GET(self):  # noqa: N802
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
