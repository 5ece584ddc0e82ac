"""Checkpoints for a training loop: save, find the newest, resume, publish.

Everything a careful implementation does, kept small enough to read in one
sitting:

- writes are atomic: the bytes go to a unique temporary file in the same
  directory, are flushed and fsynced, and only then renamed over the final
  name with ``os.replace``; a crash leaves the previous checkpoint intact;
- the newest checkpoint is the one with the largest step parsed from its
  name (``step_<n>.<ext>``), never the newest mtime or the last in string order;
- anything that is not exactly ``step_<digits>.<ext>`` and a regular file is
  ignored: temp files, backups, directories, notes;
- loading checks that the file holds a dict and raises ``CheckpointError``
  naming the path when it does not;
- resuming from an explicit path loads that file or raises
  ``FileNotFoundError``; resuming from ``None`` starts fresh;
- each of those choices is a keyword argument, so the sample can stand for
  a team that chose otherwise (see ``CheckpointManager.__init__``);
- ``resumed_from`` records the file a resume loaded, and ``None`` otherwise;
- concurrent writers may also share a lock file (``lock="filelock"`` or
  ``lock="own"``), held from the first byte written to the rename;
- under ``torch.distributed``, only rank 0 writes; ``save`` on another rank
  returns the path rank 0 writes.
"""

import json
import logging
import os
import pickle
import re
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

logger = logging.getLogger(__name__)

SUFFIXES = {"pickle": ".pkl", "json": ".json", "torch": ".pt"}


class CheckpointError(Exception):
    """A checkpoint file exists but cannot be read as a checkpoint."""


class CheckpointManager:
    """Saves and finds the checkpoints of one training run in one directory."""

    def __init__(
        self,
        directory,
        fmt="pickle",
        prefix="step_",
        *,
        newest_by="step",
        save_step_zero=True,
        on_duplicate="overwrite",
        resume_none="fresh",
        missing_path="raise",
        lock=None,
    ):
        """Manage the checkpoints in ``directory``.

        The keyword arguments choose among the policies a team may want
        (checkpoint-tests asks the same questions): which checkpoint is the
        newest (``"step"`` or ``"mtime"``), whether step 0 is saved, what a
        second save of a step does (``"overwrite"``, ``"skip"``, ``"raise"``),
        what ``resume(None)`` does (``"fresh"`` or ``"latest"``), and what
        resuming from a missing path does (``"raise"`` or ``"none"``), and
        which lock file concurrent writers share (``None``, ``"filelock"`` or
        ``"own"``).
        """
        if fmt not in SUFFIXES:
            raise ValueError(
                f"unknown format {fmt!r}; expected one of {sorted(SUFFIXES)}"
            )
        self.directory = Path(directory)
        self.fmt = fmt
        self.prefix = prefix
        self.suffix = SUFFIXES[fmt]
        self.newest_by = newest_by
        self.save_step_zero = save_step_zero
        self.on_duplicate = on_duplicate
        self.resume_none = resume_none
        self.missing_path = missing_path
        if lock not in (None, "filelock", "own"):
            raise ValueError(
                f"unknown lock {lock!r}; expected None, 'filelock' or 'own'"
            )
        self.lock = lock
        self.resumed_from = None
        self._name_pattern = re.compile(
            rf"^{re.escape(prefix)}(\d+){re.escape(self.suffix)}$"
        )

    # -- writing -----------------------------------------------------------

    def path_for(self, step):
        """The final path of the checkpoint for ``step``."""
        return self.directory / f"{self.prefix}{step}{self.suffix}"

    def save(self, state, step):
        """Write ``state`` as the checkpoint of ``step`` and return its path."""
        if not isinstance(state, dict):
            raise TypeError(
                f"a checkpoint state must be a dict, not {type(state).__name__}"
            )
        if not isinstance(step, int) or step < 0:
            raise ValueError(f"step must be a non-negative int, not {step!r}")
        if step == 0 and not self.save_step_zero:
            return None
        final = self.path_for(step)
        if not self._writes_on_this_rank():
            return final
        if final.exists() and self.on_duplicate != "overwrite":
            if self.on_duplicate == "raise":
                raise FileExistsError(f"a checkpoint for step {step} exists: {final}")
            if self._is_readable(final):
                return final
            logger.warning("replacing unreadable checkpoint %s", final)
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._locked():
            self._write_atomically(final, state)
        return final

    def _writes_on_this_rank(self):
        """Only rank 0 writes under ``torch.distributed``; every process otherwise."""
        return _rank() == 0

    def _locked(self):
        """The lock writers share, held while a checkpoint is written and renamed."""
        path = self.directory / ".checkpoints.lock"
        if self.lock == "filelock":
            import filelock

            return filelock.FileLock(str(path), timeout=60)
        if self.lock == "own":
            return _OwnLock(path)
        return nullcontext()

    def _is_readable(self, path):
        try:
            self.load(path)
        except (CheckpointError, OSError):
            return False
        return True

    def _write_atomically(self, final, state):
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{final.name}.", suffix=".tmp", dir=self.directory
        )
        try:
            with os.fdopen(handle, "wb") as stream:
                self._dump(state, stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp_name, final)
        except BaseException:
            try:
                os.unlink(temp_name)
            except FileNotFoundError:
                pass
            raise

    def _dump(self, state, stream):
        if self.fmt == "pickle":
            pickle.dump(state, stream, protocol=pickle.HIGHEST_PROTOCOL)
        elif self.fmt == "json":
            stream.write(json.dumps(state, allow_nan=True).encode("utf-8"))
        else:
            import torch

            torch.save(state, stream)

    # -- reading -----------------------------------------------------------

    def load(self, path):
        """Read the checkpoint at ``path`` and return its state dict."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no checkpoint at {path}")
        try:
            state = self._read(path)
        except Exception as error:
            raise CheckpointError(f"cannot read checkpoint {path}: {error}") from error
        if not isinstance(state, dict):
            raise CheckpointError(
                f"checkpoint {path} holds a {type(state).__name__}, not a dict"
            )
        return state

    def _read(self, path):
        if self.fmt == "pickle":
            with open(path, "rb") as stream:
                return pickle.load(stream)
        if self.fmt == "json":
            return json.loads(path.read_text(encoding="utf-8"))
        import torch

        return torch.load(path, map_location="cpu")

    def checkpoints(self):
        """``{step: path}`` of every complete checkpoint in the directory."""
        found = {}
        try:
            entries = list(os.scandir(self.directory))
        except FileNotFoundError:
            return found
        for entry in entries:
            match = self._name_pattern.match(entry.name)
            if match and entry.is_file():
                found[int(match.group(1))] = Path(entry.path)
        return found

    def latest(self):
        """Path of the newest checkpoint (largest step, or last modified), or None."""
        found = self.checkpoints()
        if not found:
            return None
        if self.newest_by == "mtime":
            return max(found.values(), key=lambda path: path.stat().st_mtime_ns)
        return found[max(found)]

    def resume(self, source="latest"):
        """Load ``"latest"``, an explicit path, or nothing (``None``).

        Returns the loaded state, or None when there is nothing to resume.
        """
        self.resumed_from = None
        if source is None:
            if self.resume_none != "latest":
                return None
            source = "latest"
        if source == "latest":
            path = self.latest()
            if path is None:
                return None
        else:
            path = Path(source)
            if not path.is_file():
                if self.missing_path == "none":
                    logger.warning("no checkpoint at %s; starting fresh", path)
                    return None
                raise FileNotFoundError(f"cannot resume: no checkpoint at {path}")
        state = self.load(path)
        self.resumed_from = path
        logger.info("resumed from %s", path)
        return state

    # -- publishing --------------------------------------------------------

    def publish(self, path, name, metadata=None, aliases=None):
        """Log the checkpoint at ``path`` as a W&B model artifact.

        Returns True when it was logged, False when there is no active run,
        the file is missing, or the tracker failed; training goes on either way.
        """
        try:
            import wandb
        except ImportError:
            logger.warning("wandb is not installed; not publishing %s", name)
            return False
        if wandb.run is None:
            return False
        path = Path(path)
        if not path.is_file():
            logger.warning("not publishing %s: no checkpoint at %s", name, path)
            return False
        try:
            artifact = wandb.Artifact(name, type="model", metadata=dict(metadata or {}))
            artifact.add_file(str(path))
            wandb.log_artifact(artifact, aliases=list(aliases or ["latest"]))
        except (
            Exception
        ) as error:  # noqa: BLE001 - a tracker outage must not stop training
            logger.warning("publishing %s failed: %s", name, error)
            return False
        return True


def _rank():
    """This process's rank under ``torch.distributed``, or 0 when it is not in use."""
    distributed = sys.modules.get("torch.distributed")
    if distributed is None or not distributed.is_available():
        return 0
    return distributed.get_rank() if distributed.is_initialized() else 0


class _OwnLock:
    """A lock file that exists only while held: created exclusively, removed on release."""

    def __init__(self, path, timeout=60.0):
        self.path = path
        self.timeout = timeout

    def __enter__(self):
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                return self
            except FileExistsError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.path} is still locked") from None
                time.sleep(0.001)  # another writer holds it: poll again

    def __exit__(self, *exc_info):
        os.unlink(self.path)
