{
    "name": "Nordkust reports",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "depends": ["nordkust_delivery"],
    "data": ["report/route_report.xml"],
}
