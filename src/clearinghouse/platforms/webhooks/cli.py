"""`clearinghouse webhooks …`: send what is due, read dead letters, redeliver one."""

from __future__ import annotations

from typing import Annotated

import typer

from clearinghouse.cli.context import (
    database,
    emit_json,
    emit_record,
    emit_table,
    local_operator,
    session_factories,
)
from clearinghouse.cli.inputs import JsonOpt
from clearinghouse.core.clock import utcnow
from clearinghouse.core.settings import get_settings
from clearinghouse.platforms.webhooks import deliverer, service
from clearinghouse.platforms.webhooks.schemas import delivery_out
from clearinghouse.platforms.webhooks.secret_box import SecretBox

webhooks_app = typer.Typer(help="Signed webhooks to platforms: deliver, dead letters, redeliver.",
                           no_args_is_help=True)
COLUMNS = ["id", "event", "party_id", "url", "status", "attempts", "last_error", "created_at"]


@webhooks_app.command("deliver")
def deliver(limit: Annotated[int, typer.Option(min=1, max=10_000,
                                               help="Send at most this many")] = 100,
            as_json: JsonOpt = False) -> None:
    """Send every delivery that is due (run it from a timer, e.g. every minute): failures are
    retried later with backoff, and dead-lettered after CLEARINGHOUSE_WEBHOOK_MAX_ATTEMPTS."""
    settings = get_settings()
    with session_factories() as (writes, _reads):
        counts = deliverer.deliver_due(
            writes, box=SecretBox.open(settings.keys_dir), limit=limit,
            max_attempts=settings.webhook_max_attempts,
            timeout_seconds=settings.webhook_timeout_seconds)
    out = {key: counts.get(key, 0) for key in ("delivered", "pending", "dead")}
    emit_json(out) if as_json else emit_record(out, "webhook deliveries")


@webhooks_app.command("dead-letters")
def dead_letters(as_json: JsonOpt = False) -> None:
    """Every platform's dead letters, newest first."""
    with database() as db:
        out = [delivery_out(row, url).model_dump(mode="json")
               for row, url in service.dead_letters(db, local_operator(db))]
    emit_json(out) if as_json else emit_table(out, COLUMNS, title="dead letters")


@webhooks_app.command("redeliver")
def redeliver(delivery_id: str, as_json: JsonOpt = False) -> None:
    """Put a dead letter back in the queue (same delivery id); `webhooks deliver` sends it."""
    with database() as db:
        row, url = service.redeliver(db, local_operator(db), delivery_id, utcnow())
        out = delivery_out(row, url)
    emit_json(out) if as_json else emit_record(out, "delivery")
