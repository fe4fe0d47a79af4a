"""Which features bring pages. Each module named here has a `router` (from web.pages.page_router)
and its templates in the `templates/` folder beside it, found under the feature's prefix: the
last part of its package name (`clearinghouse.search.pages` -> `search/<name>.html`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SHELL_PREFIX = "shell"
# Order decides nothing but the order of routes; a feature's pages are added by adding a line.
PAGE_MODULES = (
    "clearinghouse.accounts.pages",
    "clearinghouse.search.pages",
    "clearinghouse.registry.pages",
    "clearinghouse.registry.holdings_pages",
    "clearinghouse.registry.import_pages",
    "clearinghouse.licensing.quotes.pages",
    "clearinghouse.licensing.quotes.preview_pages",
    "clearinghouse.licensing.quotes.inbox_pages",
    "clearinghouse.licensing.catalogue.pages",
    "clearinghouse.licensing.quotes.referral_pages",
    "clearinghouse.licensing.purchases.pages",
    "clearinghouse.licensing.licenses.pages",
    "clearinghouse.licensing.licenses.platform_pages",
    "clearinghouse.licensing.certificates.pages",
    "clearinghouse.licensing.delivery.pages",
    "clearinghouse.licensing.payments.pages",
    "clearinghouse.accounts.invitations.pages",
    "clearinghouse.accounts.keys.pages",
    "clearinghouse.console.pages",
    "clearinghouse.console.parties_pages",
    "clearinghouse.console.review_pages",
    "clearinghouse.console.catalogue_pages",
    "clearinghouse.usage.pages",
    "clearinghouse.royalties.outcome_pages",
    "clearinghouse.royalties.claims.pages",
    "clearinghouse.royalties.unlicensed.pages",
    "clearinghouse.royalties.earnings_pages",
    "clearinghouse.royalties.payouts_pages",
    "clearinghouse.analytics.deals.pages",
    "clearinghouse.analytics.metrics.pages",
    "clearinghouse.enforcement.pages",
    "clearinghouse.platforms.webhooks.pages",
    "clearinghouse.enforcement.notices.pages",
    "clearinghouse.identification.references.pages",
)


def prefix_of(module_name: str) -> str:
    return module_name.rsplit(".", 2)[-2]


def template_dirs() -> dict[str, Path]:
    """prefix -> templates folder, without importing the page modules (they import the shell)."""
    dirs = {SHELL_PREFIX: Path(__file__).parent / "templates"}
    for name in PAGE_MODULES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise RuntimeError(f"page module {name} not found")
        dirs[prefix_of(name)] = Path(spec.origin).parent / "templates"
    return dirs
