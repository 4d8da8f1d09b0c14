"""The installed version of codegen-ast."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("codegen-ast")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
