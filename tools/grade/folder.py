"""A folder of submissions: what is new, JOBS notebooks at once, grades.csv, the feedback, the
state a second run resumes from."""
import csv
import hashlib
import io
import json
import os
import sys
from pathlib import Path

from nnbook.files import write_atomically
from tools.grade import submission
from tools.grade.chapter import read_chapters
from tools.grade.kernel import Sandbox, find_sandbox
from tools.grade.submission import Row

GRADES = "grades.csv"
FEEDBACK = "feedback"
STATE = ".grades-state.json"     # what each row was graded from, so that a re-run can resume
COLUMNS = ("submission", "chapter", "exercise", "passed", "message")
TIMEOUT = 60                     # seconds per exercise (its cells and its check)
MEMORY = 3 * 2**30


def submissions_in(folder):
    """Every .ipynb under `folder` (not in hidden folders or checkpoints), as (name, bytes)."""
    folder = Path(folder)
    paths = sorted(p for p in folder.rglob("*.ipynb") if p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    return [(p.relative_to(folder).as_posix(), p.read_bytes()) for p in paths]


def grades_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(row.csv() for row in rows)
    return out.getvalue()


def read_grades(folder):
    """The rows of an earlier run, and what they were graded from (empty if there is none)."""
    folder = Path(folder)
    try:
        with open(folder / GRADES, newline="", encoding="utf-8") as handle:
            rows = [Row(r["submission"], r["chapter"], r["exercise"], r["passed"] == "1", r["message"])
                    for r in csv.DictReader(handle)]
        state = json.loads((folder / STATE).read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return [], {}
    return rows, state if isinstance(state, dict) else {}


def feedback_text(name, rows):
    passed = sum(r.passed for r in rows)
    graded = [r for r in rows if r.exercise]
    lines = [f"Feedback on {name}", ""]
    if graded:
        lines += [f"Chapter {graded[0].chapter}: {passed} of {len(graded)} self-checking exercises correct.", ""]
    for row in rows:
        mark = "✓" if row.passed else "✗"
        lines.append(f"{mark} Exercise {row.exercise}: {row.message}" if row.exercise else f"✗ {row.message}")
    return "\n".join(lines) + "\n"


def feedback_path(folder, name):
    return Path(folder) / FEEDBACK / (name.removesuffix(".ipynb").replace("/", "__") + ".txt")


def summary(rows):
    """A table: one line per submission (chapter, exercises passed), then per exercise."""
    by_submission = {}
    for row in rows:
        by_submission.setdefault(row.submission, []).append(row)
    width = max([len("submission")] + [len(n) for n in by_submission])
    lines = [f"{'submission':<{width}}  {'chapter':<24}  passed"]
    for name, mine in by_submission.items():
        graded = [r for r in mine if r.exercise]
        score = f"{sum(r.passed for r in graded)}/{len(graded)}" if graded else mine[0].message[:60]
        lines.append(f"{name:<{width}}  {mine[0].chapter:<24}  {score}")
    per_exercise = {}
    for row in rows:
        if row.exercise:
            per_exercise.setdefault((row.chapter, row.exercise), []).append(row.passed)
    if per_exercise:
        lines += ["", f"{'chapter':<24}  {'exercise':<20}  passed"]
        for (chapter, exercise), results in per_exercise.items():
            lines.append(f"{chapter:<24}  {exercise:<20}  {sum(results)} of {len(results)}")
    return "\n".join(lines)


def grade_folder(folder, timeout=TIMEOUT, memory=MEMORY, chapter=None, regrade=False, progress=True,
                 sandbox="auto", jobs=None):
    """Grade every notebook under `folder`; returns the rows (also in folder/grades.csv).
    `sandbox`: "auto" (bubblewrap where it works, else a loud warning), "require", "off", or a
    Sandbox found before (find_sandbox). `jobs`: notebooks graded at once, each in its own kernel
    (default: the number of cores); the rows are the same, in the same order, whatever it is."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"SUBMISSIONS must be a folder of notebooks, got {str(folder)!r}")
    if not isinstance(sandbox, Sandbox):
        sandbox = find_sandbox(sandbox, hide=[folder])
    if not (isinstance(timeout, (int, float)) and timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if not (isinstance(memory, int) and memory >= 0):
        raise ValueError(f"memory must be a number of bytes >= 0 (0: no limit), got {memory!r}")
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if not (isinstance(jobs, int) and jobs >= 1):
        raise ValueError(f"jobs must be a whole number of notebooks graded at once, at least 1, got {jobs!r}")
    chapters = read_chapters()
    if chapter is not None and chapter not in chapters:
        raise ValueError(f"chapter must be one of {sorted(chapters)}, got {chapter!r}")
    submissions = submissions_in(folder)          # read once: a kernel cannot change what is graded
    settings = {"timeout": timeout, "memory": memory, "chapter": chapter}
    old_rows, state = ([], {}) if regrade else read_grades(folder)
    fingerprints = {name: c.fingerprint for name, c in chapters.items()}
    done = {}
    for name, data in submissions:
        was = state.get(name, {})
        if (was.get("sha256") == hashlib.sha256(data).hexdigest() and was.get("settings") == settings
                and was.get("fingerprint") == fingerprints.get(was.get("chapter"))):
            mine = [r for r in old_rows if r.submission == name]
            if mine:
                done[name] = mine
    rows = {name: done[name] for name, _ in submissions if name in done}
    new_state = {name: state[name] for name in rows}
    todo = [(name, data) for name, data in submissions if name not in done]
    bar = None
    if progress and todo:
        from tqdm import tqdm
        bar = tqdm(total=len(todo), unit="notebook", file=sys.stderr, desc="grading")
    (folder / FEEDBACK).mkdir(exist_ok=True)
    from concurrent.futures import ThreadPoolExecutor
    # `jobs` kernels at once (threads: each waits on its own kernel); this thread alone writes, in
    # the submissions' order, after each notebook: an interrupted run loses no finished row
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="grade") as pool:
        futures = [(name, data, pool.submit(submission.grade_one, name, data, chapters, sandbox, timeout, memory, chapter))
                   for name, data in todo]
        try:
            for name, data, future in futures:
                chapter_name, mine = future.result()
                rows[name] = mine
                new_state[name] = {"sha256": hashlib.sha256(data).hexdigest(), "settings": settings,
                                   "chapter": chapter_name, "fingerprint": fingerprints.get(chapter_name)}
                ordered = [row for n, _ in submissions if n in rows for row in rows[n]]
                write_atomically(folder / GRADES, grades_csv(ordered))
                write_atomically(folder / STATE, json.dumps(new_state, indent=1))
                write_atomically(feedback_path(folder, name), feedback_text(name, mine))
                if bar is not None:
                    bar.set_postfix_str(name[-40:])
                    bar.update()
        except BaseException:   # Ctrl-C: no new notebook starts; those running finish their limits
            for _, _, future in futures:
                future.cancel()
            raise
    if bar is not None:
        bar.close()
    ordered = [row for n, _ in submissions if n in rows for row in rows[n]]
    write_atomically(folder / GRADES, grades_csv(ordered))   # also when nothing was new
    write_atomically(folder / STATE, json.dumps(new_state, indent=1))
    return ordered
