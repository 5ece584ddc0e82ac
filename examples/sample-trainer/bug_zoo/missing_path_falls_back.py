"""resume(path) with a missing path quietly resumes the newest checkpoint instead."""

import logging
from pathlib import Path

from sample_trainer import manager

BREAKS = ("R4", "S1")


class CheckpointManager(manager.CheckpointManager):
    def resume(self, source="latest"):
        if source not in (None, "latest") and not Path(source).is_file():
            logging.warning("no checkpoint at %s; resuming the newest instead", source)
            source = "latest"
        return super().resume(source)
