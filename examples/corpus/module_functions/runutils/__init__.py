"""Utilities of a training run: checkpoint files and the manager that keeps them."""
