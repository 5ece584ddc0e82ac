"""save() skips a step whose file exists, so the first (or a truncated) file stays."""

from sample_trainer import manager

BREAKS = ("R13", "S1")


class CheckpointManager(manager.CheckpointManager):
    def save(self, state, step):
        final = self.path_for(step)
        if final.exists():
            return final
        return super().save(state, step)
