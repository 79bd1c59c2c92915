"""This process's id, kept current across ``fork()`` without asking the system at every message.

Python's ``os.getpid()`` is a system call each time; the webhook asked it five times a message (is
this a forked worker that must start its own threads?). Here the answer changes only when the
process forks.
"""

import os

pid = os.getpid()


def _forked() -> None:
    global pid
    pid = os.getpid()


os.register_at_fork(after_in_child=_forked)
