"""A hand-written checkpoint test file shaped like the one the audit read.

The audit (shared/audit/test_model_manager_checkpoint_and_artifacts.audit.md)
lists 15 test functions of a ModelManager: three resume tests, six artifact
tests, four saving tests, a load-with-multiple test and a corrupted-data test,
with one test name used twice (the later silently replaces the earlier) and
one test asking for a fixture nobody defines (``mock_wandb_disabled``). This
file keeps that shape and those two flaws, adapted to the sample manager's
API, so the benchmark can run "what a careful team writes by hand" against
the same bug zoo as the generated suites.
"""

import pickle
import sys
from types import SimpleNamespace
from unittest import mock

import pytest

from sample_trainer.manager import CheckpointManager


def _state(step):
    return {"step": step, "model": {"w": [float(step)]}, "optimizer": {"lr": 0.1}}


class FakeArtifact:
    def __init__(self, name, type, metadata=None):
        self.name = name
        self.type = type
        self.metadata = metadata
        self.files = []

    def add_file(self, path):
        self.files.append(path)


@pytest.fixture
def manager(tmp_path):
    return CheckpointManager(tmp_path / "checkpoints")


@pytest.fixture
def mock_wandb():
    fake = SimpleNamespace(run=object(), Artifact=FakeArtifact, log_artifact=mock.Mock())
    with mock.patch.dict(sys.modules, {"wandb": fake}):
        yield fake


def test_handle_checkpoint_resume_latest_found(manager):
    manager.save(_state(1000), 1000)
    manager.save(_state(2000), 2000)
    state = manager.resume("latest")
    assert state == _state(2000)
    assert manager.resumed_from == manager.path_for(2000)


def test_handle_checkpoint_resume_not_found(manager):
    assert manager.resume("latest") is None
    assert manager.resumed_from is None


def test_handle_checkpoint_resume_explicit_path(manager):
    first = manager.save(_state(1000), 1000)
    manager.save(_state(2000), 2000)
    assert manager.resume(first) == _state(1000)


def test_create_model_artifact_success(manager, mock_wandb):
    path = manager.save(_state(1), 1)
    assert manager.publish(path, "model", metadata={"acc": 0.9}, aliases=["best"])
    artifact = mock_wandb.log_artifact.call_args.args[0]
    assert artifact.files == [str(path)]
    assert mock_wandb.log_artifact.call_args.kwargs["aliases"] == ["best"]


def test_create_model_artifact_wandb_inactive(manager, mock_wandb):
    mock_wandb.run = None
    path = manager.save(_state(1), 1)
    assert manager.publish(path, "model") is False
    mock_wandb.log_artifact.assert_not_called()


def test_create_model_artifact_file_missing(
    manager,
    tmp_path,
    mock_wandb_disabled,  # Use standardized W&B fixture
):
    assert manager.publish(tmp_path / "missing.pkl", "model") is False


def test_save_final_model_success(manager):
    path = manager.save(_state(5), 5)
    assert path.exists()


def test_save_final_checkpoint_success(manager):
    path = manager.save(_state(7), 7)
    assert manager.load(path) == _state(7)


def test_save_final_checkpoint_zero_timestep(manager):
    path = manager.save(_state(0), 0)
    assert path.exists()


def test_load_checkpoint_multiple_available(manager):
    for step in (100, 200, 300):
        manager.save(_state(step), step)
    assert manager.latest() == manager.path_for(300)


def test_load_checkpoint_specific_not_found(manager, tmp_path):
    with pytest.raises(FileNotFoundError):
        manager.resume(tmp_path / "nope.pkl")


def test_load_checkpoint_corrupted_data(manager):
    path = manager.save(_state(3), 3)
    broken = _state(3)
    del broken["model"]
    path.write_bytes(pickle.dumps(broken))
    assert "model" not in manager.load(path)


def test_save_checkpoint_directory_creation(tmp_path):
    nested = tmp_path / "a" / "b" / "c"
    path = CheckpointManager(nested).save(_state(1), 1)
    assert path.parent == nested


def test_create_model_artifact_with_metadata(manager):
    fake = SimpleNamespace(run=object(), Artifact=FakeArtifact, log_artifact=mock.Mock())
    sys.modules["wandb"] = fake
    try:
        path = manager.save(_state(1), 1)
        manager.publish(path, "model", metadata={"epoch": 3})
        assert fake.log_artifact.call_args.args[0].metadata == {"epoch": 3}
    finally:
        del sys.modules["wandb"]


def test_create_model_artifact_wandb_failure_handling(manager, monkeypatch):
    fake = SimpleNamespace(run=object(), Artifact=FakeArtifact)
    fake.log_artifact = mock.Mock(side_effect=Exception("api error"))
    monkeypatch.setitem(sys.modules, "wandb", fake)
    path = manager.save(_state(1), 1)
    assert manager.publish(path, "model") is False


def test_create_model_artifact_wandb_inactive(manager, monkeypatch):  # noqa: F811
    fake = mock.MagicMock()
    fake.run = None
    monkeypatch.setitem(sys.modules, "wandb", fake)
    assert manager.publish(manager.save(_state(1), 1), "model") is False
