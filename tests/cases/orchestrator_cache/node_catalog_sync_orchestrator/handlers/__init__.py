"""Operation handlers of NodeCatalogSyncOrchestrator."""

from .handler_lookup import HandlerLookup

__all__ = ["HandlerLookup"]
