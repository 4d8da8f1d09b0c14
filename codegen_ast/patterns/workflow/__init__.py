"""An orchestrator's declared steps: timeouts, concurrency, compensation."""
