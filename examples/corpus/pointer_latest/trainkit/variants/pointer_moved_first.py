"""The pointer moves to the new checkpoint before the checkpoint is written.

Written in place, first, "so that a crash resumes from the new step": when
the save then fails (a full disk at the fsync or the rename), the pointer
names a checkpoint that does not exist, and the run cannot resume at all.
"""

from ..checkpointing import *  # noqa: F401,F403
from ..checkpointing import POINTER_NAME, Checkpointer as _Checkpointer
from ..checkpointing import pickle, write_atomically

BREAKS = ("F1", "S1")


class Checkpointer(_Checkpointer):
    def save(self, state, step):
        path = self.path_for(step)
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / POINTER_NAME).write_text(f"{path.name}\n", encoding="utf-8")
        write_atomically(
            path, pickle.dumps(dict(state), protocol=pickle.HIGHEST_PROTOCOL)
        )
        return path
