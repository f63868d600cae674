import pytest

from sertl.atomic import atomic_path


def test_the_file_appears_only_when_the_block_succeeds(tmp_path):
    target = tmp_path / "sub" / "table.csv"
    with atomic_path(target) as tmp:
        tmp.write_text("a\n1\n")
        assert not target.exists() and tmp.parent == target.parent
    assert target.read_text() == "a\n1\n"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "a\n1\n"  # the previous content stays
    assert [p.name for p in target.parent.iterdir()] == ["table.csv"]
