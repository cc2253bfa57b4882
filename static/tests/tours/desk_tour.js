import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_dialog_chatter_badges_tour", {
    steps: () => [
        {
            content: "The dialog message says in the chatter what it is",
            trigger: ".o-mail-Message:contains('Rückruf Tour') .o-customer-dialog-badges:contains('Phone call'):contains('Incoming'):contains('Internal')",
        },
        {
            content: "A customer message shows its delivery",
            trigger: ".o-mail-Message:contains('Angebot Tour') .o-customer-dialog-badges:contains('For the customer'):contains('Sent')",
        },
        {
            content: "A plain note has no dialog badges",
            trigger: ".o-mail-Message:contains('Einfache Notiz'):not(:has(.o-customer-dialog-badges))",
        },
    ],
});

registry.category("web_tour.tours").add("customer_dialog_follow_up_tour", {
    steps: () => [
        {
            content: "The form's title is the message's subject",
            trigger: ".o_breadcrumb:contains('Rückruf Tour')",
        },
        {
            content: "Move the follow-up",
            trigger: ".o_form_view div[name='dialog_follow_up_date'] input",
            run: `edit ${luxon.DateTime.now().plus({ days: 30 }).toFormat("MM/dd/yyyy")}`,
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});

registry.category("web_tour.tours").add("customer_dialog_release_tour", {
    steps: () => [
        {
            content: "An internal message can be released for the customer",
            trigger: ".o_form_view button[name='action_dialog_release']",
            run: "click",
        },
        {
            content: "The dialog says what will happen before it happens",
            trigger: ".modal .alert-info:contains('Notice without content will be emailed')",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name='action_release']",
            run: "click",
        },
        {
            content: "The user is told what happened",
            trigger: ".o_notification:contains('Released for the customer')",
        },
        {
            content: "The message is now for the customer",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('For the customer')",
        },
    ],
});

registry.category("web_tour.tours").add("customer_dialog_quotation_block_tour", {
    steps: () => [
        {
            content: "A blocked customer's quotation says so where the salesperson works",
            trigger: ".o_customer_dialog_block_banner:contains('Customer blocked since'):contains('Zahlungsrückstand')",
        },
        {
            content: "The quotation itself is shown as usual",
            trigger: ".o_form_view .o_field_widget[name='partner_id']",
        },
    ],
});

registry.category("web_tour.tours").add("customer_dialog_no_result_tour", {
    steps: () => [
        {
            content: "The overview lists the messages",
            trigger: ".o_list_view .o_data_row:contains('Rückruf Tour')",
        },
        {
            content: "Search for what is not there",
            trigger: ".o_searchview_input",
            run: "edit Gibtsnicht",
        },
        {
            content: "Search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Odoo's no-result wording, not 'No dialog message yet'",
            trigger: ".o_view_nocontent:contains('No dialog message found'):not(:contains('No dialog message yet'))",
        },
    ],
});
