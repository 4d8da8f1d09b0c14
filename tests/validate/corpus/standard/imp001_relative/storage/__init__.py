"""A package whose module imports a sibling that does not exist."""
