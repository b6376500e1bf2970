// SPDX-License-Identifier: GPL-2.0-only
// privnodectl create-region: a CXL ram region made a private, cram or
// ordinary NUMA node (privnodectl-create-region(1)).
#include "commands.hpp"
#include "json.hpp"

#include "privnode/cxl.hpp"
#include "privnode/parse.hpp"

#include <optional>

namespace privnodectl {

int cmd_create_region(const Global &g, const CreateOpts &o)
{
	// a dry run only reads: no root, no lock
	if (!o.dry_run && !require_root(g, "create-region"))
		return 1;
	std::optional<RegionLock> lock;
	if (!o.dry_run) {
		lock.emplace(g);
		if (int rc = lock->check("create-region"); rc)
			return rc;
	}
	privnode::CreateRegion req;
	req.memdev = o.memdev;
	req.decoder = o.decoder;
	if (o.type == "private")
		req.type = privnode::RegionType::private_;
	else if (o.type == "cram")
		req.type = privnode::RegionType::cram;
	else if (o.type == "sysram")
		req.type = privnode::RegionType::sysram;
	else
		return error("create-region", "--type '" + o.type + "': must be private, cram or sysram");
	if (!o.size.empty()) {
		auto sz = privnode::parse_size(o.size);
		if (!sz)
			return error("create-region",
				     "--size '" + o.size +
					     "': not a size (bytes, or a number with K, M, G, T)");
		req.size = *sz;
	}
	if (o.dry_run) {
		auto plan = privnode::plan_create_region(g.sys, req);
		if (!plan)
			return error("create-region", to_string(plan.error()));
		print_plan(*plan);
		return 0;
	}
	auto r = privnode::create_region(g.sys, req, progress(g));
	if (!r)
		return error("create-region", to_string(r.error()));
	print_json(to_json(*r, g.human));
	return 0;
}

} // namespace privnodectl
