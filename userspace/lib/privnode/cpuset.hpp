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

// A private node is never in a task's Mems_allowed. An administrator grants
// it to the tasks of a cgroup: through cpuset.mems below the root, and
// through the root's cpuset.mems.private for the root cgroup and every
// cgroup that inherits its mems. cpuset.mems.effective then shows the
// granted private nodes that allow placement; cpuset.mems.sysram the
// ordinary nodes alone. Kernels without the grant have neither file.
struct Cpuset {
	std::string cgroup; // path below kCgroupRoot, "" for the root
	std::vector<int> mems; // cpuset.mems (empty: inherit; the root has none)
	std::vector<int> effective; // cpuset.mems.effective
	bool has_sysram = false; // the kernel has cpuset.mems.sysram
	std::vector<int> sysram; // cpuset.mems.sysram: ordinary nodes only
	bool has_private = false; // root only: cpuset.mems.private exists
	std::vector<int> private_; // root only: cpuset.mems.private, the system-wide grant
};

[[nodiscard]] Result<Cpuset> read_cpuset(const Sysfs &sys, const std::string &cgroup);

// Write cpuset.mems of @cgroup to @mems (the kernel checks them against
// the parent's effective mems and the node states).
[[nodiscard]] Status set_cpuset_mems(const Sysfs &sys, const std::string &cgroup,
				     const std::vector<int> &mems);

// Write the root's cpuset.mems.private, the private nodes granted to the
// root cgroup and to every cgroup that inherits its mems. EOPNOTSUPP on a
// kernel without it.
[[nodiscard]] Status set_root_private_grant(const Sysfs &sys, const std::vector<int> &nodes);

} // namespace privnode
