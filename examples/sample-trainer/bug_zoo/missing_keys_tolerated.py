"""load() checks the type of each required key it finds, not that all are there.

A checkpoint without its optimizer state resumes with a fresh optimizer.
"""

from sample_trainer import manager

BREAKS = ("C5", "C8", "S1")
ANSWERS = {
    "categories": ["corruption", "stateful"],
    "requiredKeys": ["step", "model", "optimizer", "metadata"],
}
KWARGS = {"required_keys": '("step", "model", "optimizer", "metadata")'}


class CheckpointManager(manager.CheckpointManager):
    def _load_checked(self, path):
        required, self.required_keys = self.required_keys, ()
        try:
            state = super()._load_checked(path)
        finally:
            self.required_keys = required
        for key in required:
            if key in state and not isinstance(state[key], manager.REQUIRED_TYPES[key]):
                raise manager.CheckpointError(f"checkpoint {path}: {key!r} is wrong")
        return state
