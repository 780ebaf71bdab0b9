"""Writing a file so that nobody ever reads half of it: the one atomic write of the book's code.

The new content goes to a temporary file in the same folder, is flushed to disk, and is then renamed
over the target (``os.replace``, atomic on POSIX and Windows): a reader, or a run interrupted half
way, sees the old file or the whole new one. Used by ``nnbook.results`` (recorded results),
``nnbook.torch_training`` (checkpoints) and the book's tools (grades, editions). Also where the book
keeps the files it writes outside its own folders (data, results): ``folder_from_env``.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable


def write_atomically(path: str | os.PathLike, content: str | bytes | Callable[[BinaryIO], None]) -> Path:
    """Replace ``path`` with ``content`` atomically; its folder must exist.

    ``content`` is text (written as UTF-8, newlines untouched), bytes, or a function that writes
    to the binary file it is given (``lambda f: torch.save(state, f)``).
    """
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            if isinstance(content, str):
                file.write(content.encode("utf-8"))
            elif isinstance(content, bytes):
                file.write(content)
            else:
                content(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        os.remove(tmp_name)
        raise
    return path


def folder_from_env(variable: str, name: str) -> Path:
    """The folder named by environment variable ``variable``, else ``~/.cache/nnbook/<name>``.

    Respects ``XDG_CACHE_HOME``; used for the data (``NNBOOK_DATA``) and the results
    (``NNBOOK_RESULTS_DIR``), so that nothing is written inside the book's folders.
    """
    value = os.environ.get(variable)
    if value:
        return Path(value).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "nnbook" / name
