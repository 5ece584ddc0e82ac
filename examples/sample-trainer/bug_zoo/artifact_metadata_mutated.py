"""publish() adds its own keys to the caller's metadata dict in place.

``meta = metadata or {}`` then ``meta.update(...)``: the training loop's dict
grows a "format" key with every checkpoint it publishes.
"""

from sample_trainer import manager

BREAKS = ("A7", "S1")


class CheckpointManager(manager.CheckpointManager):
    def publish(self, path, name, metadata=None, aliases=None):
        meta = metadata or {}
        meta.update({"format": self.fmt})
        return super().publish(path, name, meta, aliases)
