"""Tests of nnbook.data.load_mnist: where it looks, what it reads, and its error without data."""

import pytest

from nnbook.data import MNIST_FILES, default_data_root, load_mnist


def test_default_root_is_a_user_cache_without_env(monkeypatch, tmp_path):
    # without NNBOOK_DATA the data goes to a per-user cache, never into the book's folders
    monkeypatch.delenv("NNBOOK_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_data_root() == tmp_path / "nnbook" / "data"


def test_load_mnist_reads_the_real_files(mnist_root, no_network):
    # torchvision's loader finds the raw files under root and downloads nothing
    test_set = load_mnist(train=False, root=mnist_root)
    assert len(test_set) == 10_000
    image, label = test_set[0]
    assert image.size == (28, 28) and 0 <= label <= 9


def test_load_mnist_uses_nnbook_data(monkeypatch, mnist_root, no_network):
    # with no root argument the loader looks in NNBOOK_DATA
    monkeypatch.setenv("NNBOOK_DATA", str(mnist_root))
    assert len(load_mnist(train=True)) == 60_000


def test_load_mnist_missing_files_give_one_clear_error(monkeypatch, tmp_path, no_network):
    # an empty folder and no network: one error naming the files, the folder and NNBOOK_DATA
    monkeypatch.setenv("NNBOOK_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(train=False)
    message = str(info.value)
    assert all(name in message for name in MNIST_FILES)
    assert str(tmp_path / "MNIST" / "raw") in message
    assert "NNBOOK_DATA" in message
    assert "no network (simulated by the test)" in message  # the download went through the fixture
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_load_mnist_names_only_the_missing_files(tmp_path, no_network):
    # with one of the four files in place, the error lists the other three
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "t10k-labels-idx1-ubyte").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="Missing files: train-images-idx3-ubyte, "
                                                "train-labels-idx1-ubyte, t10k-images-idx3-ubyte\\."):
        load_mnist(train=False, root=tmp_path)


def a_file(tmp_path):
    path = tmp_path / "not_a_folder"
    path.write_text("x")
    return path


@pytest.mark.parametrize("arguments, error, match", [
    (lambda tmp_path: dict(train=1), TypeError, "train must be True or False, got int"),
    (lambda tmp_path: dict(root=42), TypeError, "root must be a path or None, got int"),
    (lambda tmp_path: dict(root=a_file(tmp_path)), ValueError, "root must be a folder that holds MNIST/, got the file"),
])
def test_load_mnist_rejects_bad_arguments(tmp_path, no_network, arguments, error, match):
    # train is a bool (1 could be a split index), root a folder
    with pytest.raises(error, match=match):
        load_mnist(**arguments(tmp_path))
