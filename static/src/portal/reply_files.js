/** The reply form's files: a button and the chosen names in the portal's
 * language (a plain file input says "Choose Files / No file chosen" in the
 * browser's). */
import publicWidget from "@web/legacy/js/public/public_widget";

publicWidget.registry.CustomerDialogReplyFiles = publicWidget.Widget.extend({
    selector: ".o_customer_dialog_reply_form",
    events: {
        "change .o_customer_dialog_files": "_onFilesChange",
    },

    _onFilesChange(ev) {
        const names = [...ev.currentTarget.files].map((file) => file.name);
        const chosen = this.el.querySelector(".o_customer_dialog_files_chosen");
        chosen.textContent = names.length ? names.join(", ") : chosen.dataset.empty;
    },
});
