"""Signed webhooks: bus events POSTed to configured receivers.

Deliberately empty of imports: `app.config` imports `app.webhooks.settings`,
and `app.webhooks.dispatcher` imports `app.config`; re-exporting the
dispatcher here would make that a cycle.

- `app.webhooks.settings`: `WebhookSettings` (the `webhooks:` config key).
- `app.webhooks.signing`: `sign`, `verify_signature` (stdlib only: receivers can copy it).
- `app.webhooks.dispatcher`: `WebhookDispatcher`, `build_dispatcher`.
- `app.webhooks.receiver`: `Delivery`, `Receiver`, `parse_retry_after` (what the dispatcher sends).
"""
