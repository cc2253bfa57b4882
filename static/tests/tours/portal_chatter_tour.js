import { registry } from "@web/core/registry";

// A customer on their order's portal page: the order's dialog is in its
// chatter, and what they write there is filed in their customer file.
registry.category("web_tour.tours").add("customer_dialog_portal_chatter_tour", {
    steps: () => [
        {
            content: "The order's dialog message is in its chatter, with its subject",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains('Liefertermin'):contains('Die Lieferung kommt am Montag.')",
        },
        {
            content: "It leads to its conversation",
            trigger: "#chatterRoot:shadow .o-mail-Message .o_customer_dialog_portal_link a",
        },
        {
            content: "Write in the order's chatter",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Bitte erst am Dienstag liefern.",
        },
        {
            content: "Send it",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The post is in the chatter",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains('Bitte erst am Dienstag liefern.')",
        },
        {
            content: "Open Messages",
            trigger: "body",
            run: "goToUrl /my/messages",
        },
        {
            content: "The post is a conversation of the customer file",
            trigger: ".o_customer_dialog_portal_row:contains('Bitte erst am Dienstag')",
        },
    ],
});
