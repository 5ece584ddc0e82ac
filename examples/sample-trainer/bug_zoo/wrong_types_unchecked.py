"""load() checks that the required keys are there, not what they hold."""

from sample_trainer import manager

BREAKS = ("C6", "C8", "S1")
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
            if key not in state:
                raise manager.CheckpointError(f"checkpoint {path} has no {key!r}")
        return state
