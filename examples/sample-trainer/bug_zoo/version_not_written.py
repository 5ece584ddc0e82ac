"""save() never records the format version; load() takes a file without one as current.

Nothing fails today; after the next format change, every checkpoint written
until then is read as the new format instead of being migrated.
"""

from sample_trainer import manager

BREAKS = ("V1", "S1")
ANSWERS = {
    "versionKey": "format_version",
    "currentVersion": "2",
    "previousVersion": "1",
    "renamedKeys": "weights->model",
    "addedKeys": "metadata",
}
KWARGS = {"version_key": '"format_version"', "current_version": "2"}


class CheckpointManager(manager.CheckpointManager):
    def _stamped(self, state):
        return state

    def _migrated(self, path, state):
        if self.version_key not in state:
            return state
        return super()._migrated(path, state)
