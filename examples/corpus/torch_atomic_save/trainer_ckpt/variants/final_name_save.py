"""save() gives torch the final name: a kill or a full disk leaves a truncated step."""

import torch

from ..manager import *  # noqa: F401,F403
from ..manager import CheckpointManager as _Correct

BREAKS = ("K3", "K4", "F1")


class CheckpointManager(_Correct):
    def save(self, state, step):
        self.directory.mkdir(parents=True, exist_ok=True)
        final = self.path_for(step)
        torch.save(state, final)
        return final
