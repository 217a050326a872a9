import { registry } from "@web/core/registry";

// The Swedish prospect opens the signing dialog and reads what it signs.
registry.category("web_tour.tours").add("support_contract_sign_commitment", {
    steps: () => [
        {
            content: "Open the signing dialog",
            trigger: "a[data-bs-target='#modalaccept']:visible",
            run: "click",
        },
        {
            content: "The sentence states the monthly amount, in Swedish",
            trigger: ".modal#modalaccept .o_support_sign_commitment:contains('per månad, exkl. moms')",
        },
        {
            content: "the minimum term and the total over it",
            trigger: ".modal#modalaccept .o_support_sign_commitment:contains('12 månader: totalt')",
        },
        {
            content: "and not Odoo's sentence",
            trigger: ".modal#modalaccept:not(:contains('citat'))",
        },
    ],
});
