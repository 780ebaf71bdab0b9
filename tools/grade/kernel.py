"""A student's kernel: started in the sandbox (bubblewrap) where it can be, with a memory limit,
watched, and run with a time limit."""
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tools import grade_wire

ROOT = Path(__file__).resolve().parents[2]
WIRE_SOURCE = Path(grade_wire.__file__).read_text(encoding="utf-8")   # read once: a kernel cannot change it
KILL_GRACE = 5                   # seconds a kernel gets to stop after an interrupt
KERNEL_NAME = "nnbook-grader"


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
        _kill_leftovers(getattr(self, "token", None), self.base)
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)


def _kill_leftovers(token, folder=None):
    """Processes a kernel started that left its process group: they still carry its token, or
    still work in its folder. (Without the sandbox, one that changed both escapes: the sandbox's
    PID namespace is what guarantees that nothing outlives the kernel.)"""
    if not token:
        return
    import psutil
    inside = str(folder) + os.sep if folder else None
    for process in psutil.process_iter():
        try:
            if process.pid == os.getpid():
                continue
            if process.environ().get("NNBOOK_GRADER_KERNEL") == token or \
                    (inside and (process.cwd() + os.sep).startswith(inside)):
                process.kill()
        except psutil.Error:
            pass
