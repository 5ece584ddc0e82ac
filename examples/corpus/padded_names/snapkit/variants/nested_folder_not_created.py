"""save() creates the run's folder, but not the folders above it.

``mkdir(exist_ok=True)`` without ``parents=True``: a run whose checkpoint
folder sits in a directory nobody created yet (``runs/<date>/ckpt``) fails
on its first save with FileNotFoundError.
"""

import contextlib
import json
import os
import pickle
import tempfile

from ..snapshots import *  # noqa: F401,F403
from ..snapshots import POINTER_NAME
from ..snapshots import SnapshotManager as _SnapshotManager

BREAKS = ("R10", "F1", "S1")


def _write_in_folder(path, data):
    path.parent.mkdir(exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


class SnapshotManager(_SnapshotManager):
    def save(self, state, step):
        path = self.path_for(step)
        _write_in_folder(path, pickle.dumps({"step": step, "state": dict(state)}))
        pointer = json.dumps({"file": path.name, "step": step}).encode()
        _write_in_folder(self.root / POINTER_NAME, pointer)
