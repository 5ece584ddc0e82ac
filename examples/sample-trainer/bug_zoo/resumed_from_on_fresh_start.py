"""A fresh start records the checkpoint folder as where the run resumed from."""

from sample_trainer import manager

BREAKS = ("R14", "S1")


class CheckpointManager(manager.CheckpointManager):
    def resume(self, source="latest"):
        state = super().resume(source)
        if state is None:
            self.resumed_from = self.directory
        return state
