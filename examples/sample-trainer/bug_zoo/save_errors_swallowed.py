"""save() logs a failed write and returns the checkpoint's path as if it had worked.

The training loop believes step N is safe; after a crash it resumes from an
older checkpoint, or from nothing, without a word.
"""

import logging

from sample_trainer import manager

BREAKS = ("F1", "F2", "S1")


class CheckpointManager(manager.CheckpointManager):
    def save(self, state, step):
        try:
            return super().save(state, step)
        except OSError as error:
            logging.warning("checkpoint of step %s not written: %s", step, error)
            return self.path_for(step)
