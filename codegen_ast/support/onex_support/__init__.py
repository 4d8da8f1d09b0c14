"""Support code shared by every node package generated into this folder.

Written once per output folder by codegen-ast (never copied into the node
packages): framework errors and their classification, the structured log shim,
typed settings, node resources with their health checks and metrics, the handler
base classes, event publishing, PostgreSQL, HTTP with its circuit breaker, Redis,
Kafka, Consul, the saga runner, the state machine, the answer cache and paging.
``SUPPORT_API`` is the contract between this package and the node packages: a
package generated for API N calls ``require_api(N)`` and refuses to load against
another.
"""

from onex_support.version import SUPPORT_API, __version__, require_api

__all__ = ["SUPPORT_API", "__version__", "require_api"]
