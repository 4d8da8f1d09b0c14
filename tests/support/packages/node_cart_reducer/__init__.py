"""A hand-written reducer package in the declarative shape, on onex_support: the
tests run it on the framework's RuntimeLocal."""
