{
    "name": "Support Contracts: helpdesk scope",
    "summary": "Which tickets the support agreement covers and which are billable",
    "version": "19.0.1.0.0",
    "category": "Services",
    "website": "https://github.com/odoo-support-contracts/support-contracts",
    "author": "Odoo Support Contracts",
    "maintainers": ["odoo-support-contracts"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["helpdesk_mgmt", "hr_timesheet", "support_contract"],
    "data": [],
    "installable": True,
}
