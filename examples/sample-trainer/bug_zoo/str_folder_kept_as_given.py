"""The folder is kept as given, so a ``str`` folder breaks ``folder / name``."""

from sample_trainer import manager

BREAKS = ("X2", "S1")


class CheckpointManager(manager.CheckpointManager):
    def __init__(self, directory, *args, **kwargs):
        super().__init__(directory, *args, **kwargs)
        self.directory = directory
