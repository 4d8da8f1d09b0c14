"""Shared code of the tally nodes: a support package beside the node packages."""
