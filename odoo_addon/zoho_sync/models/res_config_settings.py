# Copyright 2026 zohosync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .zoho_sync_client import (
    DEFAULT_ADDRESS,
    PARAM_TOKEN,
    ZohoSyncError,
    zohosync_client,
)
from .zoho_sync_run import RUN_KINDS, RUN_STATES

_logger = logging.getLogger(__name__)

# Settings reads of the server must not hold Settings for long.
SETTINGS_TIMEOUT = 5.0


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    zoho_sync_address = fields.Char(
        "zohosync server",
        config_parameter="zoho_sync.server_address",
        default=DEFAULT_ADDRESS,
        help="host:port of the zohosync gRPC server (its --listen address).",
    )
    zoho_sync_tls = fields.Boolean(
        "Use TLS",
        config_parameter="zoho_sync.tls",
        help="On when the server is started with --tls-cert/--tls-key.",
    )
    # Write-only: the stored token is never read back into the form, so it
    # never reaches a browser. An empty field on save keeps the stored token.
    zoho_sync_token = fields.Char(
        "API token",
        help="The server's ZOHOSYNC_API_TOKEN. Leave empty to keep the stored token.",
    )
    zoho_sync_token_set = fields.Boolean("A token is stored", readonly=True)
    zoho_sync_token_clear = fields.Boolean("Remove the stored token")

    # Schedule: read from the server when Settings opens, written on save.
    zoho_sync_schedule_loaded = fields.Boolean(readonly=True)
    zoho_sync_schedule_enabled = fields.Boolean("Scheduled syncs")
    zoho_sync_interval_hours = fields.Float("Every (hours)", digits=(16, 2))
    zoho_sync_full_sync_days = fields.Integer(
        "Full sync every (days)", help="A scheduled run is a full sync when the last one is older; 0 = never."
    )
    zoho_sync_server_message = fields.Char(readonly=True)
    zoho_sync_status_html = fields.Html("Status", readonly=True, sanitize=False)

    # -- reading and saving ------------------------------------------------

    @api.model
    def get_values(self):
        res = super().get_values()
        token = self.env["ir.config_parameter"].sudo().get_param(PARAM_TOKEN)
        res.update(
            zoho_sync_token=False,
            zoho_sync_token_set=bool(token),
            zoho_sync_token_clear=False,
            zoho_sync_schedule_loaded=False,
            zoho_sync_server_message=False,
        )
        if not self.env.user.has_group("base.group_system"):
            return res
        try:
            res.update(self._zoho_sync_read_server())
        except UserError as err:
            # A server that is down must not break Settings: show why instead.
            res["zoho_sync_server_message"] = err.args[0]
            res["zoho_sync_status_html"] = Markup("<p class='text-danger'>%s</p>") % err.args[0]
        return res

    @api.model
    def _zoho_sync_read_server(self):
        service = self.env["zoho.sync.service"]
        client = service._zoho_client(timeout=SETTINGS_TIMEOUT)
        try:
            schedule = client.get_schedule()
            status = client.status()
        except ZohoSyncError as err:
            raise UserError(service._zoho_error_message(err)) from None
        finally:
            client.close()
        return {
            "zoho_sync_schedule_loaded": True,
            "zoho_sync_schedule_enabled": schedule.enabled,
            "zoho_sync_interval_hours": schedule.sync_interval_hours,
            "zoho_sync_full_sync_days": schedule.force_full_sync_days,
            "zoho_sync_status_html": self._zoho_sync_status_html(status, schedule),
        }

    @api.model
    def _zoho_sync_status_html(self, status, schedule):
        zs = zohosync_client
        states, kinds = dict(RUN_STATES), dict(RUN_KINDS)

        def when(ts):
            value = zs.to_datetime(ts, naive_utc=True)
            if not value:
                return _("never")
            return fields.Datetime.to_string(fields.Datetime.context_timestamp(self, value))

        rows = []

        def row(label, value, css=""):
            rows.append(
                Markup("<tr><th class='pe-3 text-nowrap'>%s</th><td class='%s'>%s</td></tr>")
                % (label, css, value)
            )

        if status.HasField("current_run"):
            run = status.current_run
            row(
                _("Run in progress"),
                _(
                    "Run %(id)s (%(kind)s): %(done)s of %(total)s items",
                    id=run.id,
                    kind=kinds.get(zs.enum_label(zs.sync_pb2.RunKind, run.kind)),
                    done=run.progress.done,
                    total=run.progress.total,
                ),
                "text-primary",
            )
        if status.HasField("last_run"):
            run = status.last_run
            state = zs.enum_label(zs.sync_pb2.RunState, run.state)
            css = {"succeeded": "text-success", "partial": "text-warning"}.get(state, "text-danger")
            text = _(
                "Run %(id)s, %(kind)s, finished %(when)s: %(state)s",
                id=run.id,
                kind=kinds.get(zs.enum_label(zs.sync_pb2.RunKind, run.kind)),
                when=when(run.finished_at),
                state=states.get(state, state),
            )
            if run.error:
                text = "%s (%s)" % (text, run.error)
            row(_("Last run"), text, css)
            c = run.progress.counts
            row(
                _("Counts"),
                _(
                    "%(seen)s read, %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                    "%(archived)s archived, %(failed)s failed",
                    seen=c.seen,
                    created=c.created,
                    updated=c.updated,
                    unchanged=c.unchanged,
                    archived=c.archived,
                    failed=c.failed,
                ),
            )
        else:
            row(_("Last run"), _("no run yet"))
        row(
            _("Products"),
            _(
                "%(tracked)s synced, %(failed)s failing",
                tracked=status.products_tracked,
                failed=status.products_failed,
            ),
            "text-danger" if status.products_failed else "",
        )
        if status.recent_errors:
            items = Markup("").join(
                Markup("<li>%s</li>") % ("%s (%s): %s" % (e.name or "?", e.zoho_item_id, e.reason))
                for e in status.recent_errors[:5]
            )
            row(_("Failed items"), Markup("<ul class='mb-0 ps-3'>%s</ul>") % items, "text-danger")
        if schedule.enabled and schedule.waiting_for_first_run:
            row(
                _("Scheduler"),
                _("enabled; scheduled runs start after the first sync started by hand (Sync now)"),
                "text-warning",
            )
        elif schedule.enabled:
            row(
                _("Scheduler"),
                _(
                    "enabled, next run %(when)s (%(kind)s)",
                    when=when(schedule.next_run_at),
                    kind=kinds.get(zs.enum_label(zs.sync_pb2.RunKind, schedule.next_run_kind)),
                ),
                "text-success",
            )
        elif schedule.disabled_reason:
            row(
                _("Scheduler"),
                _("disabled by itself: %(reason)s", reason=schedule.disabled_reason),
                "text-danger",
            )
        else:
            row(_("Scheduler"), _("disabled"), "text-muted")
        row(_("Server version"), escape(status.server_version), "text-muted")
        return Markup("<table class='table table-sm table-borderless mb-0'>%s</table>") % Markup("").join(rows)

    def set_values(self):
        res = super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        for rec in self:
            if rec.zoho_sync_token_clear:
                params.set_param(PARAM_TOKEN, False)
            elif rec.zoho_sync_token and rec.zoho_sync_token.strip():
                params.set_param(PARAM_TOKEN, rec.zoho_sync_token.strip())
            if rec.zoho_sync_schedule_loaded:
                rec._zoho_sync_write_schedule()
        # Never keep the typed token in the transient table.
        self.filtered("zoho_sync_token").write({"zoho_sync_token": False})
        return res

    def _zoho_sync_write_schedule(self):
        """Send the schedule fields that differ from the server's (UpdateSchedule)."""
        self.ensure_one()
        service = self.env["zoho.sync.service"]
        current = service._zoho_call("get_schedule", timeout=SETTINGS_TIMEOUT)
        changes = {}
        if self.zoho_sync_schedule_enabled != current.enabled:
            changes["enabled"] = self.zoho_sync_schedule_enabled
        if abs(self.zoho_sync_interval_hours - current.sync_interval_hours) > 1e-6:
            changes["sync_interval_hours"] = self.zoho_sync_interval_hours
        if self.zoho_sync_full_sync_days != current.force_full_sync_days:
            changes["force_full_sync_days"] = self.zoho_sync_full_sync_days
        if changes:
            service._zoho_call("update_schedule", timeout=SETTINGS_TIMEOUT, **changes)
        return changes

    # -- buttons -------------------------------------------------------------

    def _zoho_sync_notify(self, title, message, kind="info", sticky=False, next_action=None):
        params = {"title": title, "message": message, "type": kind, "sticky": sticky}
        if next_action:
            params["next"] = next_action
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}

    def _zoho_sync_start(self, kind):
        self.env["zoho.sync.run"].check_access_rights("write")
        started = self.env["zoho.sync.service"]._zoho_call("start_sync", kind, join=True)
        run = started.run
        self.env["zoho.sync.run"]._zoho_store(run)
        if started.already_running:
            return self._zoho_sync_notify(
                _("Zoho Sync"),
                _("Run %(id)s is already in progress; no new run was started.", id=run.id),
                "warning",
            )
        label = _("Full sync") if kind == "full" else _("Sync")
        return self._zoho_sync_notify(
            _("Zoho Sync"),
            _("%(label)s started: run %(id)s. Follow it under Zoho Sync > Runs.", label=label, id=run.id),
            "success",
        )

    def action_zoho_sync_now(self):
        """Start a smart sync and answer at once (StartSync; the run goes on in the server)."""
        return self._zoho_sync_start("smart")

    def action_zoho_sync_full(self):
        """Start a full sync and answer at once."""
        return self._zoho_sync_start("full")

    def action_zoho_sync_test_connection(self):
        """Check the server, then its Zoho and Odoo connections; report in a notification."""
        service = self.env["zoho.sync.service"]
        try:
            client = service._zoho_client()
        except UserError as err:
            return self._zoho_sync_notify(_("Zoho Sync: connection failed"), err.args[0], "danger", sticky=True)
        try:
            version = client.ping()
            result = client.test_connections()
        except ZohoSyncError as err:
            return self._zoho_sync_notify(
                _("Zoho Sync: connection failed"), service._zoho_error_message(err), "danger", sticky=True
            )
        finally:
            client.close()
        parts = [_("zohosync server %(version)s at %(address)s: OK.", version=version, address=client.address)]
        if result.zoho.ok:
            parts.append(
                _("Zoho: OK (%(org)s, plan %(plan)s).", org=result.zoho.organization_name, plan=result.zoho.plan or "?")
            )
        else:
            parts.append(_("Zoho: FAILED: %(error)s", error=result.zoho.error))
        if result.odoo.ok:
            parts.append(_("Odoo: OK (version %(version)s).", version=result.odoo.server_version))
            for warning in result.odoo.warnings:
                parts.append(warning)
        else:
            parts.append(_("Odoo: FAILED: %(error)s", error=result.odoo.error))
        ok = result.zoho.ok and result.odoo.ok
        return self._zoho_sync_notify(
            _("Zoho Sync: connection OK") if ok else _("Zoho Sync: a check failed"),
            " ".join(parts),
            "success" if ok else "warning",
            sticky=not ok,
        )

    def action_zoho_sync_open_runs(self):
        return self.env["zoho.sync.run"].action_open_runs()
