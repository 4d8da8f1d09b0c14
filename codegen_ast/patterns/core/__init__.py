"""What every node gets: logging, health-check mode, lifecycle, routing, errors, metrics, health."""
