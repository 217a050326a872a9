import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("support_billing_accountant_invoice", {
    steps: () => [
        {
            content: "Invoice the agreement's period",
            trigger: ".o_form_view .o_form_statusbar button[name='manual_invoice']:visible",
            run: "click",
        },
        {
            content: "The draft invoice opens",
            trigger: ".o_form_view .o_form_statusbar button[name='action_post']",
            run: "click",
        },
        {
            content: "It is posted",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
        {
            content: "Open the print menu",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Open the print reports",
            trigger: ".o-dropdown--menu button:has(.fa-print)",
            run: "click",
        },
        {
            content: "The support statement can be printed from the invoice",
            trigger: ".o-dropdown--menu .o_menu_item:contains('Support statement')",
        },
    ],
});
