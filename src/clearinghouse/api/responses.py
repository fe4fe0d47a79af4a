"""Documented error responses, so the OpenAPI contract lists every status a route can return."""

from __future__ import annotations

from typing import Any

from clearinghouse.api.errors import ErrorResponse

_TEXT = {
    400: "Bad request", 401: "No or invalid API key", 403: "Not allowed for this caller",
    404: "Not found", 408: "The request body did not arrive in time",
    409: "Conflicts with stored data", 410: "No longer available",
    412: "Stale version (someone else changed it)", 413: "Body too large",
    415: "Unsupported media type",
    422: "Invalid input; `details` names each offending field",
    428: "Version required (If-Match or `version`)",
    429: "Too many failed API-key attempts from this client or at this key; wait Retry-After seconds",
    500: "Unexpected error",
    503: "Busy or at capacity; retry after `Retry-After` seconds",
}
_HEADERS = {429: {"Retry-After": {"description": "Seconds to wait before presenting a key again",
                                  "schema": {"type": "integer"}}}}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorResponse, "description": _TEXT[code]}
            | ({"headers": _HEADERS[code]} if code in _HEADERS else {}) for code in codes}


# Every route can fail validation, hit an unexpected error, find the database busy or the server
# at capacity, or wait too long for a slow client's body; and every route checks a key that is
# sent (even where none is needed): 401 when bad, 429 when throttled.
BASE = errors(401, 408, 422, 429, 500, 503)
PUBLIC = BASE | errors(404)
AUTHED = BASE | errors(403, 404, 413)
WRITE = AUTHED | errors(409)
UPDATE = WRITE | errors(412, 428)
# Updates where the version is optional: a stale one is still refused, a missing one is not.
UPDATE_VERSION_OPTIONAL = WRITE | errors(412)
