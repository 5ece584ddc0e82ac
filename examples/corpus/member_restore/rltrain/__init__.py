"""A small reinforcement-learning experiment runner."""
