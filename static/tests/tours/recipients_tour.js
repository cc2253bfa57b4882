import { registry } from "@web/core/registry";

// A clerk sends a message with a copy to the customer's tax advisor (outside
// the customer: the composer asks), then logs an internal note only a
// colleague may read.
registry.category("web_tour.tours").add("customer_dialog_recipients_tour", {
    steps: () => [
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
            content: "Add the tax advisor as CC",
            trigger: ".modal div[name='cc_partner_ids'] input",
            run: "edit Steuerbüro",
        },
        {
            content: "Choose him",
            trigger: "ul.ui-autocomplete a:contains('Steuerbüro Stein')",
            run: "click",
        },
        {
            content: "The composer says that the content leaves the customer",
            trigger: ".modal .o_customer_dialog_outside:contains('Steuerbüro Stein')",
        },
        {
            content: "Confirm that he may read it",
            trigger: ".modal div[name='confirm_outside'] input",
            run: "click",
        },
        {
            content: "Subject",
            trigger: ".modal div[name='subject'] input",
            run: "edit Jahresabschluss mit Kopie",
        },
        {
            content: "Body",
            trigger: ".modal div[name='body'] .odoo-editor-editable",
            run: "editor Anbei die Unterlagen.",
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
            content: "Log an internal note for one colleague",
            trigger: ".o_form_view button[name='action_dialog_compose']",
            run: "click",
        },
        {
            content: "Name the reader",
            trigger: ".modal div[name='reader_user_ids'] input",
            run: "edit Rudi",
        },
        {
            content: "Choose her",
            trigger: "ul.ui-autocomplete a:contains('Rudi Leser')",
            run: "click",
        },
        {
            content: "Subject",
            trigger: ".modal div[name='subject'] input",
            run: "edit Vertrauliche Notiz",
        },
        {
            content: "Body",
            trigger: ".modal div[name='body'] .odoo-editor-editable",
            run: "editor Nur für Rudi.",
        },
        {
            content: "Save",
            trigger: ".modal button[name='action_post']",
            run: "click",
        },
        {
            content: "Open the customer's file",
            trigger: ".o_form_view button[name='action_dialog_open_messages']:contains(2)",
            run: "click",
        },
        {
            content: "The restricted note shows its lock",
            trigger: ".o_list_view .o_data_row:contains('Vertrauliche Notiz') .fa-lock",
        },
        {
            content: "Open the message with the copy",
            trigger: ".o_list_view .o_data_row:contains('Jahresabschluss mit Kopie') td[name='subject']",
            run: "click",
        },
        {
            content: "Its recipients",
            trigger: ".o_form_view .o_notebook a[name='recipients']",
            run: "click",
        },
        {
            content: "The copy is listed with its address and state",
            trigger: ".o_form_view div[name='dialog_recipient_ids'] .o_data_row:contains('Steuerbüro Stein'):contains('stein@steuer.example.com'):contains('CC')",
        },
    ],
});
