import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("support_contract_count_now", {
    steps: () => [
        {
            content: "The repository has never been counted",
            trigger: ".o_form_view div[name='last_code_lines']:contains('0')",
        },
        {
            content: "Count it now",
            trigger: ".o_form_view button[name='action_count_lines']",
            run: "click",
        },
        {
            content: "The new count is on the form",
            trigger: ".o_form_view div[name='last_code_lines']:contains('1,000')",
        },
        {
            content: "and in the history",
            trigger: "button[name='action_view_snapshots'] .o_stat_value:contains('1')",
        },
    ],
});

registry.category("web_tour.tours").add("support_contract_confirm_count", {
    steps: () => [
        {
            content: "The count dropped and waits for a manager",
            trigger: ".o_form_view .alert-warning:contains('dropped more than allowed')",
        },
        {
            content: "Confirm the count",
            trigger: ".o_form_view button[name='action_confirm_count']",
            run: "click",
        },
        {
            content: "Yes, it is right",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The confirmed count sets the price",
            trigger: ".o_form_view div[name='last_code_lines']:contains('300')",
        },
        {
            content: "and no longer waits",
            trigger: ".o_form_view:not(:has(.alert-warning:visible))",
        },
    ],
});
