/** @odoo-module **/
// Copyright 2026 zohosync authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// <widget name="zoho_sync_run_poller"/> on the run form: while the run is in
// progress it asks Odoo every 2 s to read the run from the zohosync server
// (one short GetRun, zoho.sync.run.zoho_sync_poll) and reloads the record, so
// the progress bar and the counts move. No request is held open for the run.

import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { Component, onMounted, onPatched, onWillUnmount, useState } from "@odoo/owl";

export const POLL_INTERVAL_MS = 2000;

export class ZohoSyncRunPoller extends Component {
    static props = standardWidgetProps;
    static template = "zoho_sync.RunPoller";

    setup() {
        this.orm = useService("orm");
        this.state = useState({ polling: false, error: "", lastUpdate: "" });
        this.timer = null;
        this.alive = true;
        onMounted(() => this.schedule());
        onPatched(() => {
            if (this.running && !this.timer && !this.busy) {
                this.schedule();
            }
        });
        onWillUnmount(() => {
            this.alive = false;
            clearTimeout(this.timer);
            this.timer = null;
        });
    }

    get running() {
        return this.props.record.data.state === "running";
    }

    schedule() {
        clearTimeout(this.timer);
        this.timer = null;
        if (!this.alive || !this.running) {
            this.state.polling = false;
            return;
        }
        this.state.polling = true;
        this.timer = setTimeout(() => this.poll(), POLL_INTERVAL_MS);
    }

    async poll() {
        this.timer = null;
        const record = this.props.record;
        if (!this.alive || !record.resId) {
            return;
        }
        this.busy = true;
        try {
            await this.orm.call("zoho.sync.run", "zoho_sync_poll", [[record.resId]]);
            this.state.error = "";
            this.state.lastUpdate = new Date().toLocaleTimeString();
            if (this.alive) {
                await record.load();
            }
        } catch (error) {
            const data = error && error.data;
            this.state.error = (data && data.message) || (error && error.message) || String(error);
        } finally {
            this.busy = false;
        }
        this.schedule();
    }
}

registry.category("view_widgets").add("zoho_sync_run_poller", {
    component: ZohoSyncRunPoller,
});
