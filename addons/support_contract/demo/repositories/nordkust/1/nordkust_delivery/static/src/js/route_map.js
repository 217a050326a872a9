/** @odoo-module **/
// Shows the stops of a route on a map.
import { Component } from "@odoo/owl";

export class RouteMap extends Component {
    static template = "nordkust_delivery.RouteMap";
    /* The stops, in order */
    get stops() {
        return this.props.record.data.stop_ids.records;
    }
}
