// SPDX-License-Identifier: GPL-2.0-only
// privnodectl show: one NUMA node as JSON (privnodectl-show(1)).
#include "commands.hpp"
#include "json.hpp"

#include "privnode/node.hpp"

namespace privnodectl {

int cmd_show(const Global &g, int id)
{
	auto n = privnode::read_node(g.sys, id);
	if (!n)
		return error("show", to_string(n.error()));
	print_json(to_json(*n, g.human));
	return 0;
}

} // namespace privnodectl
