import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("customer_dialog_portal_tour", {
    steps: () => [
        {
            content: "Open Messages from the portal home",
            trigger: ".o_portal_index_card a[href='/my/messages']",
            run: "click",
        },
        {
            content: "Download the machine-readable copy of the customer file",
            trigger: "a.o_customer_dialog_export_json",
            async run() {
                const response = await fetch(this.anchor.href);
                const data = await response.json();
                const texts = data.references.flatMap((ref) => ref.messages.map((m) => m.text));
                if (!texts.some((text) => text.includes("Ihr neuer Vertrag liegt bei"))) {
                    throw new Error(`The JSON copy lacks the message: ${JSON.stringify(texts)}`);
                }
            },
        },
        {
            content: "Open the message",
            trigger: ".o_customer_dialog_portal_row a:contains('Willkommen im Portal')",
            run: "click",
        },
        {
            content: "The message is shown",
            trigger: ".o_customer_dialog_body:contains('Ihr neuer Vertrag liegt bei')",
        },
        {
            content: "Choose a file with the portal's own button",
            trigger: ".o_customer_dialog_files_chosen",
            run() {
                const input = document.querySelector(".o_customer_dialog_files");
                const files = new DataTransfer();
                files.items.add(new File(["Zählerstand 4711"], "zaehler.txt", { type: "text/plain" }));
                input.files = files.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The chosen file is named",
            trigger: ".o_customer_dialog_files_chosen:contains('zaehler.txt')",
        },
        {
            content: "Write a reply",
            trigger: ".o_customer_dialog_reply_form textarea[name='body']",
            run: "edit Vielen Dank, ich melde mich morgen.",
        },
        {
            content: "Send it",
            trigger: ".o_customer_dialog_reply_form button[type='submit']",
            run: "click",
        },
        {
            content: "The reply is in the conversation",
            trigger: ".o_customer_dialog_reply:contains('Vielen Dank, ich melde mich morgen.')",
        },
    ],
});
