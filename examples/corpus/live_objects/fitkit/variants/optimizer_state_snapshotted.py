"""The optimizer's state is taken once, when the manager is built, and saved ever after.

Every checkpoint holds the optimizer as it was at the start of the run.
"""

import copy

from ..checkpoints import *  # noqa: F401,F403
from ..checkpoints import CheckpointManager as _CheckpointManager

BREAKS = ("R1", "R2", "R3", "R6", "R7", "R10", "R12", "R13", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "F1", "F2", "S1")


class CheckpointManager(_CheckpointManager):
    def __init__(self, model, optimizer, save_dir):
        super().__init__(model, optimizer, save_dir)
        self.optimizer_state = copy.deepcopy(optimizer.state_dict())

    def save(self, step):
        real = self.optimizer.state_dict
        self.optimizer.state_dict = lambda: self.optimizer_state
        try:
            return super().save(step)
        finally:
            self.optimizer.state_dict = real
