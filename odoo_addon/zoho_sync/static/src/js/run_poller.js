/** @odoo-module **/
// Copyright 2026 zohosync authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// <widget name="zoho_sync_run_poller"/> on the run form: while the run is in
// progress it asks Odoo every 2 s to read the run from the zohosync server
// (one short GetRun, zoho.sync.run.zoho_sync_poll) and shows the live figures
// it returns; nothing is written while the run goes on. When the run has ended
// Odoo stores it once and the form reloads the stored record.

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
        this.state = useState({ polling: false, error: "", lastUpdate: "", live: null });
        this.timer = null;
        this.alive = true;
        // A run stored as in progress is asked about at once: it may have ended unseen.
        onMounted(() => this.schedule(0));
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

    schedule(delay = POLL_INTERVAL_MS) {
        clearTimeout(this.timer);
        this.timer = null;
        if (!this.alive || !this.running) {
            this.state.polling = false;
            this.state.live = null;
            return;
        }
        this.state.polling = true;
        this.timer = setTimeout(() => this.poll(), delay);
    }

    get percent() {
        const live = this.state.live;
        return live ? Math.round(live.progress || 0) : 0;
    }

    async poll() {
        this.timer = null;
        const record = this.props.record;
        if (!this.alive || !record.resId) {
            return;
        }
        this.busy = true;
        try {
            const result = await this.orm.call("zoho.sync.run", "zoho_sync_poll", [[record.resId]]);
            this.state.error = "";
            this.state.lastUpdate = new Date().toLocaleTimeString();
            this.state.live = result.running ? result.values : null;
            if (this.alive && result.stored) {
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
