"""prune() keeps only the N newest, even the checkpoint the run resumed from goes."""

from sample_trainer import manager

BREAKS = ("T2", "S1")


class CheckpointManager(manager.CheckpointManager):
    def prune(self):
        resumed, self.resumed_from = self.resumed_from, None
        try:
            return super().prune()
        finally:
            self.resumed_from = resumed
