"""The orchestrator node package node_catalog_sync_orchestrator."""

from .models import ModelCatalogSyncInput, ModelCatalogSyncOutput
from .node import NodeCatalogSyncOrchestrator

__all__ = [
    "ModelCatalogSyncInput",
    "ModelCatalogSyncOutput",
    "NodeCatalogSyncOrchestrator",
]
