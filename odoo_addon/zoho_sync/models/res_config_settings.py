# Copyright 2026 zohosync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

import time

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .zoho_sync_client import DEFAULT_ADDRESS, PARAM_TOKEN, ZohoSyncError
from .zoho_sync_status import PARAM_STALE_HOURS

_logger = logging.getLogger(__name__)

# Opening Settings reads the server within this deadline, in all; past it,
# the last known status is shown with its age.
SETTINGS_BUDGET = 0.3
# Saving the schedule, and Test connection, each within one budget well under
# limit_time_real (120 s by default).
SETTINGS_TIMEOUT = 3.0
TEST_CONNECTION_BUDGET = 25.0


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

    zoho_sync_stale_hours = fields.Float(
        "Alert after (hours) without a successful run",
        config_parameter=PARAM_STALE_HOURS,
        digits=(16, 2),
        help="The Zoho Sync administrators get an activity when no run has succeeded for this long; "
        "0 = twice the schedule's interval.",
    )
    zoho_sync_alert = fields.Char(readonly=True)

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
        if not self.env.user.has_group("zoho_sync.group_zoho_sync_manager"):
            return res
        res.update(self._zoho_sync_read_server())
        return res

    @api.model
    def _zoho_sync_read_server(self):
        """Schedule and status within one short deadline; the last known ones when that fails."""
        snapshot = self.env["zoho.sync.status"]._get()
        status, schedule, error = snapshot._refresh(SETTINGS_BUDGET)
        res = {
            "zoho_sync_server_message": error or False,
            "zoho_sync_alert": snapshot.alert_message if snapshot.alert_kind != "none" else False,
            "zoho_sync_status_html": snapshot._render_panel(status, schedule, live=not error, error=error),
        }
        if schedule is not None:
            res.update(
                zoho_sync_schedule_loaded=not error,
                zoho_sync_schedule_enabled=schedule.enabled,
                zoho_sync_interval_hours=schedule.sync_interval_hours,
                zoho_sync_full_sync_days=schedule.force_full_sync_days,
            )
        return res

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

    def _zoho_sync_notify(self, title, message, kind="info", sticky=False):
        params = {"title": title, "message": message, "type": kind, "sticky": sticky}
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}

    def action_zoho_sync_now(self):
        """Start a smart sync and answer at once (StartSync; the run goes on in the server)."""
        return self.env["zoho.sync.run"].action_start_sync("smart")

    def action_zoho_sync_full(self):
        """Start a full sync and answer at once."""
        return self.env["zoho.sync.run"].action_start_sync("full")

    def action_zoho_sync_test_connection(self):
        """Check the server, then its Zoho and Odoo connections, within one budget;
        report in a notification that names the check that timed out."""
        service = self.env["zoho.sync.service"]
        failed = _("Zoho Sync: connection failed")
        deadline = time.monotonic() + TEST_CONNECTION_BUDGET
        try:
            client = service._zoho_client(timeout=SETTINGS_TIMEOUT)
        except UserError as err:
            return self._zoho_sync_notify(failed, err.args[0], "danger", sticky=True)
        try:
            try:
                version = client.ping()
            except ZohoSyncError as err:
                if _timed_out(err):
                    message = _(
                        "The zohosync server at %(address)s did not answer within %(s)s seconds.",
                        address=client.address,
                        s=SETTINGS_TIMEOUT,
                    )
                else:
                    message = service._zoho_error_message(err)
                return self._zoho_sync_notify(failed, message, "danger", sticky=True)
            left = max(deadline - time.monotonic(), 1.0)
            try:
                result = client.test_connections(timeout=left)
            except ZohoSyncError as err:
                if _timed_out(err):
                    message = _(
                        "The zohosync server answered, but its Zoho and Odoo checks did not finish "
                        "within %(s)s seconds.",
                        s=round(left),
                    )
                else:
                    message = service._zoho_error_message(err)
                return self._zoho_sync_notify(failed, message, "danger", sticky=True)
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
        return self.env["ir.actions.act_window"]._for_xml_id("zoho_sync.zoho_sync_run_action")


def _timed_out(err):
    """Whether a client error is a deadline that passed (not a refusal or an outage)."""
    code = getattr(err, "code", None)
    return getattr(code, "name", str(code)) == "DEADLINE_EXCEEDED"
