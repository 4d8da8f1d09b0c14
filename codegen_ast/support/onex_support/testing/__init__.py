"""What the generated tests of a node package use: throwaway real servers, an HTTP
stand-in, the framework's in-memory bus and the fixtures that hand them over
(:mod:`onex_support.testing.fixtures`). Imported by tests only: it needs pytest."""
