"""A small experiment runner's checkpoint store (the corpus entry pickle_persister)."""
