// SPDX-License-Identifier: GPL-2.0-only
// The NUMA node model as sysfs shows it: ordinary, private and memoryless
// nodes, their sizes, CPUs and, for private nodes, the owner's opt-ins.
#pragma once

#include "privnode/error.hpp"
#include "privnode/sysfs.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace privnode {

inline constexpr const char *kNodeDir = "/sys/devices/system/node";

enum class NodeKind {
	memory, // in has_memory: ordinary system RAM
	private_, // in has_private_memory: reachable only by explicit request
	memoryless, // online but with neither
};

[[nodiscard]] const char *to_string(NodeKind k);

struct Node {
	int id = -1;
	NodeKind kind = NodeKind::memoryless;
	std::vector<int> cpus;
	std::uint64_t total = 0; // bytes (MemTotal)
	std::uint64_t free = 0; // bytes (MemFree)
	std::vector<std::string> private_ops; // nodeN/private/ops, private nodes only
	std::string owner; // nodeN/private/owner, private nodes only
};

// Whether this kernel knows private nodes at all (has_private_memory exists).
[[nodiscard]] bool kernel_has_private_nodes(const Sysfs &sys);

// Every online node, in id order.
[[nodiscard]] Result<std::vector<Node>> list_nodes(const Sysfs &sys);
[[nodiscard]] Result<Node> read_node(const Sysfs &sys, int id);

// Any file holding a node or CPU list in %*pbl format.
[[nodiscard]] Result<std::vector<int>> read_nodelist(const Sysfs &sys, const std::string &path);

// A node list file of kNodeDir, e.g. "has_memory".
[[nodiscard]] Result<std::vector<int>> read_node_state(const Sysfs &sys, const std::string &file);

} // namespace privnode
