// SPDX-License-Identifier: GPL-2.0-only
// privnodectl cpuset: show or change which nodes a cgroup v2 cpuset may use:
// how an administrator grants a private node to the programs of one cgroup
// (its cpuset.mems), or of the whole system (the root's cpuset.mems.private).
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
	if (c.cgroup.empty()) {
		if (c.has_private)
			j["mems_private"] = privnode::format_nodelist(c.private_);
	} else {
		j["mems"] = privnode::format_nodelist(c.mems);
	}
	j["mems_effective"] = privnode::format_nodelist(c.effective);
	if (c.has_sysram)
		j["mems_sysram"] = privnode::format_nodelist(c.sysram);
	return j;
}

std::vector<int> apply(std::vector<int> nodes, const CpusetOpts &o)
{
	for (int n : o.add)
		if (std::find(nodes.begin(), nodes.end(), n) == nodes.end())
			nodes.push_back(n);
	for (int n : o.remove)
		nodes.erase(std::remove(nodes.begin(), nodes.end(), n), nodes.end());
	std::sort(nodes.begin(), nodes.end());
	return nodes;
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
	if (o.cgroup.empty()) {
		// The root has no cpuset.mems: its grant of private nodes is
		// cpuset.mems.private, for the whole system.
		if (auto st = privnode::set_root_private_grant(g.sys, apply(c->private_, o)); !st)
			return error("cpuset", to_string(st.error()));
	} else {
		// An empty cpuset.mems means "inherit": start from the effective set.
		auto mems = apply(c->mems.empty() ? c->effective : c->mems, o);
		if (mems.empty())
			return error("cpuset", "refusing to leave /" + o.cgroup + " with no memory node");
		if (auto st = privnode::set_cpuset_mems(g.sys, o.cgroup, mems); !st)
			return error("cpuset", to_string(st.error()));
	}
	auto after = privnode::read_cpuset(g.sys, o.cgroup);
	if (!after)
		return error("cpuset", to_string(after.error()));
	print_json(to_json(*after));
	return 0;
}

} // namespace privnodectl
