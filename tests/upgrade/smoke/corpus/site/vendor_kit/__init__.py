"""A vendor's toolkit for ONEX nodes (an installed package)."""
