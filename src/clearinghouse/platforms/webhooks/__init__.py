"""Signed webhooks to platforms: endpoints a platform registers, deliveries queued by
`service.enqueue`, sent later by `deliverer.deliver_due` (CLI `webhooks deliver`), retried with
backoff and dead-lettered after the last attempt."""
