# Copyright 2026 zohosync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The last status read from the zohosync server, and the alerts it raises.

Settings shows this snapshot when the server is down or slow, with its age,
so no screen waits on the server. The snapshot is refreshed with one short
deadline when Settings opens and by a cron; each refresh evaluates the
alerts, and an alert becomes activities for the Zoho Sync administrators once
per episode (when it starts), which are removed when it clears.
"""

import base64
import datetime
import logging
from odoo import _, api, fields, models

from .zoho_sync_client import ZohoSyncError, check_read, client_missing_message, zohosync_client

_logger = logging.getLogger(__name__)

PARAM_STALE_HOURS = "zoho_sync.stale_after_hours"
ALERT_KINDS = [
    ("none", "No alert"),
    ("disabled", "The scheduler disabled itself"),
    ("stale", "No successful run for too long"),
]
# The cron's refresh may take longer than a request's.
CRON_BUDGET = 10.0


def _blob(message):
    return base64.b64encode(message.SerializeToString()).decode() if message is not None else False


class ZohoSyncStatus(models.Model):
    _name = "zoho.sync.status"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Zoho Sync: last known server status"

    name = fields.Char(default=lambda self: _("Zoho Sync status"), readonly=True)
    status_blob = fields.Text(readonly=True, help="Last GetStatus answer, schedule included (serialized message).")
    fetched_at = fields.Datetime("Read from the server at", readonly=True)
    last_error = fields.Char("Last refresh error", readonly=True)
    alert_kind = fields.Selection(ALERT_KINDS, default="none", required=True, readonly=True)
    alert_message = fields.Char(readonly=True)
    alert_since = fields.Datetime(readonly=True)
    panel_html = fields.Html("Status", compute="_compute_panel_html", sanitize=False)

    # -- the snapshot -----------------------------------------------------------

    @api.model
    def _get(self):
        """The one status record (created on first use)."""
        rec = self.sudo().search([], limit=1, order="id")
        return rec or self.sudo().create({})

    def _messages(self):
        """(status, schedule) messages of the stored snapshot; None each when absent."""
        self.ensure_one()
        if zohosync_client is None:
            return None, None
        if not self.status_blob:
            return None, None
        status = zohosync_client.sync_pb2.GetStatusResponse.FromString(base64.b64decode(self.status_blob))
        return status, status.schedule

    @api.model
    def _read_server(self, budget):
        """GetStatus (the schedule included) within a deadline of ``budget`` seconds.

        Returns (status, schedule, error message or None)."""
        message = client_missing_message()
        if message:
            return None, None, message
        service = self.env["zoho.sync.service"]
        client = service._zoho_client(timeout=budget)
        try:
            status = client.status()
        except ZohoSyncError as err:
            return None, None, service._zoho_error_message(err)
        finally:
            client.close()
        return status, status.schedule, None

    def _refresh(self, budget):
        """Read the server; store the answer when it changed; evaluate the alerts.

        Returns (status, schedule, error): the live answer, or the stored one
        with the reason it could not be read. Writes only when something changed.
        """
        self.ensure_one()
        status, schedule, error = self._read_server(budget)
        vals = {}
        if error:
            if error != self.last_error:
                vals["last_error"] = error
            status, schedule = self._messages()
        else:
            blobs = {"status_blob": _blob(status)}
            now = fields.Datetime.now()
            changed = blobs["status_blob"] != self.status_blob
            # The age is kept to the minute without a write on every read.
            if changed or not self.fetched_at or now - self.fetched_at > datetime.timedelta(minutes=1):
                vals.update(blobs, fetched_at=now)
            if self.last_error:
                vals["last_error"] = False
        if vals:
            self.write(vals)
        if status is not None and schedule is not None:
            self._check_alert(status, schedule)
        return status, schedule, error

    @api.model
    def _cron_refresh(self):
        """Every few minutes: status and alerts, then the runs mirror."""
        status = self._get()
        _status, _schedule, error = status._refresh(CRON_BUDGET)
        if error:
            _logger.info("zohosync status refresh: %s", error)
            return
        try:
            self.env["zoho.sync.run"].sudo()._zoho_refresh(limit=50, budget=CRON_BUDGET)
        except Exception as err:  # pylint: disable=broad-except
            _logger.info("zohosync runs refresh: %s", err)

    # -- alerts ------------------------------------------------------------------

    @api.model
    def _stale_after(self, schedule):
        """Hours without a successful run that make an alert (the setting, else 2 x the interval)."""
        try:
            hours = float(self.env["ir.config_parameter"].sudo().get_param(PARAM_STALE_HOURS) or 0)
        except ValueError:
            hours = 0.0
        if hours > 0:
            return hours
        if schedule.enabled and schedule.sync_interval_hours > 0:
            return 2 * schedule.sync_interval_hours
        return 0.0

    @api.model
    def _alert_for(self, status, schedule, now=None):
        """(kind, message) of the alert the server's state calls for; ("none", "") when none."""
        zs = zohosync_client
        if schedule.disabled_reason:
            return "disabled", _(
                "The zohosync scheduler disabled itself: %(reason)s. No scheduled sync runs until it is "
                "enabled again in Settings > Zoho Sync.",
                reason=schedule.disabled_reason,
            )
        hours = self._stale_after(schedule)
        if not hours or status.HasField("current_run"):
            return "none", ""
        now = now or fields.Datetime.now()
        if status.HasField("last_successful_run"):
            last = status.last_successful_run
            when = zs.to_datetime(last.finished_at, naive_utc=True) or zs.to_datetime(last.started_at, naive_utc=True)
            if when and now - when > datetime.timedelta(hours=hours):
                return "stale", _(
                    "No Zoho sync has succeeded since %(when)s UTC (more than %(hours)s hours).",
                    when=fields.Datetime.to_string(when),
                    hours=round(hours, 2),
                )
            return "none", ""
        if status.HasField("last_run"):
            return "stale", _("No Zoho sync has ever succeeded; the last run ended: %(state)s.", state=self._state_label(status.last_run))
        return "none", ""

    @api.model
    def _state_label(self, run):
        from .zoho_sync_run import RUN_STATES

        state = zohosync_client.enum_label(zohosync_client.sync_pb2.RunState, run.state)
        return dict(RUN_STATES).get(state, state)

    def _alert_recipients(self):
        group = self.env.ref("zoho_sync.group_zoho_sync_manager")
        return group.users.filtered(lambda u: u.active and not u.share and u.id != self.env.ref("base.user_root").id)

    def _check_alert(self, status, schedule):
        """Start an episode (activities for the administrators) or end it; nothing when unchanged."""
        self.ensure_one()
        kind, message = self._alert_for(status, schedule)
        if kind == self.alert_kind:
            return False
        self.activity_ids.sudo().unlink()
        if kind == "none":
            self.write({"alert_kind": "none", "alert_message": False, "alert_since": False})
            return True
        self.write({"alert_kind": kind, "alert_message": message, "alert_since": fields.Datetime.now()})
        summary = dict(ALERT_KINDS)[kind]
        for user in self._alert_recipients():
            self.activity_schedule(
                "mail.mail_activity_data_warning",
                summary=_("Zoho Sync: %(what)s", what=summary),
                note=message,
                user_id=user.id,
            )
        _logger.warning("zohosync alert: %s", message)
        return True

    # -- the panel -----------------------------------------------------------------

    @api.depends("status_blob", "fetched_at", "last_error", "alert_kind")
    def _compute_panel_html(self):
        for rec in self:
            status, schedule = rec._messages()
            rec.panel_html = rec._render_panel(status, schedule, live=False, error=rec.last_error)

    def _render_panel(self, status, schedule, live, error=None):
        """The status panel (QWeb template zoho_sync.status_panel)."""
        self.ensure_one()
        values = {"live": live, "error": error, "age": False, "rows": [], "alert": False}
        if not live and self.fetched_at:
            values["age"] = self._age_text(self.fetched_at)
        if self.alert_kind != "none":
            values["alert"] = self.alert_message
        if status is not None and schedule is not None:
            values["rows"] = self._panel_rows(status, schedule)
        return self.env["ir.qweb"]._render("zoho_sync.status_panel", values)

    @api.model
    def _age_text(self, when):
        seconds = max(int((fields.Datetime.now() - when).total_seconds()), 0)
        if seconds < 90:
            return _("%(n)s seconds ago", n=seconds)
        if seconds < 90 * 60:
            return _("%(n)s minutes ago", n=seconds // 60)
        if seconds < 48 * 3600:
            return _("%(n)s hours ago", n=seconds // 3600)
        return _("%(n)s days ago", n=seconds // 86400)

    @api.model
    def _panel_rows(self, status, schedule):
        """[(label, text, css class, list of sub-items)] for the template."""
        from .zoho_sync_run import RUN_KINDS, RUN_STATES

        zs = zohosync_client
        states, kinds = dict(RUN_STATES), dict(RUN_KINDS)

        def when(ts):
            value = zs.to_datetime(ts, naive_utc=True)
            if not value:
                return _("never")
            return fields.Datetime.to_string(fields.Datetime.context_timestamp(self, value))

        def kind_label(value):
            return kinds.get(zs.enum_label(zs.sync_pb2.RunKind, value))

        rows = []
        if status.HasField("current_run"):
            run = status.current_run
            rows.append((
                _("Run in progress"),
                _("Run %(id)s (%(kind)s): %(done)s of %(total)s items", id=run.id, kind=kind_label(run.kind),
                  done=run.progress.done, total=run.progress.total),
                "text-primary", [],
            ))
        if status.HasField("last_run"):
            run = status.last_run
            state = zs.enum_label(zs.sync_pb2.RunState, run.state)
            css = {"succeeded": "text-success", "partial": "text-warning"}.get(state, "text-danger")
            text = _("Run %(id)s, %(kind)s, finished %(when)s: %(state)s", id=run.id, kind=kind_label(run.kind),
                     when=when(run.finished_at), state=states.get(state, state))
            if run.error:
                text = "%s (%s)" % (text, run.error)
            rows.append((_("Last run"), text, css, []))
            c = run.progress.counts
            rows.append((
                _("Counts"),
                _("%(seen)s read, %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                  "%(archived)s archived, %(failed)s failed", seen=c.seen, created=c.created, updated=c.updated,
                  unchanged=c.unchanged, archived=c.archived, failed=c.failed),
                "", [],
            ))
        else:
            rows.append((_("Last run"), _("no run yet"), "", []))
        if status.HasField("last_successful_run"):
            rows.append((_("Last success"), when(status.last_successful_run.finished_at),
                         "text-danger" if self.alert_kind == "stale" else "", []))
        rows.append((
            _("Products"),
            _("%(tracked)s synced, %(failed)s failing", tracked=status.products_tracked, failed=status.products_failed),
            "text-danger" if status.products_failed else "", [],
        ))
        if status.HasField("quota"):
            q = status.quota
            rows.append((
                _("Zoho calls today"),
                _("%(used)s / %(allowance)s (reserve %(reserve)s)", used=q.calls_used_today, allowance=q.allowance,
                  reserve=q.reserve),
                "text-warning" if q.remaining <= q.reserve else "", [],
            ))
        if status.recent_errors:
            items = ["%s (%s): %s" % (e.name or "?", e.zoho_item_id, e.reason) for e in status.recent_errors[:5]]
            rows.append((_("Failed items"), "", "text-danger", items))
        if schedule.enabled and schedule.waiting_for_first_run:
            rows.append((
                _("Scheduler"),
                _("enabled; scheduled runs start after the first sync started by hand (Sync now)"),
                "text-warning", [],
            ))
        elif schedule.enabled:
            rows.append((
                _("Scheduler"),
                _("enabled, next run %(when)s (%(kind)s)", when=when(schedule.next_run_at),
                  kind=kind_label(schedule.next_run_kind)),
                "text-success", [],
            ))
        elif schedule.disabled_reason:
            rows.append((_("Scheduler"), _("disabled by itself: %(reason)s", reason=schedule.disabled_reason),
                         "text-danger", []))
        else:
            rows.append((_("Scheduler"), _("disabled"), "text-muted", []))
        rows.append((_("Server version"), status.server_version, "text-muted", []))
        return rows

    @api.model
    def _action_open(self):
        """The status record's form (menu Zoho Sync > Status)."""
        check_read(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self._get().id,
            "views": [(False, "form")],
            "target": "current",
            "name": _("Zoho Sync status"),
        }
