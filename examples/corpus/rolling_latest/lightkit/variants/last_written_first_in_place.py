"""``last.ckpt`` is written first, straight over the old one.

"The file a restart reads goes first": but written in place, a disk that
fills up half-way leaves a truncated ``last.ckpt``, the previous one is gone,
and the next restart cannot resume although every per-step file is fine.
"""

from ..ckpt_io import *  # noqa: F401,F403
from ..ckpt_io import LAST_NAME, ModelCheckpoint as _ModelCheckpoint
from ..ckpt_io import _write_atomically, pickle

BREAKS = ("K3", "K4", "F1", "S1")


class ModelCheckpoint(_ModelCheckpoint):
    def save_checkpoint(self, state, step):
        data = pickle.dumps(dict(state), protocol=pickle.HIGHEST_PROTOCOL)
        self.dirpath.mkdir(parents=True, exist_ok=True)
        with open(self.dirpath / LAST_NAME, "wb") as stream:
            stream.write(data)
        path = self.step_path(step)
        _write_atomically(path, data)
        return path
