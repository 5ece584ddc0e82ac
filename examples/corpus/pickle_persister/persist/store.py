"""Pickled training state, one ``state_<step>.pkl`` a save, behind one small class.

``save`` never raises: a trainer must not die because a checkpoint could not
be written, so it logs the error and returns ``(False, None)``; on success it
returns ``(True, path)``. ``latest_path`` is a property. A file that cannot
be unpickled, or does not hold a dict, is refused with a ``StoreError``
naming it.
"""

import logging
import os
import pickle
import re
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

STATE_FILE = re.compile(r"^state_(\d+)\.pkl$")


class StoreError(Exception):
    """A stored state that cannot be read back."""


class StateStore:
    """Saves and loads the training state of one experiment under ``root``."""

    def __init__(self, root):
        self.root = Path(root)

    def _path(self, step):
        return self.root / f"state_{step}.pkl"

    def save(self, state, step):
        """Pickle ``state`` for ``step``; ``(True, path)``, or ``(False, None)`` on failure."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.root, suffix=".partial")
            try:
                with os.fdopen(handle, "wb") as file:
                    pickle.dump(state, file, protocol=pickle.HIGHEST_PROTOCOL)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, self._path(step))
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as error:
            log.error("could not save the state of step %s: %s", step, error)
            return False, None
        return True, self._path(step)

    def load(self, path):
        """The dict pickled at ``path``."""
        path = Path(path)
        try:
            with open(path, "rb") as file:
                state = pickle.load(file)
        except FileNotFoundError:
            raise
        except Exception as error:
            raise StoreError(f"{path} cannot be unpickled: {error}") from error
        if not isinstance(state, dict):
            raise StoreError(f"{path} holds a {type(state).__name__}, not a dict")
        return state

    @property
    def latest_path(self):
        """The state file of the highest step, or None."""
        if not self.root.is_dir():
            return None
        steps = [
            int(match.group(1))
            for entry in self.root.iterdir()
            if (match := STATE_FILE.match(entry.name)) and entry.is_file()
        ]
        return self._path(max(steps)) if steps else None

    def resume(self, source="latest"):
        """The state of ``"latest"`` or of a path; None for a fresh start."""
        if source is None:
            return None
        path = self.latest_path if source == "latest" else Path(source)
        return None if path is None else self.load(path)
