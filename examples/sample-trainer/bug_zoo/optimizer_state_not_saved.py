"""training_state() saves the weights, the schedule and the RNGs, but not the optimizer.

A resumed run starts Adam from scratch: no moments, step count zero, so the
first updates after the resume are far larger than the uninterrupted run's.
"""

from sample_trainer import manager

BREAKS = ("R8", "R11")
FORMAT = "torch"


class CheckpointManager(manager.CheckpointManager):
    @staticmethod
    def training_state(model, optimizer, scheduler=None, scaler=None):
        state = manager.CheckpointManager.training_state(
            model, optimizer, scheduler, scaler
        )
        del state["optimizer"]
        return state

    @staticmethod
    def restore_training(state, model, optimizer, scheduler=None, scaler=None):
        # Nothing to load into the optimizer: it keeps its fresh state.
        state = {**state, "optimizer": optimizer.state_dict()}
        manager.CheckpointManager.restore_training(
            state, model, optimizer, scheduler, scaler
        )
