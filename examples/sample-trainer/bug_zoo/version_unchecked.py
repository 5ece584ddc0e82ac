"""load() removes the format version but never compares it with its own."""

from sample_trainer import manager

BREAKS = ("C7", "V3", "S1")
ANSWERS = {"versionKey": "format_version", "currentVersion": "3"}
KWARGS = {"version_key": '"format_version"', "current_version": "3"}


class CheckpointManager(manager.CheckpointManager):
    def _load_checked(self, path):
        version_key, self.version_key = self.version_key, None
        try:
            state = super()._load_checked(path)
        finally:
            self.version_key = version_key
        state.pop(version_key, None)
        return state
