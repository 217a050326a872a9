{
    "name": "Björkdal El: meter readings",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "depends": ["account"],
    "data": ["views/meter_reading_views.xml"],
}
