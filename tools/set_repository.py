"""Point the book at a fork: set repository.url in _config.yml (launch buttons, repository
button), html.baseurl (the published book, GitHub Pages of that repository: the reader's
edition links there) and the URL that every chapter's hidden Colab cell installs nnbook from.

Plain Python 3, no packages: it edits text, so it runs before `make install` has set up
anything. After writing it reads every file back and fails if the new URL is not there.
Usage: python -m tools.set_repository https://github.com/you/nnbook [BRANCH]
BRANCH sets the branch the Colab and Binder buttons open: `notebooks` (the reader's edition, which
the book workflow publishes), `student` (the student edition, published beside it) or any other;
without it the branch stays as it is. The editions' install cells install nnbook from the branch
they are published on (tools/make_notebooks.py adds it); the chapters' cells name the repository only.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from nnbook.files import write_atomically

ROOT = Path(__file__).resolve().parents[1]
URL_RULE = re.compile(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
# the `url:` line inside the top-level `repository:` block of _config.yml
CONFIG_URL = re.compile(r"^(repository:[ \t]*\n(?:[ \t]+.*\n|[ \t]*\n)*?[ \t]+url:[ \t]*)[\"']?([^\"'\s#]+)[\"']?",
                        re.MULTILINE)


CONFIG_BRANCH = re.compile(r"^(repository:[ \t]*\n(?:[ \t]+.*\n|[ \t]*\n)*?[ \t]+branch:[ \t]*)[\"']?([^\"'\s#]+)[\"']?",
                           re.MULTILINE)
BRANCH_RULE = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")
# the `baseurl:` line inside the top-level `html:` block
CONFIG_BASEURL = re.compile(r"^(html:[ \t]*\n(?:[ \t]+.*\n|[ \t]*\n)*?[ \t]+baseurl:[ \t]*)[\"']?([^\"'\s#]+)[\"']?",
                            re.MULTILINE)


def pages_url(url: str) -> str:
    """Where GitHub Pages publishes a repository's site: https://OWNER.github.io/REPO/."""
    owner, repo = url.rstrip("/").split("/")[-2:]
    if repo.lower() == f"{owner.lower()}.github.io":
        return f"https://{owner.lower()}.github.io/"
    return f"https://{owner.lower()}.github.io/{repo}/"


def config_setting(pattern: re.Pattern, config_text: str, key: str, section: str) -> str:
    """The value of `section: key:` in the text of _config.yml, found by `pattern`."""
    match = pattern.search(config_text)
    if match is None:
        raise ValueError(f"_config.yml has no `{key}:` under `{section}:`")
    return match.group(2)


def config_baseurl(config_text: str) -> str:
    """The published book's address set in the text of _config.yml."""
    return config_setting(CONFIG_BASEURL, config_text, "baseurl", "html")


def config_branch(config_text: str) -> str:
    """The repository branch set in the text of _config.yml."""
    return config_setting(CONFIG_BRANCH, config_text, "branch", "repository")


def config_url(config_text: str) -> str:
    """The repository URL set in the text of _config.yml."""
    return config_setting(CONFIG_URL, config_text, "url", "repository")


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write_notebook(notebook: dict, path: Path) -> None:
    # the layout nbformat writes (and nbstripout keeps): one-space indents, sorted keys;
    # the file keeps its final newline, or its lack of one, so that only the URL changes
    newline = "\n" if path.read_text(encoding="utf-8").endswith("\n") else ""
    text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + newline
    write_atomically(path, text)


def first_cell_source(notebook: dict) -> str:
    source = notebook["cells"][0]["source"]
    return "".join(source) if isinstance(source, list) else source


def set_repository(url: str, root: Path = ROOT, branch: str | None = None) -> list[Path]:
    """Write url (and its GitHub Pages address, html.baseurl) into _config.yml and every chapter's
    Colab install cell; return the files changed.

    Raises ValueError for a URL Colab cannot open, and RuntimeError when a file does not hold
    the new URL afterwards (e.g. a chapter whose first cell does not install nnbook).
    """
    url = url.rstrip("/").removesuffix(".git")
    if not URL_RULE.fullmatch(url):
        raise ValueError(f"URL must look like https://github.com/OWNER/REPO (Colab opens GitHub "
                         f"repositories only), got {url!r}")
    if branch is not None and not BRANCH_RULE.fullmatch(branch):
        raise ValueError(f"BRANCH must be a git branch name (letters, digits, . _ - /), got {branch!r}")
    config_path = root / "_config.yml"
    config_text = config_path.read_text(encoding="utf-8")
    old = config_url(config_text)
    config_baseurl(config_text)   # fails before writing anything when the setting is missing
    new_text = CONFIG_URL.sub(lambda m: m.group(1) + url, config_text, count=1)
    new_text = CONFIG_BASEURL.sub(lambda m: m.group(1) + pages_url(url), new_text, count=1)
    if branch is not None:
        new_text = CONFIG_BRANCH.sub(lambda m: m.group(1) + branch, new_text, count=1)
    changed = []
    if new_text != config_text:
        write_atomically(config_path, new_text)
        changed.append(config_path)
    notebooks = sorted((root / "chapters").glob("*.ipynb"))
    for path in notebooks:
        notebook = read_notebook(path)
        source = first_cell_source(notebook)
        new_source = source.replace(f"git+{old}", f"git+{url}")
        if new_source != source:
            notebook["cells"][0]["source"] = new_source.splitlines(keepends=True)
            write_notebook(notebook, path)
            changed.append(path)

    # read everything back: a file that does not hold the new URL is an error, not a silent skip
    written = config_path.read_text(encoding="utf-8")
    problems = [] if (config_url(written) == url and branch in (None, config_branch(written))
                      and config_baseurl(written) == pages_url(url)) else [config_path]
    problems += [path for path in notebooks if f'git+{url}"' not in first_cell_source(read_notebook(path))]
    if problems:
        names = ", ".join(str(path.relative_to(root)) for path in problems)
        raise RuntimeError(f"after writing, these files do not point at {url}: {names} (each chapter's first "
                           f"cell must install \"nnbook @ git+{old}\" in Colab)")
    return changed


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    try:
        for path in set_repository(sys.argv[1], branch=sys.argv[2] if len(sys.argv) == 3 else None):
            print(f"updated {path.relative_to(ROOT)}")
    except (ValueError, RuntimeError) as error:
        sys.exit(f"error: {error}")
