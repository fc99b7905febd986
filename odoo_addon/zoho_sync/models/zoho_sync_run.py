# Copyright 2026 zohosync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Runs of the zohosync server, mirrored into Odoo for the list and form views.

The server is the source of truth. This small stored model is a cache, so
Odoo's list view, search, filters and grouping work as usual: a run is stored
when Sync now starts it and when it ends (its form's poller, or the cron that
mirrors ListRuns). No screen waits on the server to show it. Uninstalling
drops the cache, never the history.
"""

import datetime

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .zoho_sync_client import check_read, zohosync_client

RUN_STATES = [
    ("unspecified", "Unknown"),
    ("running", "In progress"),
    ("succeeded", "Succeeded"),
    ("partial", "Partial (some items failed)"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]
RUN_KINDS = [
    ("unspecified", "Unknown"),
    ("smart", "Smart sync"),
    ("full", "Full sync"),
    ("retry_failed", "Retry failed items"),
    ("webhook", "Webhook (items Zoho named)"),
    ("stock", "Stock only"),
]
TRIGGERS = [("unspecified", "Unknown"), ("manual", "Manual"), ("schedule", "Scheduler"), ("webhook", "Zoho webhook")]
PHASES = [
    ("unspecified", "Unknown"),
    ("connecting", "Connecting"),
    ("syncing", "Syncing"),
    ("archiving", "Archiving"),
    ("done", "Done"),
]


def run_values(run):
    """Field values of a zoho.sync.run record from a zohosync.v1.Run message."""
    zs = zohosync_client
    sync_pb2 = zs.sync_pb2
    counts = run.progress.counts
    vals = {
        "run_id": run.id,
        "kind": zs.enum_label(sync_pb2.RunKind, run.kind),
        "trigger": zs.enum_label(sync_pb2.RunTrigger, run.trigger),
        "dry_run": run.dry_run,
        "state": zs.enum_label(sync_pb2.RunState, run.state),
        "phase": zs.enum_label(sync_pb2.Phase, run.progress.phase),
        "started_at": zs.to_datetime(run.started_at, naive_utc=True),
        "finished_at": zs.to_datetime(run.finished_at, naive_utc=True),
        "duration": zs.to_seconds(run.duration),
        "progress": zs.run_percent(run),
        "total": run.progress.total,
        "done": run.progress.done,
        "items_per_second": run.progress.items_per_second,
        "seen": counts.seen,
        "created": counts.created,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "archived": counts.archived,
        "failed": counts.failed,
        "images_downloaded": counts.images_downloaded,
        "images_failed": counts.images_failed,
        "repeated_failures": counts.repeated_failures,
        "error": run.error or False,
        "error_reason": zs.reason_name(run.error_reason) or False,
        # Progress carries the live counts mid-run; Run's are the totals once it has ended.
        "zoho_calls": max(run.zoho_calls, run.progress.zoho_calls),
        "odoo_calls": max(run.odoo_calls, run.progress.odoo_calls),
        "warnings": "\n".join("%s: %s" % (zs.enum_label(sync_pb2.WarningCode, w.code).upper(), w.message) for w in run.warnings) or False,
    }
    return vals


class ZohoSyncRun(models.Model):
    _name = "zoho.sync.run"
    _description = "Zoho Sync run"
    _order = "started_at desc, id desc"
    _rec_name = "name"

    run_id = fields.Char("Run id", required=True, readonly=True, index=True)
    name = fields.Char(compute="_compute_name")
    kind = fields.Selection(RUN_KINDS, readonly=True)
    trigger = fields.Selection(TRIGGERS, readonly=True)
    dry_run = fields.Boolean(readonly=True)
    state = fields.Selection(RUN_STATES, readonly=True, default="unspecified")
    phase = fields.Selection(PHASES, readonly=True)
    started_at = fields.Datetime("Started", readonly=True)
    finished_at = fields.Datetime("Finished", readonly=True)
    duration = fields.Float("Duration (s)", readonly=True, digits=(16, 1))
    progress = fields.Float(readonly=True, help="Items handled, in percent of the items known so far.")
    total = fields.Integer("Items known", readonly=True)
    done = fields.Integer("Items handled", readonly=True)
    items_per_second = fields.Float("Items / s", readonly=True, digits=(16, 1))
    seen = fields.Integer(readonly=True)
    created = fields.Integer(readonly=True)
    updated = fields.Integer(readonly=True)
    unchanged = fields.Integer(readonly=True)
    archived = fields.Integer(readonly=True)
    failed = fields.Integer(readonly=True)
    images_downloaded = fields.Integer(readonly=True)
    images_failed = fields.Integer(readonly=True)
    repeated_failures = fields.Integer(
        readonly=True,
        help="Item errors that repeat the item's failure of its previous run (the same error, "
        "its input or picture unchanged): known failures, which do not count towards the "
        "scheduler's auto-disable.",
    )
    error = fields.Text(readonly=True)
    error_reason = fields.Char(readonly=True)
    warnings = fields.Text(readonly=True)
    zoho_calls = fields.Integer("Zoho calls", readonly=True)
    odoo_calls = fields.Integer("Odoo calls", readonly=True)
    item_error_ids = fields.One2many("zoho.sync.run.item_error", "run_ref", "Failed items", readonly=True)
    is_running = fields.Boolean(compute="_compute_is_running")

    _sql_constraints = [("run_id_unique", "unique(run_id)", "A run is mirrored once.")]

    @api.depends("run_id", "kind", "dry_run")
    def _compute_name(self):
        kinds = dict(RUN_KINDS)
        for rec in self:
            label = kinds.get(rec.kind or "unspecified")
            dry = _(" (dry run)") if rec.dry_run else ""
            rec.name = _("Run %(id)s: %(kind)s%(dry)s", id=rec.run_id, kind=label, dry=dry)

    @api.depends("state")
    def _compute_is_running(self):
        for rec in self:
            rec.is_running = rec.state == "running"

    # -- mirroring ---------------------------------------------------------

    @api.model
    def _zoho_store(self, run, with_errors=False):
        """Create or update the record of one run message; return it.

        Writes only the fields that differ, so a refresh of an unchanged run
        writes nothing. The mirror is a cache of the server's runs: users who
        may read runs store what the server said through sudo.
        """
        model = self.sudo()
        vals = run_values(run)
        rec = model.search([("run_id", "=", run.id)], limit=1)
        if rec:
            current = rec.read(list(vals))[0]
            vals = {k: v for k, v in vals.items() if not self._zoho_same(rec._fields[k], current[k], v)}
        if with_errors:
            stage = zohosync_client.sync_pb2.ItemStage
            new = [
                (e.zoho_item_id, e.name, e.reason, zohosync_client.enum_label(stage, e.stage), e.odoo_id, e.repeated)
                for e in run.item_errors
            ]
            old = [(e.zoho_item_id or "", e.name or "", e.reason or "", e.stage or "", e.odoo_id, e.repeated)
                   for e in rec.item_error_ids] if rec else []
            if new != old:
                vals["item_error_ids"] = [fields.Command.clear()] + [
                    fields.Command.create(
                        {"zoho_item_id": z, "name": n, "reason": r, "stage": st, "odoo_id": o, "repeated": rp}
                    )
                    for z, n, r, st, o, rp in new
                ]
        if rec:
            if vals:
                rec.write(vals)
        else:
            rec = model.create(vals)
        return rec.with_env(self.env)

    @api.model
    def _zoho_same(self, field, stored, new):
        if field.type == "float":
            return abs((stored or 0.0) - (new or 0.0)) < 1e-6
        if field.type == "datetime":
            return (stored or False) == (new.replace(microsecond=0) if new else False) or stored == new
        return (stored or False) == (new or False)

    @api.model
    def _zoho_refresh(self, limit=200, budget=None):
        """Mirror the newest runs from the server (ListRuns); for the cron, never a request."""
        service = self.env["zoho.sync.service"]
        client = service._zoho_client(timeout=budget)
        try:
            runs = list(client.iter_runs(limit=limit))
        except zohosync_client.ZohoSyncError as err:
            raise UserError(service._zoho_error_message(err)) from None
        finally:
            client.close()
        return self.browse([self._zoho_store(run).id for run in runs])

    @api.model
    def _zoho_check_user(self):
        """Starting, cancelling or refreshing a run is for Zoho Sync users."""
        if not self.env.user.has_group("zoho_sync.group_zoho_sync_user"):
            raise AccessError(_("Only Zoho Sync users may start, cancel or refresh a run."))

    @api.model
    def action_start_sync(self, kind="smart"):
        """Start a run (StartSync, one short call) and answer at once with a
        notification; then the run's form, which follows its progress."""
        self._zoho_check_user()
        service = self.env["zoho.sync.service"]
        started = service._zoho_call("start_sync", kind, join=True, timeout=service._zoho_short_timeout())
        rec = self._zoho_store(started.run)
        if started.already_running:
            title = _("Zoho Sync")
            message = _("Run %(id)s is already in progress; no new run was started.", id=started.run.id)
            kind_css = "warning"
        else:
            label = _("Full sync") if kind == "full" else _("Sync")
            title = _("Zoho Sync")
            message = _("%(label)s started: run %(id)s.", label=label, id=started.run.id)
            kind_css = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind_css,
                "sticky": False,
                "next": rec._zoho_form_action(),
            },
        }

    def _zoho_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_refresh(self):
        """Reload this run from the server (GetRun, with its failed items)."""
        self._zoho_check_user()
        service = self.env["zoho.sync.service"]
        for rec in self:
            run = service._zoho_call("get_run", rec.run_id, timeout=service._zoho_short_timeout())
            self._zoho_store(run, with_errors=True)
        return True

    def zoho_sync_poll(self):
        """Called every ~2 s by the run form while the run is in progress.

        One short GetRun. While the run goes on nothing is written: the live
        figures go back to the page. When the run has ended (also when the form
        of a run that ended unseen is opened), the stored run is written once.
        """
        self.ensure_one()
        check_read(self)
        service = self.env["zoho.sync.service"]
        run = service._zoho_call("get_run", self.run_id, timeout=service._zoho_short_timeout())
        live = run_values(run)
        running = zohosync_client.run_is_active(run)
        if not running:
            self._zoho_store(run, with_errors=True)
        return {
            "running": running,
            "stored": not running,
            "values": {k: v for k, v in live.items() if not isinstance(v, datetime.datetime)},
        }

    def action_cancel_run(self):
        self.ensure_one()
        self._zoho_check_user()
        service = self.env["zoho.sync.service"]
        run = service._zoho_call("cancel_run", self.run_id, timeout=service._zoho_short_timeout())
        self._zoho_store(run, with_errors=True)
        return True


class ZohoSyncRunItemError(models.Model):
    _name = "zoho.sync.run.item_error"
    _description = "Zoho Sync run: failed item"
    _order = "id"

    run_ref = fields.Many2one("zoho.sync.run", required=True, ondelete="cascade", index=True)
    zoho_item_id = fields.Char("Zoho item id", readonly=True)
    name = fields.Char("Item", readonly=True)
    reason = fields.Text(readonly=True)
    stage = fields.Char(readonly=True)
    odoo_id = fields.Integer("Odoo product id", readonly=True)
    repeated = fields.Boolean(
        readonly=True, help="The item failed the same way on its previous run: a known failure, not a new one."
    )
