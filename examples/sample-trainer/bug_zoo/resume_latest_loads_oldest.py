"""resume("latest") takes the first checkpoint in step order: the oldest one."""

from sample_trainer import manager

BREAKS = ("R1", "R14", "T2", "S1")


class CheckpointManager(manager.CheckpointManager):
    def resume(self, source="latest"):
        if source == "latest":
            found = self.checkpoints()
            if found:
                source = found[min(found)]
        return super().resume(source)
