"""Snapshots of a training run, one file a step, named with the step zero-padded.

As many research codebases do, each save writes ``snapshot-<step:08d>.pkl``
(so that the names sort by step) and returns nothing; the step also lives
inside the file. A small JSON file beside them, ``latest.json``, names the
snapshot saved last, and is what resuming reads. Both are written to a
temporary file, fsynced and renamed into place, the pointer only once the
snapshot it names is complete.
"""

import contextlib
import json
import os
import pickle
import tempfile
from pathlib import Path

POINTER_NAME = "latest.json"


class SnapshotError(RuntimeError):
    """A snapshot file exists but cannot be read as one."""


def _write_atomically(path, data):
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


class SnapshotManager:
    """Takes snapshots of a run under ``root`` and finds the one taken last."""

    def __init__(self, root):
        self.root = Path(root)
        self.resumed_from = None

    def path_for(self, step):
        return self.root / f"snapshot-{step:08d}.pkl"

    def save(self, state, step):
        """Write a snapshot of ``state`` at ``step``; the pointer moves once it is complete."""
        # A run's folder may sit in folders nobody has created yet (runs/<date>/ckpt).
        self.root.mkdir(parents=True, exist_ok=True)
        self._write(state, step)

    def _write(self, state, step):
        path = self.path_for(step)
        payload = {"step": step, "state": dict(state)}
        _write_atomically(path, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
        pointer = json.dumps({"file": path.name, "step": step}).encode()
        _write_atomically(self.root / POINTER_NAME, pointer)

    def latest(self):
        """The snapshot the pointer names, or None before the first save."""
        try:
            pointer = json.loads((self.root / POINTER_NAME).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        path = self.root / pointer["file"]
        return path if path.is_file() else None

    def load(self, path):
        path = Path(path)
        with open(path, "rb") as stream:
            try:
                payload = pickle.load(stream)
            except (
                Exception
            ) as error:  # damaged bytes fail in many ways: MemoryError too
                raise SnapshotError(f"cannot read snapshot {path}: {error}") from error
        if not isinstance(payload, dict) or not isinstance(payload.get("state"), dict):
            raise SnapshotError(f"{path} does not hold a snapshot")
        return payload["state"]

    def resume(self, source):
        """Load ``"latest"``, a given snapshot, or nothing (``None``: a fresh start)."""
        self.resumed_from = None
        if source is None:
            return None
        path = self.latest() if source == "latest" else Path(source)
        if path is None:
            return None
        if not path.is_file():
            raise FileNotFoundError(f"no snapshot at {path}")
        state = self.load(path)
        self.resumed_from = path
        return state
