"""remove_old() reads a step from any digits in a ``*.ckpt`` name, and ``last.ckpt`` has none.

Counted as step 0, ``last.ckpt`` is the oldest checkpoint of all and the
first one deleted, so the next restart finds nothing to resume from.
"""

from ..ckpt_io import *  # noqa: F401,F403
from ..ckpt_io import ModelCheckpoint as _ModelCheckpoint

BREAKS = ("T3", "S1")


class ModelCheckpoint(_ModelCheckpoint):
    def remove_old(self):
        if self.keep is None:
            return
        files = sorted(
            self.dirpath.glob("*.ckpt"),
            key=lambda path: int("".join(filter(str.isdigit, path.stem)) or 0),
        )
        for path in files[: -self.keep]:
            if path != self.resumed_from:
                path.unlink()
