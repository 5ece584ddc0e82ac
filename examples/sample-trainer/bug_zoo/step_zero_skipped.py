"""save() treats step 0 as "nothing trained yet" and writes nothing."""

from sample_trainer import manager

BREAKS = ("R9", "S1")


class CheckpointManager(manager.CheckpointManager):
    def save(self, state, step):
        if not step:
            return None
        return super().save(state, step)
