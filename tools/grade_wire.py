"""What passes between the grader and a student's kernel: plain data, never code.

The grader (tools/grade/) runs the book's answer checks in its own process. When a check calls
the student's function, the arguments travel to the kernel and the return value travels back in
this format: JSON, in which NumPy arrays are `.npy` bytes (base64) read with
`allow_pickle=False`, and anything that is not numbers, text or containers of them arrives as an
inert stand-in that only knows its type's name. So whatever a kernel sends, the grader gets data
to compare, never an object whose methods run the student's code in the grader.

The kernel runs this same file (its source is sent to each new kernel), so both sides encode and
decode alike. Only the standard library and NumPy are imported here: the kernel imports nothing
from the book's checkout for it.
"""
import base64
import io
import json
import math
import re

import numpy as np

MIME = "text/x-nnbook-grader"    # the display-data type a kernel answers with
MAX_BYTES = 64 * 2**20           # a larger answer is refused, not parsed
MAX_DEPTH = 20
NUMERIC_KINDS = "biufc"          # bool, int, unsigned, float, complex: the dtypes that travel


class WireError(ValueError):
    """A payload that is not in this format (or too large): the grader refuses it."""


def _npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _opaque(value):
    try:
        text = repr(value)[:300]
    except Exception:   # a student's __repr__ may raise
        text = "?"
    return {"opaque": type(value).__name__[:100], "repr": text}


def pack(value, depth=0):
    """`value` as JSON-ready data (the side that sends)."""
    if depth > MAX_DEPTH:
        return {"opaque": type(value).__name__[:100], "repr": "(nested too deeply)"}
    if isinstance(value, np.ndarray):
        return {"ndarray": _npy(value)} if value.dtype.kind in NUMERIC_KINDS else _opaque(value)
    if isinstance(value, np.generic):   # before float: np.float64 is a float
        return {"scalar": _npy(np.asarray(value))} if value.dtype.kind in NUMERIC_KINDS else _opaque(value)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else {"bigint": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if type(value).__module__.split(".")[0] == "torch" and hasattr(value, "detach"):   # a tensor
        try:
            array = value.detach().cpu()
            array = (array.float() if array.is_floating_point() and str(array.dtype) == "torch.bfloat16"
                     else array).numpy()
            return {"tensor": _npy(array)}
        except Exception:
            return _opaque(value)
    if isinstance(value, tuple):
        return {"tuple": [pack(item, depth + 1) for item in value]}
    if isinstance(value, list):
        return [pack(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {"dict": [[pack(k, depth + 1), pack(v, depth + 1)] for k, v in value.items()]}
    return _opaque(value)


def encode(value):
    return json.dumps(pack(value))


def _array(text):
    try:
        array = np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    except Exception as error:
        raise WireError(f"an array that does not load: {error}") from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in NUMERIC_KINDS:
        raise WireError("an array that is not numbers")
    return array


def _stand_in(type_name, text):
    """An object that knows only its type's name and its repr: what a check sees of anything else."""
    name = re.sub(r"\W", "_", str(type_name))[:100] or "object"
    if name[0].isdigit():
        name = "_" + name
    return type(name, (), {"__repr__": lambda self: str(text)[:300], "__module__": "student"})()


def unpack(data, depth=0):
    """The value JSON-ready `data` stands for (the side that receives); `WireError` if malformed."""
    if depth > MAX_DEPTH + 1:
        raise WireError("nested too deeply")
    if data is None or isinstance(data, (bool, str, int, float)):
        return data
    if isinstance(data, list):
        return [unpack(item, depth + 1) for item in data]
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise WireError(f"an unexpected {type(data).__name__}")
    (kind, body), = list(data.items())[:1]
    if kind == "ndarray" and isinstance(body, str):
        return _array(body)
    if kind == "scalar" and isinstance(body, str):
        array = _array(body)
        if array.shape != ():
            raise WireError("a scalar that is not 0-dimensional")
        return array[()]
    if kind == "tensor" and isinstance(body, str):
        array = _array(body)
        try:
            import torch
        except ImportError:   # pragma: no cover - the book always has torch
            return array
        return torch.from_numpy(array.copy())
    if kind == "bigint" and isinstance(body, str) and re.fullmatch(r"-?\d{1,4300}", body):
        return int(body)
    if kind == "float" and body in ("nan", "inf", "-inf"):
        return float(body)
    if kind == "tuple" and isinstance(body, list):
        return tuple(unpack(item, depth + 1) for item in body)
    if kind == "dict" and isinstance(body, list):
        out = {}
        for pair in body:
            if not isinstance(pair, list) or len(pair) != 2:
                raise WireError("a dict entry that is not a pair")
            key = unpack(pair[0], depth + 1)
            try:
                out[key] = unpack(pair[1], depth + 1)
            except TypeError:
                raise WireError("a dict key that cannot be a key") from None
        return out
    if kind == "opaque" and isinstance(body, str) and set(data) == {"opaque", "repr"}:
        return _stand_in(body, data["repr"])
    raise WireError(f"an unknown entry {kind!r}")


def decode(text):
    if len(text) > MAX_BYTES:
        raise WireError(f"the answer is larger than {MAX_BYTES // 2**20} MB")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise WireError(f"not JSON: {error}") from None
    return unpack(data)


# ---- run inside the student's kernel ----------------------------------------------------------
# The grader sends this file's source to each new kernel and calls bind() and call() there. They
# are the kernel's side only: a student's code can replace them, and so forge what its own
# function returns, which is no more than writing a function that returns it. The verdict is
# computed in the grader, on the decoded data, by checks the kernel never sees.

_answers = {}


def _publish(reply):
    from IPython.display import publish_display_data
    publish_display_data({MIME: json.dumps(reply)})


def bind(key, expression):
    """Evaluate the student's answer `expression` (the check call's second argument) once."""
    from IPython import get_ipython
    try:
        _answers[key] = eval(expression, get_ipython().user_ns)
    except (Exception, SystemExit) as error:
        _publish({"raised": type(error).__name__, "message": str(error)[:2000]})
        return
    _publish({"bound": "callable" if callable(_answers[key]) else "value"})


def value(key):
    """Send the answer itself (for a check that takes a value, not a function)."""
    _publish({"returned": pack(_answers[key])})


def call(key, arguments):
    """Call the student's answer with the arguments the grader sent; send what it returns, and
    the arguments as they are afterwards (a check may test that the function left them alone)."""
    args, kwargs = unpack(json.loads(arguments))
    try:
        result = _answers[key](*args, **kwargs)
    except (Exception, SystemExit) as error:   # KeyboardInterrupt (the time limit) goes through
        _publish({"raised": type(error).__name__, "message": str(error)[:2000]})
        return
    _publish({"returned": pack(result), "arguments": pack((args, kwargs))})
