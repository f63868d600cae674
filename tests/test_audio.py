import pickle

import numpy as np
import pytest
import soundfile as sf

from sertl.audio import AudioError, load_audio, map_files


def test_wav_and_flac_load_as_16k_mono_float32(tmp_path, tone):
    wav = tone(tmp_path / "a.wav", rate=16000)
    flac = tone(tmp_path / "b.flac", rate=44100, channels=2)
    a, b = load_audio(wav), load_audio(flac)
    assert a.dtype == np.float32 and a.ndim == 1 and len(a) == 8000
    assert b.dtype == np.float32 and b.ndim == 1 and abs(len(b) - 8000) <= 1
    assert np.corrcoef(a[:7900], b[:7900])[0, 1] > 0.99  # resampled, same tone


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda p: None, "does not exist"),
        (lambda p: p.write_bytes(b"not audio at all"), "cannot be read"),
        (lambda p: sf.write(str(p), np.zeros(0), 16000), "no samples"),
        (lambda p: sf.write(str(p), np.zeros(100), 16000), "too short"),
        (lambda p: sf.write(str(p), np.full(4000, np.nan), 16000, subtype="FLOAT"), "NaN"),
    ],
)
def test_bad_files_name_the_file_and_the_reason(tmp_path, make, reason):
    path = tmp_path / "bad.wav"
    make(path)
    with pytest.raises(AudioError) as info:
        load_audio(path)
    assert str(path) in str(info.value) and reason in str(info.value)


def test_audio_error_survives_pickling_between_processes():
    error = pickle.loads(pickle.dumps(AudioError("x.wav", "broken")))
    assert (error.path, error.reason) == ("x.wav", "broken")


def test_corpus_wide_step_reports_every_failure_and_goes_on(tmp_path, tone):
    good = [tone(tmp_path / f"g{i}.wav") for i in range(3)]
    bad = [tmp_path / "missing.wav", tmp_path / "junk.wav"]
    bad[1].write_bytes(b"junk")
    results, report = map_files(lambda p: len(load_audio(p)), [*good, *bad], "scan")
    assert results[:3] == [8000] * 3 and results[3:] == [None, None]
    assert report.total == 5 and len(report.failures) == 2
    text = report.summary()
    assert "2 of 5 files failed" in text and "missing.wav" in text and "junk.wav" in text


def test_the_duration_scan_gives_the_os_error(tmp_path, tone):
    import os

    from sertl.audio import AudioError, duration, load_audio

    with pytest.raises(AudioError, match=r"missing\.wav: cannot be opened \(No such file"):
        duration(tmp_path / "missing.wav")
    locked = tone(tmp_path / "locked.wav")
    os.chmod(locked, 0)
    try:
        if not os.access(locked, os.R_OK):  # not root: the real permission error
            for read in (duration, load_audio):
                with pytest.raises(AudioError, match=r"cannot be opened \(Permission denied\)"):
                    read(locked)
    finally:
        os.chmod(locked, 0o644)
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"junk")
    with pytest.raises(AudioError, match="cannot be read as audio"):
        duration(junk)


def test_libsndfiles_system_error_becomes_the_os_error(tmp_path, tone, monkeypatch):
    from sertl import audio

    locked = tone(tmp_path / "locked.wav")

    def system_error(*args, **kwargs):
        raise sf.LibsndfileError(2, prefix=f"Error opening {str(locked)!r}: ")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(audio.sf, "info", system_error)
    monkeypatch.setattr(audio.sf, "read", system_error)
    monkeypatch.setattr(audio, "open", denied, raising=False)
    for read in (audio.duration, audio.load_audio):
        with pytest.raises(
            AudioError, match=r"locked\.wav: cannot be opened \(Permission denied\)"
        ):
            read(locked)
