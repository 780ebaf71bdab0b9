# Copied into .venv/etc/ipython/ by `make install`: read by every kernel the venv starts
# (nbval, the book build, make bench, Jupyter). Those kernels talk to a client on this same
# machine over local TCP, and ipykernel warns about it at every start, burying real warnings
# in the logs. Drop exactly that message; every other warning still shows.
import logging


class _NoLocalTcpWarning(logging.Filter):
    def filter(self, record):
        return "running over TCP without encryption" not in record.getMessage()


logging.getLogger("IPKernelApp").addFilter(_NoLocalTcpWarning())
