"""tools/instructors.py: the computed parts of the instructors' page."""
import json
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from tools import book, instructors

ROOT = Path(__file__).resolve().parents[1]


def test_every_chapter_is_on_the_page_with_its_exercises_and_colab_link(tmp_path):
    chapters, machine = instructors.read_chapters(ROOT, bench_file=tmp_path / "none.json")
    assert [c["name"] for c in chapters] == [f"chapters/{p.stem}" for p in book.chapters()]
    glance = instructors.at_a_glance(chapters, machine)
    branch = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["branch"]   # what Colab opens
    for c in chapters:
        assert f"<{c['name']}>" in glance and f"blob/{branch}/{c['name']}.ipynb" in c["colab"]
    assert glance.count("not measured") == len(chapters)
    assert "no `make bench` record" in glance


def test_run_times_and_machine_come_from_the_bench_record(tmp_path):
    record = {"machine": {"cpu_count": 2, "cuda": False, "platform": "Linux-test", "torch": "2.x",
                          "date": "2026-11-29"},
              "chapters": {"01_neuron": {"seconds": 9.04, "status": "ok"},
                           "02_forward_propagation": {"seconds": 30.0, "status": "error"}}}
    (tmp_path / "bench.json").write_text(json.dumps(record))
    chapters, machine = instructors.read_chapters(ROOT, bench_file=tmp_path / "bench.json")
    glance = instructors.at_a_glance(chapters, machine)
    first, second = glance.splitlines()[2:4]
    assert "| 9 s |" in first
    assert "not measured" in second          # a failed run gives no time
    assert "on 2 CPU cores without a GPU (Linux-test, torch 2.x, 2026-11-29)" in glance


def test_a_chapter_without_objectives_is_an_error(tmp_path):
    for name in ("_config.yml",):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\nparts:\n  - chapters:\n"
                                       "      - file: chapters/01_x\n")
    (tmp_path / "chapters").mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# X\n\n**Prerequisites:** none.\n\n**Time:** an hour.\n\n"
                                              ":::{exercise}\n:label: x\nDo it.\n:::")]
    nbformat.write(nb, tmp_path / "chapters" / "01_x.ipynb")
    with pytest.raises(ValueError, match="chapters/01_x: the instructors' page needs its objectives"):
        instructors.read_chapters(tmp_path)


def test_long_exercise_text_is_cut_outside_formulas():
    c = {"number": 1, "labels": ["ex-first"], "checked": ["ex-first"]}
    line = instructors.exercise_line(c, 1, "word " * 30 + "$a + b = c$ more " * 5)
    assert line.startswith('- **1.1** (checks itself: `check("ex-first", ...)`)')
    assert line.count("$") % 2 == 0 and line.endswith("…")


def test_glued_values_of_a_chapter_do_not_reach_the_page():
    chapters, _ = instructors.read_chapters(ROOT)
    text = instructors.chapter_by_chapter(chapters)
    assert "{glue" not in text
