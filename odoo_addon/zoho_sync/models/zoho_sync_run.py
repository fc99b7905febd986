# Copyright 2026 zohosync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Runs of the zohosync server, mirrored into Odoo for the list and form views.

The server is the source of truth. This small stored model is a cache that
is refreshed from ListRuns whenever the runs menu opens (and from GetRun
while a run's form is open), so Odoo's list view, search, filters and
grouping work as usual. Uninstalling drops the cache, never the history.
"""

from odoo import _, api, fields, models

from .zoho_sync_client import zohosync_client

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
]
TRIGGERS = [("unspecified", "Unknown"), ("manual", "Manual"), ("schedule", "Scheduler")]
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
        "error": run.error or False,
        "error_reason": zs.reason_name(run.error_reason) or False,
        "zoho_calls": run.zoho_calls,
        "odoo_calls": run.odoo_calls,
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
        """Create or update the record of one run message; return it."""
        vals = run_values(run)
        rec = self.search([("run_id", "=", run.id)], limit=1)
        if with_errors:
            vals["item_error_ids"] = [fields.Command.clear()] + [
                fields.Command.create(
                    {
                        "zoho_item_id": e.zoho_item_id,
                        "name": e.name,
                        "reason": e.reason,
                        "stage": zohosync_client.enum_label(zohosync_client.sync_pb2.ItemStage, e.stage),
                        "odoo_id": e.odoo_id,
                    }
                )
                for e in run.item_errors
            ]
        if rec:
            rec.write(vals)
        else:
            rec = self.create(vals)
        return rec

    @api.model
    def _zoho_refresh(self, limit=200):
        """Mirror the newest runs from the server (ListRuns)."""
        service = self.env["zoho.sync.service"]
        client = service._zoho_client()
        try:
            runs = list(client.iter_runs(limit=limit))
        except zohosync_client.ZohoSyncError as err:
            from odoo.exceptions import UserError

            raise UserError(service._zoho_error_message(err)) from None
        finally:
            client.close()
        return self.browse([self._zoho_store(run).id for run in runs])

    @api.model
    def action_open_runs(self):
        """Menu entry: refresh the mirror from the server, then show the list."""
        self.check_access_rights("write")
        self._zoho_refresh()
        action = self.env["ir.actions.act_window"]._for_xml_id("zoho_sync.zoho_sync_run_action")
        return action

    def action_refresh(self):
        """Reload this run from the server (GetRun, with its failed items)."""
        self.check_access_rights("write")
        service = self.env["zoho.sync.service"]
        for rec in self:
            run = service._zoho_call("get_run", rec.run_id)
            self._zoho_store(run, with_errors=True)
        return True

    def zoho_sync_poll(self):
        """Called every ~2 s by the run form while the run is in progress.

        One short GetRun per call; returns whether the run is still in progress.
        """
        self.ensure_one()
        self.action_refresh()
        return {"running": self.state == "running", "progress": self.progress, "state": self.state}

    def action_cancel_run(self):
        self.ensure_one()
        self.check_access_rights("write")
        self.env["zoho.sync.service"]._zoho_call("cancel_run", self.run_id)
        self.action_refresh()
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
