// SPDX-License-Identifier: GPL-2.0-only
#include "json.hpp"

#include "privnode/parse.hpp"

#include <iostream>

namespace privnodectl {

namespace {

nlohmann::ordered_json size(std::uint64_t bytes, bool human)
{
	if (human)
		return privnode::format_size_human(bytes);
	return bytes;
}

} // namespace

nlohmann::ordered_json to_json(const privnode::Node &n, bool human)
{
	nlohmann::ordered_json j;
	j["node"] = n.id;
	j["type"] = privnode::to_string(n.kind);
	j["cpus"] = privnode::format_nodelist(n.cpus);
	j["size"] = size(n.total, human);
	j["free"] = size(n.free, human);
	if (n.kind == privnode::NodeKind::private_) {
		j["ops"] = n.private_ops;
		j["owner"] = n.owner;
	}
	return j;
}

nlohmann::ordered_json to_json(const privnode::Memdev &m, bool human)
{
	nlohmann::ordered_json j;
	j["memdev"] = m.name;
	j["ram_size"] = size(m.ram_size, human);
	if (m.pmem_size)
		j["pmem_size"] = size(m.pmem_size, human);
	if (!m.serial.empty())
		j["serial"] = m.serial;
	if (!m.endpoint.empty())
		j["endpoint"] = m.endpoint;
	return j;
}

nlohmann::ordered_json to_json(const privnode::Region &r, bool human)
{
	nlohmann::ordered_json j;
	j["region"] = r.name;
	j["type"] = r.private_type == "cram"	  ? "cram"
		    : !r.private_type.empty() ? "private"
		    : r.mode == "ram"	  ? "sysram"
					  : r.mode;
	if (!r.private_type.empty())
		j["private_type"] = r.private_type;
	j["size"] = size(r.size, human);
	j["committed"] = r.committed;
	j["enabled"] = r.enabled;
	j["targets"] = r.targets;
	if (!r.dax.empty())
		j["dax"] = r.dax;
	if (r.node)
		j["node"] = *r.node;
	return j;
}

void print_json(const nlohmann::ordered_json &j)
{
	std::cout << j.dump(2) << "\n";
}

} // namespace privnodectl
