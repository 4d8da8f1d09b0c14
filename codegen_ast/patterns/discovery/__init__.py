"""The discovery feature: the node answers the framework's discovery requests."""
