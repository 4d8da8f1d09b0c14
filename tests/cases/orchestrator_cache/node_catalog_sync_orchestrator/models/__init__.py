"""Typed input and output models of NodeCatalogSyncOrchestrator."""

from .model_catalog_sync_input import ModelCatalogSyncInput
from .model_catalog_sync_output import ModelCatalogSyncOutput

__all__ = ["ModelCatalogSyncInput", "ModelCatalogSyncOutput"]
