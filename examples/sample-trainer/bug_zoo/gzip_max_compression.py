"""save() gzips every checkpoint at level 9 "to save disk".

Weights barely compress, so the save spends seconds in the compressor for a
few percent of space, and every training step that checkpoints waits for it.
"""

import gzip
import pickle

from sample_trainer import manager

# C4: the suite's own plain-pickle files no longer load. C1, C8: pickle stops
# reading before gzip's trailer, so a checkpoint cut in its trailer loads.
BREAKS = ("P1", "C1", "C4", "C8", "S1")


class CheckpointManager(manager.CheckpointManager):
    def _dump(self, state, stream):
        if self.fmt != "pickle":
            return super()._dump(state, stream)
        with gzip.GzipFile(fileobj=stream, mode="wb", compresslevel=9) as packed:
            pickle.dump(state, packed, protocol=pickle.HIGHEST_PROTOCOL)

    def _read(self, path):
        if self.fmt != "pickle":
            return super()._read(path)
        with gzip.open(path, "rb") as packed:
            return pickle.load(packed)
