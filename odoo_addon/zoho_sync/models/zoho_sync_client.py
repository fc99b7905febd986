# Copyright 2026 zohosync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Access to the zohosync server through the zohosync_client package.

Everything the addon asks the server goes through ``zoho.sync.service``:
it builds a client from the system parameters, and turns every client
error into a UserError a person can act on. The import is guarded so that
Odoo still starts (and shows a clear message) when the client, grpcio or
protobuf is missing from Odoo's Python.
"""

import logging

from odoo import _, api, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

try:
    import zohosync_client
    from zohosync_client import (
        AlreadyRunning,
        AuthenticationError,
        FailedPrecondition,
        InvalidArgument,
        NotFound,
        ServerUnavailable,
        TLSMismatch,
        ZohoSyncError,
    )

    CLIENT_IMPORT_ERROR = None
except ImportError as err:  # keep Odoo bootable; fail only when used
    zohosync_client = None
    CLIENT_IMPORT_ERROR = err

    class ZohoSyncError(Exception):
        """Stand-in so that ``except ZohoSyncError`` works without the client."""

    AlreadyRunning = AuthenticationError = FailedPrecondition = ZohoSyncError
    InvalidArgument = NotFound = ServerUnavailable = TLSMismatch = ZohoSyncError

PARAM_ADDRESS = "zoho_sync.server_address"
PARAM_TLS = "zoho_sync.tls"
PARAM_TOKEN = "zoho_sync.api_token"
PARAM_TIMEOUT = "zoho_sync.timeout"
DEFAULT_ADDRESS = "127.0.0.1:50051"

# A call made while a user waits gets at most this long (zoho_sync.timeout may
# only lower it): an Odoo worker held on the server is a worker no user has.
REQUEST_TIMEOUT = 3.0

# The server links each product it writes with an external id in this
# module (never a real addon's name, so uninstalling an addon keeps them).
ZOHOSYNC_XMLID_MODULE = "__zohosync__"
ZOHOSYNC_XMLID_PREFIX = "zoho_item_"


def client_missing_message():
    """Why the client cannot be imported, as a sentence; None when it can."""
    err = CLIENT_IMPORT_ERROR
    if err is None:
        return None
    missing = (getattr(err, "name", None) or "").split(".")[0]
    if missing == "grpc":
        what = _("the Python package 'grpcio' is not installed")
    elif missing == "google":
        what = _("the Python package 'protobuf' is not installed")
    else:
        what = _("the Python package 'zohosync-client' is not installed")
    return _(
        "Zoho Sync cannot talk to the zohosync server: %(what)s in the Python "
        "that runs Odoo. Install it (see the addon's README: 'pip install "
        "client/python' from the zohosync repository, plus grpcio and protobuf) "
        "and restart Odoo. Import error: %(err)s",
        what=what,
        err=err,
    )


class ZohoSyncService(models.AbstractModel):
    _name = "zoho.sync.service"
    _description = "Zoho Sync: access to the zohosync server"

    @api.model
    def _zoho_settings(self):
        """Connection settings from the system parameters (sudo: admins only reach here)."""
        params = self.env["ir.config_parameter"].sudo()
        try:
            timeout = float(params.get_param(PARAM_TIMEOUT, REQUEST_TIMEOUT) or REQUEST_TIMEOUT)
        except ValueError:
            timeout = REQUEST_TIMEOUT
        return {
            "address": (params.get_param(PARAM_ADDRESS) or DEFAULT_ADDRESS).strip(),
            "tls": params.get_param(PARAM_TLS, "False") not in ("False", "0", "", False),
            "token": params.get_param(PARAM_TOKEN) or None,
            "timeout": timeout,
        }

    @api.model
    def _zoho_short_timeout(self):
        """The deadline of one call made while a user waits."""
        return min(self._zoho_settings()["timeout"], REQUEST_TIMEOUT)

    @api.model
    def _zoho_client(self, timeout=None):
        """A zohosync_client.Client for the configured server (the caller closes it)."""
        message = client_missing_message()
        if message:
            raise UserError(message)
        settings = self._zoho_settings()
        try:
            return zohosync_client.Client(
                settings["address"],
                token=settings["token"],
                tls=settings["tls"],
                timeout=timeout or settings["timeout"],
            )
        except ZohoSyncError as err:
            raise UserError(self._zoho_error_message(err)) from None

    @api.model
    def _zoho_reason_messages(self, err):
        """What to do about the server reasons a person can act on, keyed on the
        zohosync.v1.ErrorReason names (the client's ``err.reason``)."""
        msg = str(err)
        return {
            "NO_SCHEDULER": _(
                "The zohosync server runs without a scheduler (it was started with "
                "--no-scheduler): restart it without that flag to use scheduled syncs."
            ),
            "NO_FAILED_ITEMS": _("No product has failed: there is nothing to retry."),
            "NO_RUN_IN_PROGRESS": _("No sync run is in progress."),
            "RUN_ALREADY_ENDED": _("That sync run has already ended."),
            "SHUTTING_DOWN": _("The zohosync server is shutting down; try again once it is back."),
            "CONFIG_INVALID": _("The zohosync server's configuration is invalid: %(msg)s", msg=msg),
            "INVALID_SCHEDULE": _("The zohosync server refused the schedule: %(msg)s", msg=msg),
        }

    @api.model
    def _zoho_error_message(self, err):
        """A readable sentence for a client error (never contains the token)."""
        address = getattr(err, "address", "") or self._zoho_settings()["address"]
        by_reason = self._zoho_reason_messages(err).get(getattr(err, "reason", ""))
        if by_reason:
            return by_reason
        if isinstance(err, TLSMismatch):
            return _(
                "%(msg)s. Check 'Use TLS' in Settings > Zoho Sync against how the server is started.",
                msg=str(err),
            )
        if isinstance(err, ServerUnavailable):
            return _(
                "Cannot reach the zohosync server at %(address)s (%(msg)s). Check the "
                "server address in Settings > Zoho Sync and that the server is running.",
                address=address,
                msg=str(err),
            )
        if isinstance(err, AuthenticationError):
            return _(
                "The zohosync server at %(address)s refused the API token. Set the token in "
                "Settings > Zoho Sync to the server's ZOHOSYNC_API_TOKEN.",
                address=address,
            )
        if isinstance(err, AlreadyRunning):
            return _("A sync run is already in progress: %(msg)s.", msg=str(err))
        if isinstance(err, InvalidArgument):
            return _("The zohosync server refused the value: %(msg)s", msg=str(err))
        if isinstance(err, FailedPrecondition):
            return _("The zohosync server cannot do that now: %(msg)s", msg=str(err))
        if isinstance(err, NotFound):
            return _("The zohosync server does not know it: %(msg)s", msg=str(err))
        return _("The zohosync server reported an error: %(msg)s", msg=str(err))

    @api.model
    def _zoho_call(self, method, *args, timeout=None, **kwargs):
        """Call ``Client.<method>(*args, **kwargs)``; client errors become UserError."""
        client = self._zoho_client(timeout=timeout)
        try:
            return getattr(client, method)(*args, **kwargs)
        except ZohoSyncError as err:
            _logger.info("zohosync %s failed: %s", method, err)
            raise UserError(self._zoho_error_message(err)) from None
        finally:
            client.close()


def check_read(records):
    """Raise AccessError unless the user may read these records (17.0 and 18.0 spellings)."""
    if hasattr(records, "check_access"):  # 18.0
        records.check_access("read")
    else:
        records.check_access_rights("read")
        records.check_access_rule("read")
