"""restore() loads the model's weights, then the optimizer's state, with no way back.

When the optimizer part is broken, the run is left half restored: the new
weights with the old optimizer state.
"""

from sample_trainer import manager

BREAKS = ("C9",)
FORMAT = "torch"


class CheckpointManager(manager.CheckpointManager):
    def restore(self, path, model, optimizer):
        state = self.load(path)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        return state
