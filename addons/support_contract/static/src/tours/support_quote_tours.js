import { registry } from "@web/core/registry";

// The prospect reads how its price was counted, then accepts and signs.
registry.category("web_tour.tours").add("support_contract_quote_sign", {
    steps: () => [
        {
            content: "The count per addon is on the quotation",
            trigger: "#support_quote_evidence td:contains('prospekt_sales')",
        },
        {
            content: "with blocks × price = monthly amount",
            trigger: "#support_quote_evidence .o_support_quote_formula:contains('13')",
        },
        {
            content: "Accept and sign",
            trigger: "a:contains('Sign')",
            run: "click",
        },
        {
            content: "Type the name",
            trigger: ".modal .o_web_sign_name_and_signature input",
            run: "fill Per Prospekt",
        },
        {
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            content: "Accept and sign",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The order is confirmed",
            trigger: "#quote_content:contains('Thank You')",
        },
    ],
});
