"""Tests for ModelManager: checkpoint resume, saving and W&B model artifacts."""

import os
from unittest.mock import MagicMock, patch

import pytest
import torch

from model_manager import ModelManager


@pytest.fixture
def manager(temp_dir):
    """A ModelManager writing under a temporary directory."""
    config = MagicMock()
    config.checkpoint_dir = str(temp_dir / "checkpoints")
    config.model_dir = str(temp_dir / "models")
    config.device = "cpu"
    return ModelManager(config)


def write_checkpoint(directory, step, extra=None):
    """Write a checkpoint file the way ModelManager names them."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"checkpoint_{step}.pt")
    state = {"model": {"weight": torch.ones(2) * step}, "optimizer": {}, "step": step}
    if extra:
        state.update(extra)
    torch.save(state, path)
    return path


def test_handle_checkpoint_resume_latest_found(manager, mock_agent):
    """Resuming from "latest" loads the newest checkpoint into the agent."""
    directory = manager.config.checkpoint_dir
    write_checkpoint(directory, 100)
    write_checkpoint(directory, 200)
    newest = write_checkpoint(directory, 300)

    loaded = manager.handle_checkpoint_resume(mock_agent, "latest")

    assert loaded == newest
    assert mock_agent.model.load_state_dict.call_count == 1
    state = mock_agent.model.load_state_dict.call_args[0][0]
    assert torch.equal(state["weight"], torch.ones(2) * 300)


def test_handle_checkpoint_resume_not_found(manager, mock_agent):
    """Resuming with no checkpoint on disk starts fresh."""
    loaded = manager.handle_checkpoint_resume(mock_agent, "latest")

    assert loaded is None
    mock_agent.model.load_state_dict.assert_not_called()


def test_handle_checkpoint_resume_explicit_path(manager, mock_agent):
    """Resuming from an explicit path loads that file, even when newer ones exist."""
    directory = manager.config.checkpoint_dir
    chosen = write_checkpoint(directory, 100)
    write_checkpoint(directory, 500)

    loaded = manager.handle_checkpoint_resume(mock_agent, chosen)

    assert loaded == chosen
    state = mock_agent.model.load_state_dict.call_args[0][0]
    assert torch.equal(state["weight"], torch.ones(2) * 100)


@patch("model_manager.features")
@patch("model_manager.wandb")
def test_create_model_artifact_success(
    mock_wandb_module, mock_features, manager, temp_dir
):
    """A model file becomes one W&B artifact, logged once with its aliases."""
    mock_feature_spec = MagicMock(dimension=46)
    mock_features.FEATURE_SPECS = {"core46": mock_feature_spec}
    model_path = temp_dir / "model.pt"
    model_path.write_bytes(b"weights")
    artifact = mock_wandb_module.Artifact.return_value

    result = manager.create_model_artifact(
        str(model_path), "agent-model", aliases=["best"]
    )

    assert result is True
    mock_wandb_module.Artifact.assert_called_once()
    artifact.add_file.assert_called_once_with(str(model_path))
    mock_wandb_module.log_artifact.assert_called_once_with(artifact, aliases=["best"])


@patch("model_manager.features.FEATURE_SPECS")
@patch("model_manager.wandb")
def test_create_model_artifact_wandb_inactive(
    mock_wandb_module, mock_specs, manager, temp_dir
):
    """With no active W&B run, nothing is logged."""
    mock_specs.__getitem__.return_value = MagicMock(dimension=46)
    mock_wandb_module.run = None
    model_path = temp_dir / "model.pt"
    model_path.write_bytes(b"weights")

    result = manager.create_model_artifact(str(model_path), "agent-model")

    assert result is False
    mock_wandb_module.log_artifact.assert_not_called()


@patch("model_manager.features")
def test_create_model_artifact_file_missing(
    mock_features,
    manager,
    temp_dir,
    mock_wandb_disabled,  # Use standardized W&B fixture
):
    """A model file that does not exist is not uploaded."""
    mock_features.FEATURE_SPECS["core46"] = MagicMock(dimension=46)
    missing = temp_dir / "does_not_exist.pt"

    result = manager.create_model_artifact(str(missing), "agent-model")

    assert result is False
    mock_wandb_disabled.log_artifact.assert_not_called()


def test_save_final_model_success(manager, mock_agent):
    """The final model is saved under the model directory."""
    path = manager.save_final_model(mock_agent)

    assert os.path.exists(path)
    saved = torch.load(path)
    assert saved["weight"] == [1.0, 2.0]


def test_save_final_checkpoint_success(manager, mock_agent):
    """The final checkpoint holds the model, the optimizer and the step."""
    path = manager.save_final_checkpoint(mock_agent, timestep=5000)

    assert os.path.exists(path)
    saved = torch.load(path)
    assert saved["step"] == 5000
    assert saved["optimizer"] == {"lr": 0.001}


def test_save_final_checkpoint_zero_timestep(manager, mock_agent):
    """A checkpoint at step 0 is still written."""
    path = manager.save_final_checkpoint(mock_agent, timestep=0)

    assert os.path.exists(path)
    assert torch.load(path)["step"] == 0


def test_load_checkpoint_multiple_available(manager, mock_agent):
    """With several checkpoints, loading picks the newest."""
    directory = manager.config.checkpoint_dir
    for step in (1000, 2000, 3000):
        write_checkpoint(directory, step)

    step = manager.load_checkpoint(mock_agent)

    assert step == 3000


def test_load_checkpoint_specific_not_found(manager, mock_agent, temp_dir):
    """Loading a checkpoint path that does not exist raises."""
    missing = temp_dir / "checkpoints" / "checkpoint_42.pt"

    with pytest.raises(FileNotFoundError):
        manager.load_checkpoint(mock_agent, str(missing))


def test_load_checkpoint_corrupted_data(manager, mock_agent, temp_dir):
    """A checkpoint missing its model weights is refused."""
    directory = temp_dir / "checkpoints"
    directory.mkdir(parents=True)
    path = directory / "checkpoint_7.pt"
    torch.save({"optimizer": {}, "step": 7}, path)

    with pytest.raises(KeyError):
        manager.load_checkpoint(mock_agent, str(path))


def test_save_checkpoint_directory_creation(manager, mock_agent, temp_dir):
    """Saving into a nested directory that does not exist creates it."""
    nested = temp_dir / "runs" / "exp1" / "checkpoints"
    manager.config.checkpoint_dir = str(nested)

    path = manager.save_checkpoint(mock_agent, step=10)

    assert nested.is_dir()
    assert os.path.exists(path)


@patch("model_manager.features")
@patch("model_manager.wandb")
def test_create_model_artifact_with_metadata(
    mock_wandb_module, mock_features, manager, temp_dir
):
    """Metadata reaches the artifact unchanged."""
    mock_features.FEATURE_SPECS = {"core46": MagicMock(dimension=46)}
    model_path = temp_dir / "model.pt"
    model_path.write_bytes(b"weights")
    metadata = {"feature_set": "core46", "reward": 1.5}

    result = manager.create_model_artifact(
        str(model_path), "agent-model", metadata=metadata
    )

    assert result is True
    kwargs = mock_wandb_module.Artifact.call_args.kwargs
    assert kwargs["metadata"] == {"feature_set": "core46", "reward": 1.5}


@patch("model_manager.features")
@patch("model_manager.wandb")
def test_create_model_artifact_wandb_failure_handling(
    mock_wandb_module, mock_features, manager, temp_dir
):
    """An error from the W&B API is caught and reported as a failed upload."""
    mock_features.FEATURE_SPECS = {"core46": MagicMock(dimension=46)}
    model_path = temp_dir / "model.pt"
    model_path.write_bytes(b"weights")
    mock_wandb_module.log_artifact.side_effect = Exception("API error")

    result = manager.create_model_artifact(str(model_path), "agent-model")

    assert result is False


@patch("model_manager.wandb")
def test_create_model_artifact_wandb_inactive(mock_wandb_module, manager, temp_dir):
    """With W&B disabled in the config, no artifact is built."""
    manager.config.use_wandb = False
    model_path = temp_dir / "model.pt"
    model_path.write_bytes(b"weights")

    result = manager.create_model_artifact(str(model_path), "agent-model")

    assert result is False
    mock_wandb_module.Artifact.assert_not_called()
