// SPDX-License-Identifier: GPL-2.0-only
// cgroup v2 cpuset through cgroupfs directly (libcgroup 2.0 has no v2
// cpuset helpers worth the dependency): which nodes a cgroup may use.
#pragma once

#include "privnode/error.hpp"
#include "privnode/sysfs.hpp"

#include <string>
#include <vector>

namespace privnode {

inline constexpr const char *kCgroupRoot = "/sys/fs/cgroup";

struct Cpuset {
	std::string cgroup;          // path below kCgroupRoot, "" for the root
	std::vector<int> mems;       // cpuset.mems (empty: inherit)
	std::vector<int> effective;  // cpuset.mems.effective
};

[[nodiscard]] Result<Cpuset> read_cpuset(const Sysfs &sys, const std::string &cgroup);

// Write cpuset.mems of @cgroup to @mems (the kernel checks them against
// the parent's effective mems and the node states).
[[nodiscard]] Status set_cpuset_mems(const Sysfs &sys, const std::string &cgroup,
				     const std::vector<int> &mems);

} // namespace privnode
