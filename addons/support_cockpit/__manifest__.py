{
    "name": "Support Contracts: cockpit",
    "summary": "Recurring revenue, code under maintenance and the cost of "
    "included support, per month, agreement kind and customer",
    "version": "19.0.1.0.0",
    "category": "Services",
    "website": "https://github.com/odoo-support-contracts/support-contracts",
    "author": "Odoo Support Contracts",
    "maintainers": ["odoo-support-contracts"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["support_billing", "spreadsheet_dashboard"],
    "data": [
        "security/ir.model.access.csv",
        "security/support_cockpit_security.xml",
        "report/support_cockpit_report_views.xml",
        "views/res_config_settings_views.xml",
        "views/support_settings_views.xml",
        "data/support_cockpit_dashboard.xml",
    ],
    "demo": ["demo/res_company_demo.xml"],
    "installable": True,
}
