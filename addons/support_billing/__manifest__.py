{
    "name": "Support Contracts: billing",
    "summary": "Monthly invoices of the support agreements, exactly once",
    "version": "19.0.1.0.0",
    "category": "Accounting",
    "website": "https://github.com/odoo-support-contracts/support-contracts",
    "author": "Odoo Support Contracts",
    "maintainers": ["odoo-support-contracts"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["account", "support_contract", "support_helpdesk_scope"],
    "data": [],
    "installable": True,
}
