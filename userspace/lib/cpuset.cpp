// SPDX-License-Identifier: GPL-2.0-only
#include "privnode/cpuset.hpp"

#include "privnode/node.hpp"
#include "privnode/parse.hpp"

#include <cerrno>

namespace privnode {

namespace {

std::string cg_path(const std::string &cgroup, const std::string &file)
{
	std::string p = kCgroupRoot;
	if (!cgroup.empty())
		p += "/" + cgroup;
	return file.empty() ? p : p + "/" + file;
}

} // namespace

Result<Cpuset> read_cpuset(const Sysfs &sys, const std::string &cgroup)
{
	if (cgroup.find("..") != std::string::npos)
		return fail(EINVAL, cgroup, "cgroup path must not contain '..'");
	if (!sys.exists(cg_path(cgroup, "cgroup.procs")))
		return fail(ENOENT, cg_path(cgroup, ""), "no such cgroup");
	if (!sys.exists(cg_path(cgroup, "cpuset.mems.effective")))
		return fail(ENOENT, cg_path(cgroup, "cpuset.mems.effective"),
			    "cpuset controller not enabled (add +cpuset to the parent's "
			    "cgroup.subtree_control)");
	Cpuset c;
	c.cgroup = cgroup;
	auto eff = read_nodelist(sys, cg_path(cgroup, "cpuset.mems.effective"));
	if (!eff)
		return std::unexpected(eff.error());
	c.effective = *eff;
	if (sys.exists(cg_path(cgroup, "cpuset.mems"))) { // the root has none
		auto mems = read_nodelist(sys, cg_path(cgroup, "cpuset.mems"));
		if (!mems)
			return std::unexpected(mems.error());
		c.mems = *mems;
	}
	if (sys.exists(cg_path(cgroup, "cpuset.mems.sysram"))) {
		auto sysram = read_nodelist(sys, cg_path(cgroup, "cpuset.mems.sysram"));
		if (!sysram)
			return std::unexpected(sysram.error());
		c.has_sysram = true;
		c.sysram = *sysram;
	}
	if (cgroup.empty() && sys.exists(cg_path(cgroup, "cpuset.mems.private"))) {
		auto grant = read_nodelist(sys, cg_path(cgroup, "cpuset.mems.private"));
		if (!grant)
			return std::unexpected(grant.error());
		c.has_private = true;
		c.private_ = *grant;
	}
	return c;
}

Status set_cpuset_mems(const Sysfs &sys, const std::string &cgroup, const std::vector<int> &mems)
{
	if (cgroup.empty())
		return fail(EINVAL, kCgroupRoot, "the root cgroup has no cpuset.mems");
	auto cur = read_cpuset(sys, cgroup);
	if (!cur)
		return std::unexpected(cur.error());
	return sys.write(cg_path(cgroup, "cpuset.mems"), format_nodelist(mems));
}

Status set_root_private_grant(const Sysfs &sys, const std::vector<int> &nodes)
{
	auto cur = read_cpuset(sys, "");
	if (!cur)
		return std::unexpected(cur.error());
	if (!cur->has_private)
		return fail(EOPNOTSUPP, cg_path("", "cpuset.mems.private"),
			    "this kernel has no system-wide grant of private nodes");
	return sys.write(cg_path("", "cpuset.mems.private"), format_nodelist(nodes));
}

} // namespace privnode
