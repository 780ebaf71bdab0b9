import pytest

from nnbook.data import MNIST_FILES, default_data_root, load_mnist


def test_default_root_follows_nnbook_data(monkeypatch, tmp_path):
    # NNBOOK_DATA names the folder that holds MNIST/
    monkeypatch.setenv("NNBOOK_DATA", str(tmp_path))
    assert default_data_root() == tmp_path


def test_default_root_is_a_user_cache_without_env(monkeypatch, tmp_path):
    # without NNBOOK_DATA the data goes to a per-user cache, never into the book's folders
    monkeypatch.delenv("NNBOOK_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_data_root() == tmp_path / "nnbook" / "data"


def test_load_mnist_reads_the_real_files(mnist_root):
    # torchvision's loader finds the raw files under root and downloads nothing
    test_set = load_mnist(train=False, root=mnist_root)
    assert len(test_set) == 10_000
    image, label = test_set[0]
    assert image.size == (28, 28) and 0 <= label <= 9


def test_load_mnist_uses_nnbook_data(monkeypatch, mnist_root):
    # with no root argument the loader looks in NNBOOK_DATA
    monkeypatch.setenv("NNBOOK_DATA", str(mnist_root))
    assert len(load_mnist(train=True)) == 60_000


def test_load_mnist_missing_files_give_one_clear_error(monkeypatch, tmp_path):
    # an empty folder and no network: one error naming the files, the folder and NNBOOK_DATA
    monkeypatch.setenv("NNBOOK_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(train=False)
    message = str(info.value)
    assert all(name in message for name in MNIST_FILES)
    assert str(tmp_path / "MNIST" / "raw") in message
    assert "NNBOOK_DATA" in message
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_load_mnist_rejects_non_bool_train():
    # train=1 is ambiguous with a split index: only True/False
    with pytest.raises(TypeError, match="train must be True or False"):
        load_mnist(train=1)


def test_load_mnist_rejects_bad_root_type():
    # root must be a path
    with pytest.raises(TypeError, match="root must be a path or None"):
        load_mnist(root=42)


def test_load_mnist_rejects_a_file_as_root(tmp_path):
    # root is a folder, not a file
    file = tmp_path / "not_a_folder"
    file.write_text("x")
    with pytest.raises(ValueError, match="root must be a folder that holds MNIST/"):
        load_mnist(root=file)
