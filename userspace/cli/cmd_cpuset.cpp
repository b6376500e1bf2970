// SPDX-License-Identifier: GPL-2.0-only
// privnodectl cpuset: show or change which nodes a cgroup v2 cpuset may use
// (how a private node is granted to the programs of one cgroup).
#include "commands.hpp"
#include "json.hpp"

#include "privnode/cpuset.hpp"
#include "privnode/parse.hpp"

#include <algorithm>

namespace privnodectl {

namespace {

nlohmann::ordered_json to_json(const privnode::Cpuset &c)
{
	nlohmann::ordered_json j;
	j["cgroup"] = "/" + c.cgroup;
	j["mems"] = privnode::format_nodelist(c.mems);
	j["mems_effective"] = privnode::format_nodelist(c.effective);
	return j;
}

} // namespace

int cmd_cpuset(const Global &g, const CpusetOpts &o)
{
	auto c = privnode::read_cpuset(g.sys, o.cgroup);
	if (!c)
		return error("cpuset", to_string(c.error()));
	if (o.add.empty() && o.remove.empty()) {
		print_json(to_json(*c));
		return 0;
	}
	if (!require_root(g, "cpuset"))
		return 1;
	// An empty cpuset.mems means "inherit": start from the effective set.
	std::vector<int> mems = c->mems.empty() ? c->effective : c->mems;
	for (int n : o.add)
		if (std::find(mems.begin(), mems.end(), n) == mems.end())
			mems.push_back(n);
	for (int n : o.remove)
		mems.erase(std::remove(mems.begin(), mems.end(), n), mems.end());
	std::sort(mems.begin(), mems.end());
	if (mems.empty())
		return error("cpuset", "refusing to leave /" + o.cgroup + " with no memory node");
	if (auto st = privnode::set_cpuset_mems(g.sys, o.cgroup, mems); !st)
		return error("cpuset", to_string(st.error()));
	auto after = privnode::read_cpuset(g.sys, o.cgroup);
	if (!after)
		return error("cpuset", to_string(after.error()));
	print_json(to_json(*after));
	return 0;
}

} // namespace privnodectl
