/** @odoo-module **/
// Copyright 2026 zohosync authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// zoho_sync_tour (an administrator): Settings > Zoho Sync > Sync now, the run's
// form follows the run to its end, then the products that came from the
// emulated Zoho catalogue.
// zoho_sync_user_tour (a Zoho Sync User, no Settings rights): Zoho Sync > Sync
// now from the menu, the live progress, the run's end.
// Written for the tour runners of 17.0 and 18.0: 17-only / 18-only keys are added per version.
import { registry } from "@web/core/registry";
import { session } from "@web/session";

const major = (session.server_version_info || [17])[0];
const v18 = typeof major === "number" ? major >= 18 : !String(major).startsWith("17");
// A check-only step: 17 needs isCheck (it clicks a step without `run`); 18 has no
// isCheck, and a step with a `run` there waits for an enabled element.
const CHECK = v18 ? {} : { isCheck: true };

registry.category("web_tour.tours").add("zoho_sync_tour", {
    ...(v18 ? {} : { test: true }),
    url: "/web#action=zoho_sync.zoho_sync_settings_action",
    steps: () => [
        {
            content: "The Zoho Sync block shows the server's status",
            trigger: "div[name='zoho_sync_status_html'] table:contains('Server version')",
            ...CHECK,
        },
        {
            content: "Click Sync now",
            trigger: "button[name='action_zoho_sync_now']",
            run: "click",
        },
        {
            content: "A notification names the run",
            trigger: ".o_notification:contains('Sync started: run')",
            ...CHECK,
        },
        {
            content: "The run form polls the server until the run has succeeded",
            trigger: ".o_form_view .o_statusbar_status button[aria-checked='true']:contains('Succeeded')",
            timeout: 60000,
            ...CHECK,
        },
        {
            content: "The progress bar is full",
            trigger: ".o_zoho_sync_progress:contains('100')",
            ...CHECK,
        },
        {
            content: "Go to the products that came from Zoho",
            trigger: ".o_form_view",
            ...(v18 ? { expectUnloadPage: true } : {}),
            run() {
                window.location.href = "/web#action=zoho_sync.zoho_sync_product_action";
            },
        },
        {
            content: "The emulated catalogue's products are there",
            trigger: ".o_kanban_record:contains('Compact Notebook 1')",
            timeout: 30000,
            ...CHECK,
        },
    ],
});


registry.category("web_tour.tours").add("zoho_sync_user_tour", {
    ...(v18 ? {} : { test: true }),
    url: "/web#action=zoho_sync.zoho_sync_run_action",
    steps: () => [
        {
            content: "Click Zoho Sync > Sync now in the menu",
            trigger: ".o_main_navbar [data-menu-xmlid='zoho_sync.zoho_sync_menu_sync']",
            timeout: 30000, // the first page of a fresh database builds its assets
            run: "click",
        },
        {
            content: "A notification names the run",
            trigger: ".o_notification:contains('Sync started: run')",
            ...CHECK,
        },
        {
            content: "The run's form shows the live progress while the run goes on",
            trigger: ".o_form_view .o_zoho_sync_live .o_zoho_sync_live_progress",
            timeout: 30000,
            ...CHECK,
        },
        {
            content: "The run form polls the server until the run has succeeded",
            trigger: ".o_form_view .o_statusbar_status button[aria-checked='true']:contains('Succeeded')",
            timeout: 60000,
            ...CHECK,
        },
        {
            content: "The stored progress bar is full",
            trigger: ".o_zoho_sync_progress:contains('100')",
            ...CHECK,
        },
    ],
});
