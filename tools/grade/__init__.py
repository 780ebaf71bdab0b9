"""The grader: grade a folder of students' notebooks with the book's own answer checks.

    python -m tools.grade FOLDER [--timeout 60] [--memory 3GB] [--chapter NAME] [--regrade]
                                 [--jobs N] [--sandbox auto|require|off]
    (make grade SUBMISSIONS=FOLDER [TIMEOUT=60] [MEMORY=3GB] [CHAPTER=NAME] [JOBS=N] [SANDBOX=...])

Every `.ipynb` under FOLDER is a student's copy of a chapter's student edition (`make student`).
Which chapter it is comes from the notebook (the metadata the student edition writes, else its
content), never from the file's name. For each self-checking exercise of that chapter the grader
writes one row of FOLDER/grades.csv (submission, chapter, exercise, passed, message), and one
feedback file per submission in FOLDER/feedback/; a table of results is printed at the end.

How a submission is graded:
- In a fresh kernel, in a new temporary directory (never the book's checkout, never FOLDER), the
  grader runs the chapter's set-up cells that the student's exercise code needs — taken from the
  book's own copy of the chapter, found by the names the code reads (the imports, a helper the
  chapter defines), never the training — then each exercise's cells as the student wrote them.
- The verdict comes from the same check the student calls, `check("<exercise>", answer)`, run
  in the grader's process: the answer it gets is a stand-in whose calls run the student's function
  in the kernel, with arguments sent and results returned as plain data (tools/grade_wire.py). The
  kernel never sees the checks, so patching them there changes nothing.
- Each exercise is graded on its own: an error or a time-out in one fails that one, with the
  message; a kernel that dies is started again and the others go on. Each kernel process may
  allocate MEMORY (beyond that, MemoryError); the kernel and what it starts are killed when together
  they hold more than MEMORY + 1 GiB.
- grades.csv is rewritten atomically after each submission. A second run grades only what is new
  or changed (a submission, the chapter, the checks or the limits); --regrade grades everything.

- Each kernel runs under bubblewrap where it is installed (kernel.py: no network, the book
  read-only, the submissions hidden, nothing outlives it); without it the grader says so loudly.
- Whatever happens while grading one notebook becomes that notebook's rows; the run goes on.
  JOBS notebooks are graded at once, each in a kernel of its own.

One job per module:
    reading.py     a submission's cells: which names a cell binds and reads (tools/cells.py), its
                   check calls, which chapter it is, where each exercise's answer is
    chapter.py     the book's chapters: exercises, set-up cells, what an exercise needs
    kernel.py      a student's kernel: the sandbox, the limits, running code with a time limit
    answers.py     what the kernel answers (read_reply, the wire) and the checks' verdict
    submission.py  one notebook, exercise by exercise, in its own kernel(s)
    folder.py      a folder: grades.csv, feedback, the state a re-run resumes from, JOBS
    cli.py         the command line (python -m tools.grade)
"""

from tools.grade.answers import Answer, Clock, Reply, UnreadableAnswer, _student_error, _sync, read_reply, verdict
from tools.grade.chapter import Chapter, Exercise, SetupCell, checks_fingerprint, read_chapter, read_chapters
from tools.grade.folder import (COLUMNS, FEEDBACK, GRADES, STATE, feedback_path, feedback_text, grade_folder,
                                grades_csv, read_grades, submissions_in, summary)
from tools.grade.kernel import (SANDBOX_MODES, Kernel, KernelDied, Outcome, Sandbox, SandboxError, TimedOut,
                                find_sandbox)
from tools.grade.reading import (EXERCISE_BLOCK, Found, besides_the_checks, check_calls, identify, locate, names,
                                 normalised, python_of, read_notebook)
from tools.grade.submission import Row, Submission, could_not_grade, grade_one
from tools.grade.cli import main, parse_memory

__all__ = ["Answer", "Chapter", "Clock", "COLUMNS", "EXERCISE_BLOCK", "Exercise", "FEEDBACK", "Found", "GRADES",
           "Kernel", "KernelDied", "Outcome", "Reply", "Row", "SANDBOX_MODES", "STATE", "Sandbox", "SandboxError",
           "SetupCell", "Submission", "TimedOut", "UnreadableAnswer", "_student_error", "_sync",
           "besides_the_checks", "check_calls", "checks_fingerprint", "could_not_grade", "feedback_path",
           "feedback_text", "find_sandbox", "grade_folder", "grade_one", "grades_csv", "identify", "locate",
           "main", "names", "normalised", "parse_memory", "python_of", "read_chapter", "read_chapters",
           "read_grades", "read_notebook", "read_reply", "submissions_in", "summary", "verdict"]
