import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * The customer overview ("Alles auf einen Blick", seed S2): the customer,
 * its contacts and a card per section (res.partner.dialog_overview), each
 * with its filters and counts, "nur meine / alle" and "show all" in the
 * app's own list. Every figure comes from the server, searched as the user.
 */
export class CustomerOverview extends Component {
    static template = "customer_dialog.CustomerOverview";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        const action = this.props.action;
        this.partnerId = action.params?.partner_id || action.context?.active_id;
        this.state = useState({ data: null, options: {} });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("res.partner", "dialog_overview", [
            this.partnerId,
            this.state.options,
        ]);
    }

    option(section) {
        return { mine: section.mine, filter: section.filter };
    }

    async setMine(section, mine) {
        this.state.options[section.key] = { ...this.option(section), mine };
        await this.load();
    }

    async setFilter(section, filter) {
        this.state.options[section.key] = { ...this.option(section), filter };
        await this.load();
    }

    openRecord(model, id, viewId = false) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: model,
            res_id: id,
            views: [[viewId, "form"]],
        });
    }

    async showAll(section) {
        const action = await this.orm.call("res.partner", "dialog_overview_show_all", [
            this.partnerId,
            section.key,
            this.option(section),
        ]);
        this.actionService.doAction(action);
    }
}

registry.category("actions").add("customer_dialog.customer_overview", CustomerOverview);
