// SPDX-License-Identifier: GPL-2.0-only
// privnodectl list: nodes, CXL memdevs and regions as JSON
// (privnodectl-list(1)).
#include "commands.hpp"
#include "json.hpp"

#include "privnode/cxl.hpp"
#include "privnode/node.hpp"

namespace privnodectl {

int cmd_list(const Global &g, const ListOpts &opts)
{
	// As in `cxl list`, a filter alone names its kind: -m implies -M,
	// -r implies -R, -n implies -N.
	ListOpts o = opts;
	if (!o.nodes && !o.memdevs && !o.regions) {
		o.nodes = o.node.has_value();
		o.memdevs = !o.memdev.empty();
		o.regions = !o.region.empty();
	}
	const bool all = !o.nodes && !o.memdevs && !o.regions;
	nlohmann::ordered_json out = nlohmann::ordered_json::object();
	int kinds = 0;

	if (all || o.nodes) {
		auto nodes = privnode::list_nodes(g.sys);
		if (!nodes)
			return error("list", to_string(nodes.error()));
		auto arr = nlohmann::ordered_json::array();
		for (const auto &n : *nodes)
			if (!o.node || *o.node == n.id)
				arr.push_back(to_json(n, g.human));
		out["nodes"] = arr;
		kinds++;
	}
	if (all || o.memdevs) {
		auto memdevs = privnode::list_memdevs(g.sys);
		if (!memdevs)
			return error("list", to_string(memdevs.error()));
		auto arr = nlohmann::ordered_json::array();
		for (const auto &m : *memdevs)
			if (o.memdev.empty() || o.memdev == m.name)
				arr.push_back(to_json(m, g.human));
		out["memdevs"] = arr;
		kinds++;
	}
	if (all || o.regions) {
		auto regions = privnode::list_regions(g.sys);
		if (!regions)
			return error("list", to_string(regions.error()));
		auto arr = nlohmann::ordered_json::array();
		for (const auto &r : *regions)
			if (o.region.empty() || o.region == r.name)
				arr.push_back(to_json(r, g.human));
		out["regions"] = arr;
		kinds++;
	}
	// One kind asked for: a plain array, as `cxl list -M` prints, and with
	// -u one object alone as `cxl list -M -u` prints it. Several kinds: one
	// object of arrays, none of them unwrapped.
	if (kinds == 1)
		print_json_array(out.begin().value(), g.human);
	else
		print_json(out);
	return 0;
}

} // namespace privnodectl
