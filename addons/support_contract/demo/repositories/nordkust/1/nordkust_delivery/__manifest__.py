{
    "name": "Nordkust delivery routes",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "depends": ["stock", "web"],
    "data": ["views/delivery_route_views.xml"],
    "demo": ["demo/delivery_route_demo.xml"],
    "assets": {"web.assets_backend": ["nordkust_delivery/static/src/js/*.js"]},
}
