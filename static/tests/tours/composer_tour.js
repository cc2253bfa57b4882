import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_dialog_composer_tour", {
    steps: () => [
        {
            content: "The chatter offers a dialog message beside Send message and Log note",
            trigger: ".o-mail-Chatter-topbar .o-mail-Chatter-logNote + .o-mail-Chatter-dialogMessage",
        },
        {
            content: "Open the composer from the customer form",
            trigger: ".o_form_view button[name='action_dialog_compose']",
            run: "click",
        },
        {
            content: "Mark the message for the customer",
            trigger: ".modal div[name='visibility'] input[data-value='customer']",
            run: "click",
        },
        {
            content: "The composer says what will happen",
            trigger: ".modal .alert-info:contains('Full content will be emailed')",
        },
        {
            content: "Subject",
            trigger: ".modal div[name='subject'] input",
            run: "edit Vertrag aus der Tour",
        },
        {
            content: "Body",
            trigger: ".modal div[name='body'] .odoo-editor-editable",
            run: "editor Hallo aus der Tour",
        },
        {
            content: "Save",
            trigger: ".modal button[name='action_post']",
            run: "click",
        },
        {
            content: "The user is told what happened",
            trigger: ".o_notification:contains('Full content emailed')",
        },
        {
            content: "Open the customer's file",
            trigger: ".o_form_view button[name='action_dialog_open_messages']:contains(1)",
            run: "click",
        },
        {
            content: "The message is in the overview",
            trigger: ".o_list_view .o_data_row:contains('Vertrag aus der Tour'):contains('For the customer')",
        },
    ],
});
