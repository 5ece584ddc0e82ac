"""An empty checkpoint file is taken as "nothing saved yet" and loads as None."""

from pathlib import Path

from sample_trainer import manager

BREAKS = ("C2", "C8", "S1")


class CheckpointManager(manager.CheckpointManager):
    def load(self, path):
        if Path(path).is_file() and Path(path).stat().st_size == 0:
            return None
        return super().load(path)
