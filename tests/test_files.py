import pytest

from nnbook.files import write_atomically


def test_text_bytes_and_writer_each_replace_the_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    write_atomically(target, "né\r\n")
    assert target.read_bytes() == "né\r\n".encode()       # UTF-8, newlines untouched
    write_atomically(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    write_atomically(target, lambda f: f.write(b"from a writer"))
    assert target.read_bytes() == b"from a writer"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]   # no temporary file left


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def fails(f):
        f.write(b"half")
        raise RuntimeError("interrupted")
    with pytest.raises(RuntimeError, match="interrupted"):
        write_atomically(target, fails)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
