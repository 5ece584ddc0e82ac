"""prune() deletes while N or more checkpoints remain, so it keeps N - 1."""

from sample_trainer import manager

BREAKS = ("T1", "T2", "T3", "T4", "S1")


class CheckpointManager(manager.CheckpointManager):
    def prune(self):
        found = self.checkpoints()
        steps = sorted(found)
        deleted = []
        while len(steps) >= self.keep_last:
            path = found[steps.pop(0)]
            if self.resumed_from is not None and path == self.resumed_from:
                continue
            path.unlink()
            deleted.append(path)
        return deleted
