"""Cache-aside with a TTL for compute and reducer answers."""
