"""save() pickles with protocol 0, the text protocol of Python 2's days.

Every byte of the weights is escaped as text: the file is several times
larger and the save crawls where the disk does not.
"""

import pickle

from sample_trainer import manager

BREAKS = ("P1", "P2")


class CheckpointManager(manager.CheckpointManager):
    def _dump(self, state, stream):
        if self.fmt != "pickle":
            return super()._dump(state, stream)
        pickle.dump(state, stream, protocol=0)
