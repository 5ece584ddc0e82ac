"""A small reinforcement-learning package (the corpus entry agent_split)."""
