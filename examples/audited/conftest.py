"""Fixtures the audited test file shares with the rest of its (imaginary) project."""

from unittest.mock import MagicMock

import pytest


@pytest.fixture
def temp_dir(tmp_path):
    """A scratch directory for checkpoints and model files."""
    return tmp_path


@pytest.fixture
def mock_wandb():
    """A stand-in for the wandb module with an active run."""
    wandb = MagicMock()
    wandb.run = MagicMock()
    return wandb


@pytest.fixture
def mock_agent():
    """A tiny agent whose state dicts are plain dicts."""
    agent = MagicMock()
    agent.model.state_dict.return_value = {"weight": [1.0, 2.0]}
    agent.optimizer.state_dict.return_value = {"lr": 0.001}
    return agent
