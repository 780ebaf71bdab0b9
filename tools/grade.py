"""Grade a folder of students' notebooks with the book's own answer checks.

    python tools/grade.py FOLDER [--timeout 60] [--memory 3GB] [--chapter NAME] [--regrade]
    (make grade SUBMISSIONS=FOLDER [TIMEOUT=60] [MEMORY=3GB] [CHAPTER=NAME])

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

This is not a sandbox: a student's code runs as the user who runs the grader, with that user's
network and files. README.md ("Grading") says what that means and how to grade in a container.
"""
import argparse
import ast
import builtins
import csv
import hashlib
import io
import json
import os
import queue
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from nnbook.files import write_atomically
from tools import grade_wire
from tools.book import chapters as book_chapters
from tools.cells import BUILTINS, code_facts, python_source

ROOT = Path(__file__).resolve().parents[1]
WIRE_SOURCE = Path(grade_wire.__file__).read_text(encoding="utf-8")   # read once: a kernel cannot change it

GRADES = "grades.csv"
FEEDBACK = "feedback"
STATE = ".grades-state.json"     # what each row was graded from, so that a re-run can resume
COLUMNS = ("submission", "chapter", "exercise", "passed", "message")
TIMEOUT = 60                     # seconds per exercise (its cells and its check)
SETUP_FACTOR = 10                # a set-up cell (the book's code, not the student's) gets 10 x TIMEOUT
MEMORY = 3 * 2**30
KILL_GRACE = 5                   # seconds a kernel gets to stop after an interrupt
# Where an exercise's statement starts: the chapter's MyST block, or the heading "Exercise 4.1" that
# the reader's and the student edition (make_notebooks.py) write in its place.
EXERCISE_BLOCK = re.compile(r"^(?:[:`]{3,}\{exercise\}|#{1,6} Exercise\b)", re.M)
KERNEL_NAME = "nnbook-grader"
MAX_NOTEBOOK_BYTES = 100 * 2**20


# ---- reading code: which names a cell defines and reads ----------------------------------------

def python_of(source):
    """A cell's source as plain Python (IPython's %magics and !commands turned into calls)."""
    try:
        return python_source(source)
    except Exception:   # IPython could not read it either: the kernel will say why
        return source


def names(source):
    """(names a cell may bind at its top level, names it reads from the notebook's namespace),
    from the book's one cell analysis (tools/cells.py); builtins are not read from the notebook."""
    try:
        facts = code_facts(source, set())
    except (SyntaxError, ValueError, RecursionError, MemoryError):   # the kernel will say what is wrong
        return set(), set()
    return facts.binds, facts.reads - BUILTINS - {"get_ipython"}   # the kernel provides get_ipython


def _is_check(func):
    return (isinstance(func, ast.Name) and func.id == "check") or \
           (isinstance(func, ast.Attribute) and func.attr == "check")


CHECK_CALL = re.compile(r"""\bcheck\(\s*(["'])([^"'\n]+)\1\s*,\s*([A-Za-z_][\w.]*)\s*\)""")


def check_calls(source):
    """[(exercise key, the answer's source text, (first line, last line))] of the
    `check("<key>", answer)` calls in a cell, in order. Keys are opaque strings."""
    code = python_of(source)
    try:
        tree = ast.parse(code)
        calls = []
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _is_check(node.func)):
                continue
            arguments = dict(zip(("label", "answer"), node.args))
            arguments.update({k.arg: k.value for k in node.keywords if k.arg in ("label", "answer")})
            key, answer = arguments.get("label"), arguments.get("answer")
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and answer is not None:
                calls.append((node.lineno, node.col_offset, key.value,
                              ast.get_source_segment(code, answer), _statement_lines(tree, node)))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # a broken (or absurdly nested) cell can still name its check: read it with a pattern
        return [(m.group(2), m.group(3), None) for m in CHECK_CALL.finditer(source)]
    return [(key, answer, lines) for _, _, key, answer, lines in sorted(calls)]


def _statement_lines(tree, call):
    """The lines of the top-level statement that holds `call`."""
    for statement in tree.body:
        if statement.lineno <= call.lineno and call.end_lineno <= statement.end_lineno:
            return statement.lineno, statement.end_lineno
    return call.lineno, call.end_lineno


def besides_the_checks(source):
    """What a check cell holds besides its check calls and `from nnbook.exercises import check`:
    code a student wrote there, which runs as part of the exercise ('' when there is none)."""
    try:
        code = python_of(source)
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):   # the kernel will say what is wrong
        return "\n".join(line for line in source.splitlines()
                         if not CHECK_CALL.search(line) and "nnbook.exercises" not in line).strip()
    drop = set()
    for statement in tree.body:
        is_import = isinstance(statement, ast.ImportFrom) and statement.module == "nnbook.exercises"
        calls = [n for n in ast.walk(statement) if isinstance(n, ast.Call) and _is_check(n.func)]
        if is_import or calls:
            drop.update(range(statement.lineno, statement.end_lineno + 1))
    lines = code.splitlines()
    kept = [line for number, line in enumerate(lines, 1) if number not in drop]
    return "\n".join(kept).strip()


def normalised(source):
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


# ---- the book's chapters --------------------------------------------------------------------------

@dataclass
class SetupCell:
    position: int          # index in the chapter's cells
    source: str
    binds: set
    reads: set


@dataclass
class Exercise:
    key: str               # as the chapter's check call names it ("1.5", "ex-cross-entropy", ...)
    answer: str            # the check call's second argument, e.g. "neuron_forward"
    position: int          # index of the check cell in the chapter


@dataclass
class Chapter:
    name: str              # the notebook's stem, e.g. "01_neuron"
    title: str
    exercises: list
    setup: list            # every code cell that is neither a solution nor a check
    first: SetupCell       # the chapter's imports (always run)
    code: set              # the chapter's own code cells (normalised): not a student's
    fingerprint: str       # changes when the chapter or the checks change

    def needed(self, reads, before):
        """The set-up cells (positions) that provide `reads`, and what those read in turn."""
        wanted, todo = {self.first.position}, [(name, before) for name in reads]
        seen = set()
        while todo:
            name, limit = todo.pop()
            if (name, limit) in seen:
                continue
            seen.add((name, limit))
            providers = [cell for cell in self.setup if cell.position < limit and name in cell.binds]
            if providers:
                cell = providers[-1]
                if cell.position not in wanted:
                    wanted.add(cell.position)
                    todo += [(n, cell.position) for n in cell.reads]
        return wanted


def _tags(cell):
    return cell.metadata.get("tags", [])


def checks_fingerprint():
    """The checks' and the grader's code: grades made with other code are graded again."""
    import nnbook.exercises
    digest = hashlib.sha256()
    for path in [*sorted(Path(nnbook.exercises.__file__).parent.glob("*.py")), Path(__file__),
                 Path(grade_wire.__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_chapter(path):
    import nbformat
    nb = nbformat.read(path, as_version=4)
    exercises, setup, code = [], [], set()
    for position, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if "solution" in _tags(cell):
            continue
        calls = check_calls(cell.source)
        for key, answer, _ in calls:
            if key not in {e.key for e in exercises}:
                exercises.append(Exercise(key, answer, position))
        code.add(normalised(cell.source))
        if not calls:
            setup.append(SetupCell(position, cell.source, *names(cell.source)))
    first = next((cell for cell in setup if "remove-cell" not in _tags(nb.cells[cell.position])
                  and re.search(r"^\s*(import|from)\s", cell.source, re.M)), None)
    if first is None:
        raise ValueError(f"{path.name}: no code cell with the chapter's imports")
    title = next((m.group(1) for c in nb.cells if c.cell_type == "markdown"
                  for m in [re.search(r"^# (.+)$", c.source, re.M)] if m), path.stem)
    digest = hashlib.sha256(path.read_bytes() + checks_fingerprint().encode()).hexdigest()
    return Chapter(path.stem, title.strip(), exercises, setup, first, code, digest)


def read_chapters():
    return {chapter.name: chapter for chapter in map(read_chapter, book_chapters())}


# ---- the kernel -----------------------------------------------------------------------------------

class TimedOut(BaseException):
    """The time limit ran out (a BaseException: a check's `except Exception` must not catch it)."""


class KernelDied(BaseException):
    """The kernel died while running the student's code."""


@dataclass
class Outcome:
    status: str                    # "ok", "error", "timeout" or "died"
    error: str = ""                # "Name: message" of an error, why a kernel died
    payload: str = None            # what the grader's helper in the kernel sent back
    ename: str = ""


# Run by the kernel process before ipykernel starts: the memory limit (RLIMIT_DATA counts what a
# process allocates, not the shared libraries it maps: torch imports under it, a runaway list
# gets MemoryError), no core files. No braces here: jupyter_client formats the command line.
LAUNCHER = """
import sys
limit = int(sys.argv.pop(1))
try:
    import resource
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
except (ImportError, ValueError, OSError):
    pass
if sys.path and sys.path[0] == "":
    del sys.path[0]
import os
if os.getppid() == 1:   # in the sandbox's own PID namespace: it ends with the grader (--die-with-parent)
    os.environ.pop("JPY_PARENT_PID", None)
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""

INSTALL = """
def __nnbook_grader_install(source):
    import sys, types
    module = types.ModuleType("__nnbook_grader__")
    exec(compile(source, "<nnbook grader>", "exec"), module.__dict__)
    sys.modules["__nnbook_grader__"] = module
__nnbook_grader_install({source!r})
del __nnbook_grader_install
"""


# ---- the sandbox: bubblewrap ----------------------------------------------------------------------

SANDBOX_MODES = ("auto", "require", "off")
# Folders that may hold what a student must not read or change (other users' files, the grader's
# temporary files, sockets of system services): empty in the sandbox. What the kernel needs is bound
# again, read-only, on top: the book, the Python and its packages, the data.
HIDDEN = ("/tmp", "/var/tmp", "/run", "/var/run", "/home", "/root", "/mnt", "/media", "/srv", "/dev/shm")
KEPT_ENV = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONPATH", "NNBOOK_DATA",
            "OMP_NUM_THREADS", "MKL_NUM_THREADS", "VIRTUAL_ENV")


class SandboxError(RuntimeError):
    """SANDBOX=require, and bubblewrap cannot run here."""


@dataclass
class Sandbox:
    """How the student's kernels run: under bubblewrap (`bwrap` is its path), or not (`why`)."""
    bwrap: str = None
    why: str = ""
    hide: tuple = ()       # folders the kernel must not see (the submissions and the grades)

    @property
    def on(self):
        return self.bwrap is not None

    def announcement(self):
        if self.on:
            return "sandbox: each kernel runs under bubblewrap (no network, the book read-only, submissions hidden)"
        return ("WARNING: NOT SANDBOXED: " + self.why + ". Students' code runs as you, with your network "
                "and files (install bubblewrap: apt-get install bubblewrap; SANDBOX=require refuses to grade without it)")

    def read_only(self):
        """The folders the kernel reads: the book, Python and its packages, the data."""
        paths = [ROOT, Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).parent]
        paths += [Path(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        if os.environ.get("NNBOOK_DATA"):
            paths.append(Path(os.environ["NNBOOK_DATA"]))
        paths += [Path(p) for p in sys.path if p and Path(p).is_dir()]
        real = []
        for path in paths:   # a symlink cannot be bound onto itself: its target is
            path = path.resolve()
            if path.is_absolute() and str(path) not in real:
                real.append(str(path))
        return real

    def argv(self, command, writable):
        """`command` run under bubblewrap, with the `writable` folders bound read-write."""
        args = [self.bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/",
                "--dev", "/dev", "--proc", "/proc"]
        for path in HIDDEN:
            if os.path.isdir(path) and not os.path.islink(path):
                args += ["--tmpfs", path]
        for path in self.read_only():
            args += ["--ro-bind-try", path, path]
        for path in writable:
            args += ["--bind", str(path), str(path)]
        for path in self.hide:
            if not any(Path(kept) == Path(path) or Path(path) in Path(kept).parents
                       for kept in [str(ROOT), *map(str, writable)]):
                args += ["--tmpfs", str(path), "--remount-ro", str(path)]
        return args + ["--", *command]


def find_sandbox(mode="auto", hide=()):
    """The sandbox the kernels run in: bubblewrap where it is installed and works here."""
    if mode not in SANDBOX_MODES:
        raise ValueError(f"sandbox must be one of {', '.join(SANDBOX_MODES)}, got {mode!r}")
    hide = tuple(str(Path(h).resolve()) for h in hide)
    if mode == "off":
        return Sandbox(why="the sandbox was turned off (SANDBOX=off)", hide=hide)
    import subprocess
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        why = "bubblewrap (bwrap) is not installed"
    else:
        sandbox = Sandbox(bwrap, hide=hide)
        try:
            tried = subprocess.run(sandbox.argv([sys.executable, "-c", "pass"], []), capture_output=True,
                                   text=True, timeout=60)
            if tried.returncode == 0:
                return sandbox
            why = f"bubblewrap does not work here ({(tried.stderr.strip() or 'exit code %d' % tried.returncode)[:200]})"
        except (OSError, subprocess.SubprocessError) as error:
            why = f"bubblewrap does not work here ({error})"
    if mode == "require":
        raise SandboxError(f"SANDBOX=require: {why}")
    return Sandbox(why=why, hide=hide)


# ---- the kernel -------------------------------------------------------------------------------------

class Kernel:
    """A student's kernel: started in a new empty directory, sandboxed where it can be, watched,
    run with time limits."""

    def __init__(self, memory, sandbox=None):
        self.memory, self.sandbox = memory, sandbox or Sandbox(why="no sandbox asked for")
        self.km = self.kc = None
        self.workdir = self.base = None
        self.died_of = ""
        self._stop = threading.Event()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()

    def _spec(self, home, run):
        """A kernelspec of its own: Python with the memory limit, in the sandbox when there is one."""
        command = [sys.executable, "-c", LAUNCHER, str(int(self.memory or 0)), "-f", "{connection_file}"]
        if self.sandbox.on:
            command = self.sandbox.argv(command, [home, run])
        spec = self.base / "spec" / KERNEL_NAME
        spec.mkdir(parents=True)
        # in the sandbox, an interrupt is a message the kernel turns into SIGINT to itself (a signal
        # to the process group would stop bubblewrap, and the kernel with it)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": command, "display_name": "nnbook grader", "language": "python",
            "interrupt_mode": "message" if self.sandbox.on else "signal"}))
        return spec.parent

    def _env(self, home):
        if self.sandbox.on:   # only what the kernel needs: none of the grader's secrets
            env = {k: v for k, v in os.environ.items() if k in KEPT_ENV or
                   (k.startswith("NNBOOK_") and k != "NNBOOK_RESULTS_DIR")}
        else:
            env = {k: v for k, v in os.environ.items() if k != "NNBOOK_RESULTS_DIR"}
        env.update(NNBOOK_GRADER_KERNEL=self.token, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1",
                   HOME=str(home), IPYTHONDIR=str(home / ".ipython"), MPLCONFIGDIR=str(home / ".matplotlib"),
                   JUPYTER_CONFIG_DIR=str(home / ".jupyter"), TMPDIR=str(home))
        return env

    def start(self):
        from jupyter_client import KernelManager
        from jupyter_client.kernelspec import KernelSpecManager
        self.base = Path(tempfile.mkdtemp(prefix="nnbook-grade-"))
        self.workdir, run = self.base / "home", self.base / "run"
        self.workdir.mkdir()
        run.mkdir()
        self.token = secrets.token_hex(8)
        self.died_of = ""
        specs = self._spec(self.workdir, run)
        self.km = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(specs)]),
                                transport="ipc", ip=str(run / "kernel"), connection_file=str(run / "connection.json"))
        import subprocess
        self.km.start_kernel(cwd=str(self.workdir), env=self._env(self.workdir), stdout=subprocess.DEVNULL)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)
        self._stop = threading.Event()
        if self.memory:
            threading.Thread(target=self._watch, args=(self.km.provisioner.pid, self._stop),
                             daemon=True).start()
        installed = self.run(INSTALL.format(source=WIRE_SOURCE), 120)
        if installed.status != "ok":
            raise RuntimeError(f"the grader's helper did not load in the kernel: {installed.error}")

    def _watch(self, pid, stop):
        """Kill the kernel when it and the processes it started hold more than MEMORY + 1 GiB."""
        import psutil
        limit = self.memory + 2**30
        try:
            kernel = psutil.Process(pid)
        except psutil.Error:
            return
        while not stop.wait(0.2):
            try:
                processes = [kernel, *kernel.children(recursive=True)]
            except psutil.Error:
                return
            total = 0
            for process in processes:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    pass
            if total > limit:
                self.died_of = (f"its processes held {total / 2**30:.2f} GiB of memory, more than the "
                                f"limit of {limit / 2**30:.2f} GiB")
                for process in processes:
                    try:
                        process.kill()
                    except psutil.Error:
                        pass
                return

    def _why_dead(self):
        if self.died_of:
            return self.died_of
        process = getattr(self.km.provisioner, "process", None)
        code = process.poll() if process is not None else None
        if code is None:
            return "it stopped answering"
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else -code
            hint = " (the system's out-of-memory killer?)" if -code == signal.SIGKILL else ""
            return f"it was killed by signal {name}{hint}"
        return f"it exited with code {code} (os._exit, sys.exit in a thread, or a crash)"

    def run(self, code, timeout):
        """Run `code`; wait at most `timeout` seconds, then interrupt (and kill if it goes on)."""
        if not self.km.is_alive():
            return Outcome("died", self._why_dead())
        msg_id = self.kc.execute(code, store_history=False, allow_stdin=False, stop_on_error=False)
        deadline = time.monotonic() + max(timeout, 0.05)
        interrupted = None
        payload, error, ename = None, "", ""
        while True:
            now = time.monotonic()
            if interrupted is None and now > deadline:
                self.km.interrupt_kernel()
                interrupted = now
            if interrupted is not None and now > interrupted + KILL_GRACE:
                self.kill()
                return Outcome("timeout", "it did not stop when interrupted, so the kernel was restarted")
            try:
                message = self.kc.get_iopub_msg(timeout=0.1)
            except queue.Empty:
                if not self.km.is_alive():
                    return Outcome("died", self._why_dead())
                continue
            parent, kind, content = (message.get("parent_header"), message.get("msg_type"),
                                     message.get("content"))
            if not (isinstance(parent, dict) and parent.get("msg_id") == msg_id and isinstance(content, dict)):
                continue   # another request's, or not a message the grader can read
            data = content.get("data")
            if kind == "display_data" and isinstance(data, dict) and grade_wire.MIME in data:
                payload = data[grade_wire.MIME]    # any JSON: read_reply decides what it is
            elif kind == "error":
                ename = str(content.get("ename", ""))[:200]
                error = f"{ename}: {str(content.get('evalue', ''))[:1000]}".rstrip(": ")
            elif kind == "status" and content.get("execution_state") == "idle":
                break
        if interrupted is not None:
            return Outcome("timeout")
        if error:
            return Outcome("error", error, payload, ename)
        return Outcome("ok", payload=payload)

    def kill(self):
        try:
            self.km.shutdown_kernel(now=True)
        except Exception:
            pass

    def shutdown(self):
        self._stop.set()
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None:
            self.kill()
        _kill_leftovers(getattr(self, "token", None))
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)


def _kill_leftovers(token):
    """Processes a kernel started that left its process group (they still carry its token)."""
    if not token:
        return
    import psutil
    for process in psutil.process_iter():
        try:
            if process.pid != os.getpid() and process.environ().get("NNBOOK_GRADER_KERNEL") == token:
                process.kill()
        except psutil.Error:
            pass


# ---- a student's answer, seen from the grader -------------------------------------------------------

class UnreadableAnswer(BaseException):
    """What the kernel sent back is not in the grader's format (past a check's `except Exception`,
    like TimedOut: it is not the student's function that raised)."""


def _student_error(ename, message):
    """An exception like the one the student's code raised (same builtin type when there is one)."""
    cls = getattr(builtins, ename, None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        try:
            return cls(message)
        except Exception:
            pass
    name = re.sub(r"\W", "_", ename)[:100] or "Error"
    return type(name if not name[0].isdigit() else "_" + name, (Exception,), {})(message)


def _sync(original, after):
    """Make the grader's copy of an argument what the student's function left it (a check may
    test that the function does not change its inputs)."""
    import numpy as np
    if isinstance(original, np.ndarray) and isinstance(after, np.ndarray):
        if original.shape == after.shape and original.flags.writeable:
            np.copyto(original, after, casting="unsafe")
    elif isinstance(original, list) and isinstance(after, list):
        for a, b in zip(original, after):
            _sync(a, b)
        if len(original) != len(after):
            original[:] = after
    elif isinstance(original, dict) and isinstance(after, dict):
        for key in original:
            if key in after:
                _sync(original[key], after[key])


class Clock:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        return self.end - time.monotonic()


class Answer:
    """What a check receives for a student's function: calling it calls the function in the kernel."""

    def __init__(self, kernel, key, clock):
        self._kernel, self._key, self._clock = kernel, key, clock

    def __call__(self, *args, **kwargs):
        if self._clock.left() <= 0:
            raise TimedOut()
        arguments = grade_wire.encode((list(args), kwargs))
        code = f"__import__('sys').modules['__nnbook_grader__'].call({self._key!r}, {arguments!r})"
        reply = read_reply(self._kernel.run(code, self._clock.left()))
        if reply.raised:
            raise _student_error(*reply.raised)
        if not reply.has_returned:
            raise UnreadableAnswer("the kernel's answer to a call is not in the grader's format")
        after = reply.arguments
        if isinstance(after, tuple) and len(after) == 2:
            _sync(list(args), after[0])
            _sync(kwargs, after[1])
        return reply.returned


@dataclass
class Reply:
    """What the grader's helper in the kernel answered, decoded: exactly one of the three."""
    raised: tuple = None         # (exception type name, message): the student's code raised
    bound: str = None            # "callable" or "value": what the answer expression evaluated to
    returned: object = None      # the decoded value the function returned (or the value itself)
    has_returned: bool = False
    arguments: object = None     # the call's arguments as the function left them, decoded


def read_reply(outcome):
    """The helper's reply in an outcome, decoded; `TimedOut`/`KernelDied` when there is none
    because of the kernel, `UnreadableAnswer` for anything else that is not a reply in the
    grader's format. The one way a kernel's answer enters the grader: whatever the kernel sent
    (any type, any nesting, any size), nothing else escapes from here."""
    if outcome.status == "timeout":
        raise TimedOut(outcome.error)
    if outcome.status == "died":
        raise KernelDied(outcome.error)
    try:
        return _decode_reply(outcome.payload, outcome.error)
    except UnreadableAnswer:
        raise
    except grade_wire.WireError as error:
        raise UnreadableAnswer(f"the kernel sent something the grader cannot read: {error}") from None
    except Exception as error:   # RecursionError, MemoryError, TypeError, ... of a forged payload
        raise UnreadableAnswer("the kernel's answer is not in the grader's format "
                               f"({type(error).__name__})") from None


def _decode_reply(payload, error):
    if payload is None:
        raise UnreadableAnswer(f"the kernel gave no answer ({error or 'nothing sent'})")
    if not isinstance(payload, str) or len(payload) > grade_wire.MAX_BYTES:
        raise UnreadableAnswer("the kernel's answer is not in the grader's format")
    reply = json.loads(payload)
    if not isinstance(reply, dict) or len({"raised", "returned", "bound"} & set(reply)) != 1:
        raise UnreadableAnswer("the kernel's answer is not in the grader's format")
    if "raised" in reply:
        return Reply(raised=(str(reply["raised"])[:200], str(reply.get("message", ""))[:2000]))
    if "bound" in reply:
        if reply["bound"] not in ("callable", "value"):
            raise UnreadableAnswer("the kernel's answer is not in the grader's format")
        return Reply(bound=reply["bound"])
    try:
        returned = grade_wire.unpack(reply["returned"])
        arguments = grade_wire.unpack(reply["arguments"]) if "arguments" in reply else None
    except grade_wire.WireError as error:
        raise UnreadableAnswer(f"the function returned something the grader cannot read: {error}") from None
    return Reply(returned=returned, has_returned=True, arguments=arguments)


# ---- one submission -----------------------------------------------------------------------------------

@dataclass
class Row:
    submission: str
    chapter: str
    exercise: str
    passed: bool
    message: str

    def csv(self):
        return [self.submission, self.chapter, self.exercise, int(self.passed), self.message]


@dataclass
class Found:
    """Where an exercise is in a submission."""
    exercise: Exercise
    answer: str = None      # the answer expression of the submission's check call
    cells: list = field(default_factory=list)   # the student's code for it, in order
    missing: str = ""       # why it counts as not answered


def read_notebook(data):
    """The notebook in `data` (bytes), or a message saying why it is not one."""
    import nbformat
    if len(data) > MAX_NOTEBOOK_BYTES:
        return None, f"not graded: the file is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, "not graded: not a notebook (the file is not text)"
    try:
        with warnings.catch_warnings():   # a student's notebook may lack cell ids etc.: read it anyway
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
    except Exception as error:
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        return None, f"not graded: not a Jupyter notebook ({reason})"
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) and isinstance(c.get("source"), str)
                                              and c.get("cell_type") in ("code", "markdown", "raw")
                                              for c in cells):
        return None, "not graded: the file is JSON but its cells are not a notebook's"
    for cell in cells:
        cell.setdefault("metadata", {})
    return nb, ""


def identify(nb, chapters):
    """(chapter, note) for a notebook: the chapter its metadata names, else the one whose code it
    shares most (an edition without the metadata, or of a chapter since renamed); (None, why) if none."""
    meta = nb.get("metadata", {}).get("nnbook", {})
    said = meta.get("chapter") if isinstance(meta, dict) else None
    if isinstance(said, str) and said in chapters:
        return chapters[said], ""
    code = {normalised(c.source) for c in nb.cells if c.cell_type == "code"}
    calls = [call for c in nb.cells if c.cell_type == "code" for call in check_calls(c.source)]
    titles = {m.group(1).strip() for c in nb.cells if c.cell_type == "markdown"
              for m in [re.search(r"^# (.+)$", c.source, re.M)] if m}

    def score(chapter):
        keys = {e.key for e in chapter.exercises}
        answers = {e.answer for e in chapter.exercises}
        return (len(code & chapter.code) + 3 * sum(key in keys or answer in answers for key, answer, _ in calls)
                + 5 * (chapter.title in titles))
    best = max(chapters.values(), key=score, default=None)
    if best is None or score(best) < 3:
        return None, "not graded: not a notebook of one of this book's chapters"
    if isinstance(said, str):
        return best, (f"the notebook says it is chapter {said!r}, which this edition of the book does "
                      f"not have; graded as {best.name}, whose code it shares")
    return best, f"the notebook does not say which chapter it is (an older edition?); graded as {best.name}, whose code it shares"


def locate(nb, chapter):
    """Where each of the chapter's exercises is in the notebook: its check call, and the code the
    student wrote for it (the code cells between the exercise's statement and its check)."""
    cells = nb.cells
    calls = {i: check_calls(c.source) for i, c in enumerate(cells) if c.cell_type == "code"}
    checks = sorted(i for i, found in calls.items() if found)
    found = []
    for exercise in chapter.exercises:
        by_key = [(i, a) for i in checks for key, a, _ in calls[i] if key == exercise.key]
        by_answer = [(i, a) for i in checks for _, a, _ in calls[i] if a == exercise.answer]
        where = (by_key or by_answer or [None])[-1]
        if where is None:
            found.append(Found(exercise, missing=(
                f'not answered: the notebook has no check("{exercise.key}", …) cell (deleted or '
                "renamed?), so the exercise counts as not answered")))
            continue
        at, answer = where
        starts = [i for i in range(at) if (cells[i].cell_type == "markdown" and EXERCISE_BLOCK.search(cells[i].source))
                  or i in checks]
        start = starts[-1] if starts else -1
        mine = [c.source for c in cells[start + 1:at]
                if c.cell_type == "code" and normalised(c.source) not in chapter.code and c.source.strip()]
        extra = besides_the_checks(cells[at].source)
        found.append(Found(exercise, answer, mine + ([extra] if extra else [])))
    return found


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


def verdict(key, answer):
    """(passed, message) from the book's check of exercise `key`, run in this process."""
    from nnbook.exercises import check
    try:
        feedback = check(key, answer)
    except UnreadableAnswer as error:
        return False, str(error)
    except Exception as error:   # an answer the check did not expect, e.g. an inert stand-in
        return False, f"the check could not use this answer: {type(error).__name__}: {error}"
    return bool(feedback.correct), feedback.message


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


# ---- a folder --------------------------------------------------------------------------------------

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
        futures = [(name, data, pool.submit(grade_one, name, data, chapters, sandbox, timeout, memory, chapter))
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


def parse_memory(text):
    """'3GB', '1.5G', '512M', '0' (no limit) -> bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*", str(text), re.I)
    if not match:
        raise ValueError(f"memory must be a size such as 3GB or 512MB (0: no limit), got {text!r}")
    return int(float(match.group(1)) * 1024 ** " kmgt".index(match.group(2).lower() or " "))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="the folder of submitted notebooks (searched recursively)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT,
                        help=f"seconds per exercise and per set-up cell (default {TIMEOUT})")
    parser.add_argument("--memory", default="3GB", help="memory per kernel process, e.g. 3GB; 0 for no limit")
    parser.add_argument("--chapter", help="the assigned chapter (e.g. 05_mnist_mlp_vs_logreg): "
                                          "a notebook of another chapter gets one row saying so")
    parser.add_argument("--regrade", action="store_true", help="grade every notebook again")
    parser.add_argument("--jobs", type=int, default=None,
                        help="notebooks graded at once, each in its own kernel (default: the number of cores)")
    parser.add_argument("--sandbox", default="auto", choices=SANDBOX_MODES,
                        help="auto: bubblewrap where it works, else warn and grade unsandboxed; "
                             "require: refuse to grade without it; off: no sandbox")
    args = parser.parse_args(argv)
    try:
        sandbox = find_sandbox(args.sandbox, hide=[args.folder])
    except SandboxError as error:
        sys.exit(f"grade: {error}. Install bubblewrap (apt-get install bubblewrap), or grade with SANDBOX=auto")
    print(sandbox.announcement(), flush=True)            # the first line, loud when there is no sandbox
    try:
        rows = grade_folder(args.folder, args.timeout, parse_memory(args.memory), args.chapter, args.regrade,
                            sandbox=sandbox, jobs=args.jobs)
    except ValueError as error:
        parser.error(str(error))
    print(summary(rows) if rows else f"no notebooks (*.ipynb) in {args.folder}")
    print(f"\n{len(rows)} row{'s' * (len(rows) != 1)} in {Path(args.folder) / GRADES}; "
          f"feedback in {Path(args.folder) / FEEDBACK}/")
    print(sandbox.announcement())


if __name__ == "__main__":
    main()
