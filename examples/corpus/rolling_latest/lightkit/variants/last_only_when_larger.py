"""``last.ckpt`` is overwritten only by a larger step than the one it holds.

Meant to stop a stray evaluation save from replacing it, this keeps the
abandoned later state after a run restarts from an earlier step.
"""

from ..ckpt_io import *  # noqa: F401,F403
from ..ckpt_io import LAST_NAME, ModelCheckpoint as _ModelCheckpoint
from ..ckpt_io import _write_atomically, pickle

BREAKS = ("R5",)


class ModelCheckpoint(_ModelCheckpoint):
    def save_checkpoint(self, state, step):
        data = pickle.dumps(dict(state), protocol=pickle.HIGHEST_PROTOCOL)
        path = self.step_path(step)
        _write_atomically(path, data)
        last = self.dirpath / LAST_NAME
        if (
            not last.is_file()
            or pickle.loads(last.read_bytes()).get("step", -1) <= step
        ):
            _write_atomically(last, data)
        return path
