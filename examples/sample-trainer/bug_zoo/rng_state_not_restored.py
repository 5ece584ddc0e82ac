"""restore_training() loads every object's state but leaves the global RNGs alone.

The RNG states are in the checkpoint, yet the resumed run draws other
batches and dropout masks than the uninterrupted run would have.
"""

from sample_trainer import manager

BREAKS = ("R8", "R11")
FORMAT = "torch"


class CheckpointManager(manager.CheckpointManager):
    @staticmethod
    def restore_training(state, model, optimizer, scheduler=None, scaler=None):
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        if scheduler is not None:
            scheduler.load_state_dict(state["scheduler"])
        if scaler is not None:
            scaler.load_state_dict(state["scaler"])
