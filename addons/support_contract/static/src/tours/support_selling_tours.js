import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("support_contract_quotation_form", {
    steps: () => [
        {
            content: "The quotation opens",
            trigger: ".o_form_view .o_field_widget[name='partner_id']",
        },
        {
            content: "Its code-line count",
            trigger: ".o_notebook a:contains('Code-line count')",
            run: "click",
        },
        {
            content: "with the price per block",
            trigger: ".o_form_view div[name='support_quote_unit_price']:contains('95.55')",
        },
    ],
});

registry.category("web_tour.tours").add("support_contract_settings_save", {
    steps: () => [
        {
            content: "The support settings open",
            trigger: ".o_form_view div[name='quote_recount_days'] input",
            run: "edit 21",
        },
        {
            content: "Save them",
            trigger: ".o_form_view button[name='action_save']",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved div[name='quote_recount_days'] input:value(21)",
        },
    ],
});
