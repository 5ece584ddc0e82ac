"""latest() lists the folder and takes the last name, ignoring the pointer.

Sorted as strings, ``ckpt-9.pkl`` comes after ``ckpt-10.pkl``, anything named
``ckpt-*.pkl`` counts (a folder too, found even when nothing was saved), and
the checkpoint saved last is not necessarily the one picked.
"""

from ..checkpointing import *  # noqa: F401,F403
from ..checkpointing import Checkpointer as _Checkpointer

BREAKS = ("R2", "R5", "R7", "S1")


class Checkpointer(_Checkpointer):
    def latest(self):
        names = sorted(self.directory.glob("ckpt-*.pkl"))
        return names[-1] if names else None
