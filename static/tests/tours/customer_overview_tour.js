import { registry } from "@web/core/registry";

// A clerk opens the overview of a customer from its form, narrows the
// communication to their own and back, and opens a message.
registry.category("web_tour.tours").add("customer_dialog_customer_overview_tour", {
    steps: () => [
        {
            content: "Open the customer's overview",
            trigger: ".o_form_view button[name='action_dialog_overview']",
            run: "click",
        },
        {
            content: "The page shows the customer, its contacts and its communication",
            trigger: ".o_customer_dialog_overview:has(.o_customer_dialog_overview_contacts) .o_customer_dialog_overview_communication .o_customer_dialog_overview_row",
        },
        {
            content: "Only my communication",
            trigger: ".o_customer_dialog_overview_communication .o_customer_dialog_mine",
            run: "click",
        },
        {
            content: "The switch says: only mine",
            trigger: ".o_customer_dialog_overview_communication .o_customer_dialog_mine.btn-primary",
        },
        {
            content: "All again",
            trigger: ".o_customer_dialog_overview_communication .o_customer_dialog_all",
            run: "click",
        },
        {
            content: "The switch says: all",
            trigger: ".o_customer_dialog_overview_communication .o_customer_dialog_all.btn-primary",
        },
        {
            content: "The to-dos are there too",
            trigger: ".o_customer_dialog_overview_activities .o_customer_dialog_filter[data-filter='open']",
            run: "click",
        },
        {
            content: "Open a message",
            trigger: ".o_customer_dialog_overview_communication .o_customer_dialog_overview_row",
            run: "click",
        },
        {
            content: "Its form opened",
            trigger: ".o_form_view .o_field_widget[name='subject'], .o_form_view .o_field_widget[name='dialog_title']",
        },
    ],
});
