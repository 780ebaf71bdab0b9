"""One submission: its exercises graded one by one in a kernel of its own; whatever goes wrong
becomes its own rows."""
from dataclasses import dataclass

from tools.grade.answers import Answer, Clock, UnreadableAnswer, read_reply, verdict
from tools.grade.kernel import Kernel, KernelDied, TimedOut
from tools.grade.reading import identify, locate, names, read_notebook

SETUP_FACTOR = 10                # a set-up cell (the book's code, not the student's) gets 10 x TIMEOUT


@dataclass
class Row:
    submission: str
    chapter: str
    exercise: str
    passed: bool
    message: str

    def csv(self):
        return [self.submission, self.chapter, self.exercise, int(self.passed), self.message]


class Submission:
    """One student's notebook in a kernel of its own; grades its exercises one at a time."""

    def __init__(self, chapter, sandbox, timeout, memory):
        self.chapter, self.sandbox, self.timeout, self.memory = chapter, sandbox, timeout, memory
        self.kernel = None
        self.ran_setup = set()
        self.replay = []         # (exercise key or None, code) that a restarted kernel runs again
        self.restarts = 0

    def grade(self, found):
        messages = {}
        try:
            if any(not item.missing for item in found):
                self._start()
            for item in found:
                if item.missing:
                    messages[item.exercise.key] = (False, item.missing)
                    continue
                if self.kernel is None or not self.kernel.km.is_alive():
                    if not self._restart(skip=None):
                        messages[item.exercise.key] = (False, "not graded: the kernel kept dying "
                                                       "while the earlier exercises' cells ran again")
                        continue
                messages[item.exercise.key] = self._exercise(item)
        finally:
            if self.kernel is not None:
                self.kernel.shutdown()
        return messages

    def _start(self):
        self.kernel = Kernel(self.memory, self.sandbox)
        self.kernel.start()

    def _restart(self, skip):
        """A new kernel with what ran before (minus the cells of exercise `skip`)."""
        self.restarts += 1
        if self.kernel is not None:
            self.kernel.shutdown()
        if self.restarts > len(self.chapter.exercises) + 1:
            self.kernel = None
            return False
        self.replay = [(key, code) for key, code in self.replay if key != skip]
        self._start()
        for key, code in self.replay:
            limit = self.timeout if key else SETUP_FACTOR * self.timeout
            if self.kernel.run(code, limit).status in ("died", "timeout"):
                return False
        return True

    def _exercise(self, item):
        """(passed, message) for one exercise; a kernel it kills is replaced for the next one."""
        try:
            result = self._run_exercise(item)
        except KernelDied as error:
            result = (False, f"the kernel died while running this exercise: {error}; "
                             "the other exercises were graded in a new kernel")
        except UnreadableAnswer as error:
            result = (False, str(error))
        except TimedOut:
            result = (False, f"time limit: this exercise's code and check ran longer than {self.timeout:g} s "
                             "(an endless loop?); the other exercises were graded")
        if self.kernel is not None and not self.kernel.km.is_alive():
            self._restart(skip=item.exercise.key)
        return result

    def _run_exercise(self, item):
        key = item.exercise.key
        reads = set()
        for code in item.cells:
            reads |= names(code)[1]
        reads |= names(item.answer)[1]
        for position in sorted(self.chapter.needed(reads, item.exercise.position) - self.ran_setup):
            cell = next(c for c in self.chapter.setup if c.position == position)
            outcome = self.kernel.run(cell.source, SETUP_FACTOR * self.timeout)
            if outcome.status != "ok":
                what = ("the chapter's imports" if cell is self.chapter.first else
                        f"the chapter's cell {position} (it defines {', '.join(sorted(cell.binds & reads)) or 'a name your code uses'})")
                problem = {"error": f"raised {outcome.error}",
                           "timeout": f"took longer than {SETUP_FACTOR * self.timeout:g} s",
                           "died": f"killed the kernel: {outcome.error}"}[outcome.status]
                if outcome.status != "ok" and not self.kernel.km.is_alive():
                    self._restart(skip=None)
                return False, f"not graded: {what}, needed before this exercise, {problem}"
            self.ran_setup.add(position)
            self.replay.append((None, cell.source))
        clock = Clock(self.timeout)
        for code in item.cells:
            outcome = self.kernel.run(code, clock.left())
            if outcome.status == "timeout":
                raise TimedOut()
            if outcome.status == "died":
                raise KernelDied(outcome.error)
            if outcome.status == "error":
                limit = (f" (the memory limit is {self.memory / 2**30:.1f} GiB)"
                         if outcome.ename == "MemoryError" and self.memory else "")
                return False, f"your code for this exercise raised {outcome.error}{limit}"
            self.replay.append((key, code))
        code = f"__import__('sys').modules['__nnbook_grader__'].bind({key!r}, {item.answer!r})"
        reply = read_reply(self.kernel.run(code, clock.left()))
        if reply.raised:
            return False, f"{item.answer} could not be evaluated: {reply.raised[0]}: {reply.raised[1]}"
        if reply.bound == "callable":
            answer = Answer(self.kernel, key, clock)
        elif reply.bound == "value":
            code = f"__import__('sys').modules['__nnbook_grader__'].value({key!r})"
            value = read_reply(self.kernel.run(code, clock.left()))
            if not value.has_returned:
                raise UnreadableAnswer("the kernel's answer is not in the grader's format (no value)")
            answer = value.returned
        else:
            raise UnreadableAnswer("the kernel's answer is not in the grader's format (nothing bound)")
        return verdict(key, answer)


def could_not_grade(error):
    """The message of a notebook (or exercise) the grader could not grade, and why."""
    if isinstance(error, (TimedOut, KernelDied, UnreadableAnswer)):
        why = f"{type(error).__name__}: {str(error)[:300]}".rstrip(": ")
    else:
        lines = str(error).strip().splitlines()
        why = f"{type(error).__name__}: {lines[-1][:300]}" if lines else type(error).__name__
    return f"not graded: the grader could not grade this notebook ({why}); the others were graded"


def grade_one(name, data, chapters, sandbox, timeout, memory, assigned=None):
    """(chapter name, rows) for one submission's bytes. Whatever happens while grading it — a
    malformed answer, an error in the grader's own reading of it, a kernel that will not start —
    becomes this submission's rows (not passed, saying why), never an end of the run."""
    chapter = None
    try:
        chapter_name, rows = _grade_one(name, data, chapters, sandbox, timeout, memory, assigned)
        return chapter_name, rows
    except (Exception, TimedOut, KernelDied, UnreadableAnswer) as error:
        message = could_not_grade(error)
        nb = None
        try:
            nb, _ = read_notebook(data)
            chapter = identify(nb, chapters)[0] if nb is not None else None
        except Exception:
            chapter = None
        if chapter is None or (assigned and chapter.name != assigned):
            return "", [Row(name, "", "", False, message)]
        return chapter.name, [Row(name, chapter.name, e.key, False, message) for e in chapter.exercises]


def _grade_one(name, data, chapters, sandbox, timeout, memory, assigned=None):
    nb, problem = read_notebook(data)
    if nb is None:
        return "", [Row(name, "", "", False, problem)]
    chapter, note = identify(nb, chapters)
    if chapter is None:
        return "", [Row(name, "", "", False, note)]
    if assigned and chapter.name != assigned:
        return chapter.name, [Row(name, chapter.name, "", False,
                                  f"not graded: this is the notebook of {chapter.name} "
                                  f"({chapter.title}), not of the assigned {assigned}")]
    found = locate(nb, chapter)
    messages = Submission(chapter, sandbox, timeout, memory).grade(found)
    rows = []
    for item in found:
        passed, message = messages[item.exercise.key]
        rows.append(Row(name, chapter.name, item.exercise.key, passed,
                        f"{message} [{note}]" if note else message))
    return chapter.name, rows
