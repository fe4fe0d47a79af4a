"""Import every feature's tables so that metadata (migrations, tests) sees all of them."""

from __future__ import annotations

import importlib

FEATURE_TABLE_MODULES = (
    "clearinghouse.core.tables",
    "clearinghouse.registry.tables",
    "clearinghouse.search.tables",
    "clearinghouse.licensing.tables",
    "clearinghouse.licensing.catalogue.tables",
    "clearinghouse.licensing.licenses.tables",
    "clearinghouse.ledger.tables",
    "clearinghouse.platforms.tables",
    "clearinghouse.core.jobs.tables",
    "clearinghouse.accounts.tables",
    "clearinghouse.usage.tables",
    "clearinghouse.royalties.tables",
    "clearinghouse.royalties.claims.tables",
    "clearinghouse.royalties.unlicensed.tables",
    "clearinghouse.analytics.deals.tables",
    "clearinghouse.enforcement.tables",
    "clearinghouse.platforms.webhooks.tables",
    "clearinghouse.enforcement.notices.tables",
    "clearinghouse.identification.references.tables",
    "clearinghouse.identification.uploads.tables",
)


def load_all_models() -> None:
    for name in FEATURE_TABLE_MODULES:
        importlib.import_module(name)
