import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("support_helpdesk_scope_submit", {
    steps: () => [
        {
            content: "The form shows that an import is billable, and at which rate",
            trigger: "tr[data-scope-code='import_export'] .badge:contains('Billable')",
        },
        {
            content: "How-to questions are included in the agreement",
            trigger: "tr[data-scope-code='how_to'] .badge:contains('Included')",
        },
        {
            content: "Choose what the request is about",
            trigger: "select[name='scope_category']",
            run: "selectByIndex 5",
        },
        {
            content: "Subject",
            trigger: "input[name='subject']",
            run: "edit Tour: import customers",
        },
        {
            content: "Description",
            trigger: "textarea[name='description']",
            run: "edit Please import the attached customer list.",
        },
        {
            content: "Submit",
            trigger: "button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The ticket page shows it is billable",
            trigger: ".o_support_ticket_scope:contains('Billable')",
        },
    ],
});

registry.category("web_tour.tours").add("support_helpdesk_scope_approve", {
    steps: () => [
        {
            content: "The page asks for approval, with the rate",
            trigger: ".o_support_approval:contains('850')",
        },
        {
            content: "Approve the billable work",
            trigger: "button.o_support_approve",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The approval is recorded",
            trigger: ".o_support_ticket_scope:contains('Approved')",
        },
    ],
});
