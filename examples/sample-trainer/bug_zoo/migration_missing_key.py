"""The migration from version 1 renames "weights" to "model" but never adds "metadata".

Every old checkpoint loads; the run resumed from one fails much later, where
the trainer reads ``state["metadata"]``.
"""

from sample_trainer import manager

BREAKS = ("V2",)
ANSWERS = {
    "versionKey": "format_version",
    "currentVersion": "2",
    "previousVersion": "1",
    "renamedKeys": "weights->model",
    "addedKeys": "metadata",
}
KWARGS = {"version_key": '"format_version"', "current_version": "2"}


def upgrade_from_version_1(state):
    state = dict(state)
    state["model"] = state.pop("weights")
    return state


class CheckpointManager(manager.CheckpointManager):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, migrations={1: upgrade_from_version_1}, **kwargs)
