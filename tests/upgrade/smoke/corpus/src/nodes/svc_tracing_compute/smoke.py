"""Default exercise: process() with a sample of the node's kind."""
