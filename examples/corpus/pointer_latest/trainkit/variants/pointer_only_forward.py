"""The pointer only ever moves to a larger step.

A run restarted from an earlier checkpoint (to undo a divergence, say) saves
smaller steps again, but the pointer keeps naming the abandoned later one,
and the next restart resumes the run that was thrown away.
"""

from ..checkpointing import *  # noqa: F401,F403
from ..checkpointing import CHECKPOINT_NAME, Checkpointer as _Checkpointer

BREAKS = ("R5",)


class Checkpointer(_Checkpointer):
    def update_pointer(self, path):
        current = self.latest()
        if current is not None:
            step = int(CHECKPOINT_NAME.match(current.name).group(1))
            if step > int(CHECKPOINT_NAME.match(path.name).group(1)):
                return
        super().update_pointer(path)
