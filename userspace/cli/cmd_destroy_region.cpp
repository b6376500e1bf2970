// SPDX-License-Identifier: GPL-2.0-only
// privnodectl destroy-region: a region's memory offlined, the region taken
// down and deleted (privnodectl-destroy-region(1)).
#include "commands.hpp"

#include "privnode/cxl.hpp"

#include <iostream>

namespace privnodectl {

int cmd_destroy_region(const Global &g, const std::string &region, bool dry_run)
{
	if (dry_run) { // only reads: no root, no lock
		auto plan = privnode::plan_destroy_region(g.sys, region);
		if (!plan)
			return error("destroy-region", to_string(plan.error()));
		print_plan(*plan);
		return 0;
	}
	if (!require_root(g, "destroy-region"))
		return 1;
	const RegionLock lock(g);
	if (int rc = lock.check("destroy-region"); rc)
		return rc;
	if (auto st = privnode::destroy_region(g.sys, region, progress(g)); !st)
		return error("destroy-region", to_string(st.error()));
	std::cerr << "privnodectl: destroyed " << region << "\n";
	return 0;
}

} // namespace privnodectl
