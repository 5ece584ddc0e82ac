"""Listing checkpoints crashes when the folder does not exist yet (a first run)."""

import os

from sample_trainer import manager

BREAKS = ("R2", "R14", "S1")


class CheckpointManager(manager.CheckpointManager):
    def checkpoints(self):
        found = {}
        for name in os.listdir(self.directory):
            match = self._name_pattern.match(name)
            if match and (self.directory / name).is_file():
                found[int(match.group(1))] = self.directory / name
        return found
