import { registry } from "@web/core/registry";

// Without wkhtmltopdf: "Print Letter" shows the letter as a page to print.
registry.category("web_tour.tours").add("customer_dialog_letter_tour", {
    steps: () => [
        {
            content: "Print the letter from the message",
            trigger: ".o_form_view button[name='action_dialog_print_letter']",
            run: "click",
        },
        {
            content: "The letter is shown with its address window",
            trigger: ":iframe .o_customer_dialog_letter .o_letter_address:contains('Am Markt 1')",
        },
        {
            content: "and its text",
            trigger: ":iframe .o_customer_dialog_letter .o_letter_body:contains('Ihr Zählerstand')",
        },
    ],
});
