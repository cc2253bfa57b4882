import { Chatter } from "@mail/chatter/web_portal/chatter";
import { onWillStart } from "@odoo/owl";
import { user } from "@web/core/user";
import { patch } from "@web/core/utils/patch";

/** A "Dialog message" button beside "Send message" and "Log note". */
patch(Chatter.prototype, {
    setup() {
        super.setup(...arguments);
        this.canLogDialogMessage = false;
        onWillStart(async () => {
            this.canLogDialogMessage = await user.hasGroup(
                "customer_dialog.group_customer_dialog_user"
            );
        });
    },

    async onClickDialogMessage() {
        this.closeSearch();
        const open = async (thread) => {
            await this.env.services.action.doAction("customer_dialog.customer_dialog_composer_action", {
                additionalContext: {
                    default_res_model: thread.model,
                    default_res_id: thread.id,
                },
                onClose: () => this.load(thread, ["activities", "messages"]),
            });
        };
        if (this.state.thread.id) {
            await open(this.state.thread);
        } else {
            this.onThreadCreated = open;
            await this.props.saveRecord?.();
        }
    },
});
