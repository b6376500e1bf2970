// SPDX-License-Identifier: GPL-2.0-only
// privnodectl online: the memory blocks of a region's dax device, or of a
// dax device, made online_movable (privnodectl-online(1)).
#include "commands.hpp"

#include "privnode/cxl.hpp"

#include <iostream>

namespace privnodectl {

int cmd_online(const Global &g, const std::string &target)
{
	if (!require_root(g, "online"))
		return 1;
	const auto dax = dax_of(g, "online", target);
	if (!dax)
		return 1;
	if (auto st = privnode::online_dax_memory(g.sys, *dax); !st)
		return error("online", to_string(st.error()));
	std::cerr << "privnodectl: online " << *dax << "\n";
	return 0;
}

} // namespace privnodectl
