"""restore_training() restores the optimizer (and so its current LR) but not the LR scheduler.

The scheduler restarts at epoch 0: the learning rate decays at the wrong
steps after a resume, though the first step after it looks right.
"""

from sample_trainer import manager

BREAKS = ("R8", "R11")
FORMAT = "torch"


class CheckpointManager(manager.CheckpointManager):
    @staticmethod
    def restore_training(state, model, optimizer, scheduler=None, scaler=None):
        manager.CheckpointManager.restore_training(
            state, model, optimizer, None, scaler
        )
