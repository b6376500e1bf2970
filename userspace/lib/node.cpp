// SPDX-License-Identifier: GPL-2.0-only
#include "privnode/node.hpp"

#include "privnode/parse.hpp"

#include <algorithm>
#include <cerrno>
#include <sstream>

namespace privnode {

namespace {

std::string node_path(int id, const std::string &file = "")
{
	std::string dir = std::string(kNodeDir) + "/node" + std::to_string(id);
	return file.empty() ? dir : dir + "/" + file;
}

bool contains(const std::vector<int> &v, int x)
{
	return std::find(v.begin(), v.end(), x) != v.end();
}

// "Node 0 MemTotal:  16384 kB" lines -> bytes of @field.
Result<std::uint64_t> meminfo_field(const Sysfs &sys, int id, const std::string &field)
{
	const std::string path = node_path(id, "meminfo");
	auto text = sys.read(path);
	if (!text)
		return std::unexpected(text.error());
	std::istringstream in(*text);
	std::string line;
	while (std::getline(in, line)) {
		std::istringstream l(line);
		std::string word, nid, name, unit;
		std::uint64_t value;
		if (l >> word >> nid >> name >> value && name == field + ":") {
			l >> unit;
			return unit == "kB" ? value * 1024 : value;
		}
	}
	return fail(ENODATA, path, "no " + field + " line");
}

} // namespace

const char *to_string(NodeKind k)
{
	switch (k) {
	case NodeKind::memory:
		return "memory";
	case NodeKind::private_:
		return "private";
	case NodeKind::memoryless:
		break;
	}
	return "memoryless";
}

bool kernel_has_private_nodes(const Sysfs &sys)
{
	return sys.exists(std::string(kNodeDir) + "/has_private_memory");
}

Result<std::vector<int>> read_nodelist(const Sysfs &sys, const std::string &path)
{
	auto text = sys.read(path);
	if (!text)
		return std::unexpected(text.error());
	auto list = parse_nodelist(*text);
	if (!list)
		return fail(EINVAL, path, "malformed list '" + *text + "'");
	return *list;
}

Result<std::vector<int>> read_node_state(const Sysfs &sys, const std::string &file)
{
	return read_nodelist(sys, std::string(kNodeDir) + "/" + file);
}

Result<Node> read_node(const Sysfs &sys, int id)
{
	Node n;
	n.id = id;
	if (!sys.exists(node_path(id)))
		return fail(ENODEV, node_path(id), "no such node");

	auto memory = read_node_state(sys, "has_memory");
	if (!memory)
		return std::unexpected(memory.error());
	std::vector<int> priv;
	if (kernel_has_private_nodes(sys)) {
		auto p = read_node_state(sys, "has_private_memory");
		if (!p)
			return std::unexpected(p.error());
		priv = *p;
	}
	if (contains(*memory, id))
		n.kind = NodeKind::memory;
	else if (contains(priv, id))
		n.kind = NodeKind::private_;

	auto cpus = read_nodelist(sys, node_path(id, "cpulist"));
	if (!cpus)
		return std::unexpected(cpus.error());
	n.cpus = *cpus;

	auto total = meminfo_field(sys, id, "MemTotal");
	auto free = meminfo_field(sys, id, "MemFree");
	if (!total)
		return std::unexpected(total.error());
	if (!free)
		return std::unexpected(free.error());
	n.total = *total;
	n.free = *free;

	if (n.kind == NodeKind::private_) {
		if (auto ops = sys.read(node_path(id, "private/ops"))) {
			std::replace(ops->begin(), ops->end(), ',', ' ');
			std::istringstream in(*ops);
			std::string op;
			while (in >> op)
				n.private_ops.push_back(op);
		}
		if (auto owner = sys.read(node_path(id, "private/owner")))
			n.owner = *owner;
	}
	return n;
}

Result<std::vector<Node>> list_nodes(const Sysfs &sys)
{
	auto online = read_node_state(sys, "online");
	if (!online)
		return std::unexpected(online.error());
	std::vector<Node> nodes;
	for (int id : *online) {
		auto n = read_node(sys, id);
		if (!n)
			return std::unexpected(n.error());
		nodes.push_back(std::move(*n));
	}
	return nodes;
}

} // namespace privnode
