"""resume(path) ignores the path and always continues from the newest checkpoint."""

from sample_trainer import manager

BREAKS = ("R3", "R4", "R14", "T2", "X2", "S1")


class CheckpointManager(manager.CheckpointManager):
    def resume(self, source="latest"):
        if source is not None:
            source = "latest"
        return super().resume(source)
