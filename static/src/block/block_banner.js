import { Component, useState } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { useRecordObserver } from "@web/model/relational_model/utils";
import { FormController } from "@web/views/form/form_controller";

/** Forms where a salesperson deals with a customer: a blocked customer is
 *  shown there as on the customer's own form (no dependency on sale: the
 *  banner asks res.partner.dialog_block_banner for the record's partner). */
export const BLOCK_BANNER_MODELS = ["sale.order"];

export class CustomerDialogBlockBanner extends Component {
    static template = "customer_dialog.BlockBanner";
    static props = ["record"];

    setup() {
        this.orm = useService("orm");
        this.state = useState({ summary: false });
        useRecordObserver(async (record) => {
            const partner = record.data.partner_id;
            const partnerId = Array.isArray(partner) ? partner[0] : partner?.id;
            this.state.summary = partnerId
                ? await this.orm.call("res.partner", "dialog_block_banner", [[partnerId]])
                : false;
        });
    }
}

FormController.components = { ...FormController.components, CustomerDialogBlockBanner };
patch(FormController.prototype, {
    get customerDialogBlockBanner() {
        const root = this.model.root;
        return BLOCK_BANNER_MODELS.includes(root.resModel) && "partner_id" in root.fields;
    },
});
