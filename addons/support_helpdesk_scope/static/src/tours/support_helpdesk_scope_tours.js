import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("support_helpdesk_scope_submit", {
    steps: () => [
        {
            content: "The form shows that an import is billable, and at which rate",
            trigger: "tr:contains('Import or export of data') .badge:contains('Billable')",
        },
        {
            content: "How-to questions are included in the agreement",
            trigger: "tr:contains('How-to question') .badge:contains('Included')",
        },
        {
            content: "One category picker: choose what the request is about",
            trigger: "select[name='category']",
            run: "selectByLabel Import or export of data",
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

registry.category("web_tour.tours").add("support_helpdesk_scope_log_and_reclassify", {
    steps: () => [
        {
            content: "Open the Time and scope tab",
            trigger: "a.nav-link:contains('Time and scope')",
            run: "click",
        },
        {
            content: "The time already logged by a colleague is listed",
            trigger: "div[name='timesheet_ids'] .o_data_row:contains('Colleague work')",
        },
        {
            content: "Add a timesheet line",
            trigger: "div[name='timesheet_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Describe the work",
            trigger: "div[name='timesheet_ids'] .o_selected_row div[name='name'] input",
            run: "edit Tour: analysed the import file",
        },
        {
            content: "Hours",
            trigger: "div[name='timesheet_ids'] .o_selected_row div[name='unit_amount'] input",
            run: "edit 1:30",
        },
        {
            content: "Save the ticket",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the hours spent include the new line",
            trigger: ".o_form_saved div[name='hours_spent']:contains('03:30')",
        },
        {
            content: "Reclassify",
            trigger: "button[name='action_open_reclassify']",
            run: "click",
        },
        {
            content: "Billable",
            trigger: ".modal div[name='scope'] input[data-value='billable']",
            run: "click",
        },
        {
            content: "Reason",
            trigger: ".modal div[name='reason'] input",
            run: "edit The import of a new product list is charged separately",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The ticket is billable",
            trigger: ".o_form_view:not(:has(.modal)) div[name='scope']:contains('Billable')",
        },
        {
            content: "The ticket is shown as saved (nothing left to save when the page closes)",
            trigger: ".o_form_saved div[name='scope']:contains('Billable')",
        },
    ],
});
