"""What a student's kernel answers, seen from the grader: the one decoder of its replies
(read_reply), a stand-in for the student's function, and the verdict of the book's check."""
import builtins
import json
import re
import time
from dataclasses import dataclass

from tools import grade_wire
from tools.grade.kernel import KernelDied, TimedOut


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
