"""``latest()`` is the last of ``sorted(glob("checkpoint-*.pt"))``.

As strings, ``checkpoint-9.pt`` sorts after ``checkpoint-10.pt``, and a folder
named like a checkpoint is taken for one.
"""

from ..checkpoint import *  # noqa: F401,F403
from ..checkpoint import TorchCheckpointer as _Checkpointer

BREAKS = ("R1", "R2", "R5", "R6", "R7", "R9", "R12", "R13", "S1")


class TorchCheckpointer(_Checkpointer):
    def latest(self):
        if not self.directory.is_dir():
            return None
        names = sorted(self.directory.glob("checkpoint-*.pt"))
        return names[-1] if names else None
