{
    "name": "Björkdal El: grid report",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "depends": ["bjorkdal_metering"],
}
