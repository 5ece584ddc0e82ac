"""publish() never sends the aliases.

``wandb.log_artifact(artifact)`` without ``aliases=`` (W&B then adds only
"latest"); on MLflow the aliases tag is never set. "best" is never found.
"""

from sample_trainer import manager

BREAKS = ("A1", "A7", "S1")


class CheckpointManager(manager.CheckpointManager):
    def _log_artifact(self, tracker, path, name, metadata, aliases):
        if self.tracker == "mlflow":
            tracker.log_artifact(str(path), artifact_path=name)
            tracker.log_dict(metadata, f"{name}/metadata.json")
            tracker.set_tag(f"{name}.type", self.artifact_type)
            return
        artifact = tracker.Artifact(name, type=self.artifact_type, metadata=metadata)
        artifact.add_file(str(path))
        tracker.log_artifact(artifact)
