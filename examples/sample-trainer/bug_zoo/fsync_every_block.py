"""save() writes in 64 KiB blocks and fsyncs after each "so a crash loses one block".

A 64 MiB checkpoint costs a thousand fsyncs: the save crawls while the disk
idles, and a training step waits for it every time.
"""

import io
import os

from sample_trainer import manager

BREAKS = ("P1",)

BLOCK = 64 * 1024


class CheckpointManager(manager.CheckpointManager):
    def _dump(self, state, stream):
        buffer = io.BytesIO()
        super()._dump(state, buffer)
        view = buffer.getbuffer()
        for start in range(0, len(view), BLOCK):
            stream.write(view[start : start + BLOCK])
            stream.flush()
            os.fsync(stream.fileno())
