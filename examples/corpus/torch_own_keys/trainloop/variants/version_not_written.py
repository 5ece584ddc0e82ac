"""``save()`` writes the trainer's dict as it is: the format version is never added.

Every checkpoint it writes is refused by its own ``load()``.
"""

import os

import torch

from ..checkpointing import *  # noqa: F401,F403
from ..checkpointing import Checkpointer as _Checkpointer

BREAKS = ("R1", "R2", "R3", "R4", "R6", "R7", "R8", "R10", "R11", "R12", "R13", "C4", "C5", "C6", "C7", "V1", "S1")


class Checkpointer(_Checkpointer):
    def save(self, state, step):
        self.checkpoint_dir.mkdir(parents=True, exist_ok=True)
        path = self.path_for(step)
        temporary = path.with_name(f".{path.name}.tmp")
        torch.save(dict(state), temporary)
        os.replace(temporary, path)
        return path
