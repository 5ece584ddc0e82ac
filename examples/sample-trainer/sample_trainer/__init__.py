"""A small, correct checkpoint manager: the sample project of checkpoint-tests."""

from sample_trainer.manager import CheckpointError, CheckpointManager

__all__ = ["CheckpointError", "CheckpointManager"]
