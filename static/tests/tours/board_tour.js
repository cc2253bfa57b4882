import { registry } from "@web/core/registry";

// A clerk discusses a customer message with the team: the thread opens in
// Discuss with the message's text, the clerk posts, and the message counts
// the posts.
registry.category("web_tour.tours").add("customer_dialog_board_tour", {
    steps: () => [
        {
            content: "Discuss the message in the Community Board",
            trigger: ".o_form_view button[name='action_dialog_discuss']",
            run: "click",
        },
        {
            content: "The thread shows the message's text",
            trigger: ".o-mail-Discuss .o-mail-Message:contains('Lieferverzug seit drei Wochen')",
        },
        {
            content: "Write in the thread",
            trigger: ".o-mail-Discuss .o-mail-Composer-input",
            run: "edit Ich rufe den Kunden heute noch an.",
        },
        {
            content: "Send",
            trigger: ".o-mail-Discuss .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The post is in the thread",
            trigger: ".o-mail-Discuss .o-mail-Message:contains('Ich rufe den Kunden heute noch an.')",
        },
        {
            content: "Back to the message",
            trigger: ".o_breadcrumb a:contains('Lieferverzug')",
            run: "click",
        },
        {
            content: "The message counts two posts in the board",
            trigger: ".o_form_view button[name='action_dialog_discuss'] .o_stat_value:contains(2)",
        },
    ],
});

// The chatter's board badge opens the discussion itself.
registry.category("web_tour.tours").add("customer_dialog_board_badge_tour", {
    steps: () => [
        {
            content: "The message in the customer's chatter counts the posts",
            trigger: ".o-mail-Message:contains('Lieferverzug seit drei Wochen') .o-customer-dialog-badges a:contains('Board: 2')",
            run: "click",
        },
        {
            content: "The badge opened the thread",
            trigger: ".o-mail-Discuss .o-mail-Message:contains('Ich rufe den Kunden heute noch an.')",
        },
    ],
});
