// SPDX-License-Identifier: GPL-2.0-only
// privnodectl offline: the memory blocks of a region's dax device, or of a
// dax device, offlined (privnodectl-offline(1)).
#include "commands.hpp"

#include "privnode/cxl.hpp"

#include <iostream>

namespace privnodectl {

int cmd_offline(const Global &g, const std::string &target)
{
	if (!require_root(g, "offline"))
		return 1;
	const auto dax = dax_of(g, "offline", target);
	if (!dax)
		return 1;
	if (auto st = privnode::offline_dax_memory(g.sys, *dax); !st)
		return error("offline", to_string(st.error()));
	std::cerr << "privnodectl: offline " << *dax << "\n";
	return 0;
}

} // namespace privnodectl
