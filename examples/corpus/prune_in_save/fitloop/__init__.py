"""A training loop's checkpoint saver that prunes as it saves."""
