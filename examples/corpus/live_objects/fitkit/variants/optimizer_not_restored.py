"""``load()`` restores the model but leaves the optimizer as it was.

A resumed run keeps a fresh Adam: its moments start from zero again.
"""

from pathlib import Path

import torch

from ..checkpoints import *  # noqa: F401,F403
from ..checkpoints import CheckpointManager as _CheckpointManager

BREAKS = ("R1", "R2", "R3", "R6", "R7", "R10", "R12", "R13", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "F1", "F2", "S1")


class CheckpointManager(_CheckpointManager):
    def load(self, path):
        checkpoint = torch.load(Path(path), map_location="cpu")
        self.model.load_state_dict(checkpoint["model"])
        return checkpoint["step"]
