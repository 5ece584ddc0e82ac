"""Checkpoints as PyTorch Lightning lays them out: per-step files and a rolling ``last.ckpt``.

Every save writes ``step=<n>.ckpt`` and then overwrites ``last.ckpt`` with
the same state, so a restart resumes from ``last.ckpt`` without listing the
folder, and the per-step files stay for evaluation and for going back.
``remove_old()`` keeps the ``keep`` newest per-step files (by step) and the
one a run resumed from; ``last.ckpt`` is never removed.

Each file goes to a temporary file in the same folder, is fsynced, and is
renamed into place: a crash leaves the previous ``last.ckpt`` whole.
"""

import contextlib
import os
import pickle
import re
import tempfile
from pathlib import Path

LAST_NAME = "last.ckpt"
STEP_NAME = re.compile(r"^step=(\d+)\.ckpt$")


def _write_atomically(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=".tmp-", suffix=".ckpt.part"
    )
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


class ModelCheckpoint:
    """The checkpoints of one run in ``dirpath``."""

    def __init__(self, dirpath, keep=None):
        self.dirpath = Path(dirpath)
        self.keep = keep
        self.resumed_from = None

    def step_path(self, step):
        return self.dirpath / f"step={step}.ckpt"

    def save_checkpoint(self, state, step):
        """Write ``step=<step>.ckpt``, then ``last.ckpt``; returns the per-step file."""
        data = pickle.dumps(dict(state), protocol=pickle.HIGHEST_PROTOCOL)
        path = self.step_path(step)
        _write_atomically(path, data)
        self._write_last(data)
        return path

    def _write_last(self, data):
        _write_atomically(self.dirpath / LAST_NAME, data)

    def last_checkpoint(self):
        """``last.ckpt`` when a save wrote it, else None."""
        path = self.dirpath / LAST_NAME
        return path if path.is_file() else None

    def load_checkpoint(self, path):
        with open(path, "rb") as stream:
            state = pickle.load(stream)
        if not isinstance(state, dict):
            raise ValueError(f"{path} does not hold a checkpoint dict")
        return state

    def resume(self, ckpt_path):
        """Resume from ``"latest"`` (``last.ckpt``), a given file, or nothing (None)."""
        if ckpt_path is None:
            self.resumed_from = None
            return None
        if ckpt_path == "latest":
            path = self.last_checkpoint()
            if path is None:
                self.resumed_from = None
                return None
        else:
            path = Path(ckpt_path)
            if not path.is_file():
                raise FileNotFoundError(f"checkpoint {path} does not exist")
        state = self.load_checkpoint(path)
        self.resumed_from = path
        return state

    def _steps(self):
        """The per-step checkpoint files on disk, by step."""
        found = {}
        if self.dirpath.is_dir():
            for path in self.dirpath.iterdir():
                match = STEP_NAME.match(path.name)
                if match and path.is_file():
                    found[int(match.group(1))] = path
        return found

    def remove_old(self):
        """Delete per-step files beyond the ``keep`` newest, except the one resumed from."""
        if self.keep is None:
            return
        steps = self._steps()
        for step in sorted(steps)[: -self.keep]:
            if steps[step] != self.resumed_from:
                steps[step].unlink()
