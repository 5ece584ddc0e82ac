"""save() proves each torch checkpoint in memory before writing it.

"So a bad checkpoint never reaches the disk": the state is deep-copied (so
training may go on), serialized into a BytesIO, loaded back and serialized
again for a byte-for-byte comparison, and only then written. The save reads
the whole state twice and holds it four more times at once: a large model
runs out of memory at its first checkpoint.
"""

import copy
import io

from sample_trainer import manager

# P1: the copies and the second round trip may also slow the save below the floor.
BREAKS = ("P2", "P1")
FORMAT = "torch"


class CheckpointManager(manager.CheckpointManager):
    def _dump(self, state, stream):
        if self.fmt != "torch":
            return super()._dump(state, stream)
        import torch

        snapshot = copy.deepcopy(state)
        first = io.BytesIO()
        torch.save(snapshot, first)
        data = first.getvalue()
        again = io.BytesIO()
        torch.save(torch.load(io.BytesIO(data), map_location="cpu"), again)
        if again.getvalue() != data:
            raise manager.CheckpointError("the checkpoint did not survive a round trip")
        stream.write(data)
