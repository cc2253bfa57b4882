import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_dialog_export_tour", {
    steps: () => [
        {
            content: "Export the customer file from the customer form",
            trigger: ".o_form_view button[name='action_dialog_export_file']",
            run: "click",
        },
        {
            content: "The customer file is shown, with its cover",
            trigger: ":iframe .o_customer_dialog_file_cover:contains('Kundenfirma Test GmbH')",
        },
        {
            content: "It holds the customer's messages",
            trigger: ":iframe .o_customer_dialog_file_message:contains('Tourvertrag')",
        },
    ],
});
