"""prune() sorts checkpoint names as strings, so step_9000 outlives step_10000.

The N "newest" it keeps are the last N names in string order: retention
deletes the newest checkpoints as soon as the step count gains a digit.
"""

from sample_trainer import manager

BREAKS = ("T1", "S1")


class CheckpointManager(manager.CheckpointManager):
    def prune(self):
        found = self.checkpoints()
        by_name = sorted(found.values(), key=lambda path: path.name)
        keep = set(by_name[-self.keep_last :])
        protected = self.resumed_from
        deleted = []
        for path in by_name:
            if path in keep or (protected is not None and path == protected):
                continue
            path.unlink()
            deleted.append(path)
        return deleted
