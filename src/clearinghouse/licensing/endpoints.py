"""The licensing feature's router (api/app.py loads it): each part of licensing adds its own."""

from __future__ import annotations

from fastapi import APIRouter

from clearinghouse.licensing.catalogue import endpoints as catalogue_endpoints
from clearinghouse.licensing.licenses import endpoints as license_endpoints
from clearinghouse.licensing.quotes import endpoints as quote_endpoints

router = APIRouter()
router.include_router(catalogue_endpoints.router)
router.include_router(quote_endpoints.router)
router.include_router(license_endpoints.router)
