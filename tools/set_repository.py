"""Point the book at a fork: set repository.url in _config.yml (launch buttons, repository
button) and the URL that every chapter's hidden Colab cell installs nnbook from.

Usage: python tools/set_repository.py https://github.com/you/nnbook
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
URL_RULE = re.compile(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


def set_repository(url: str, root: Path = ROOT) -> list[Path]:
    """Write url into _config.yml and every chapter's Colab install cell; return the files changed."""
    url = url.rstrip("/").removesuffix(".git")
    if not URL_RULE.fullmatch(url):
        raise ValueError(f"URL must look like https://github.com/OWNER/REPO (Colab opens GitHub "
                         f"repositories only), got {url!r}")
    config_path = root / "_config.yml"
    config_text = config_path.read_text()
    old = yaml.safe_load(config_text)["repository"]["url"]
    changed = []
    if old != url:
        config_path.write_text(config_text.replace(f"url: {old}", f"url: {url}", 1))
        changed.append(config_path)
    for path in sorted((root / "chapters").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        first = notebook.cells[0]
        new_source = first.source.replace(f"git+{old}", f"git+{url}")
        if new_source != first.source:
            first.source = new_source
            nbformat.write(notebook, path)
            changed.append(path)
    return changed


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        for path in set_repository(sys.argv[1]):
            print(f"updated {path.relative_to(ROOT)}")
    except ValueError as error:
        sys.exit(f"error: {error}")
