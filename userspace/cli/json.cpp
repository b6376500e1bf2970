// SPDX-License-Identifier: GPL-2.0-only
#include "json.hpp"

#include "privnode/parse.hpp"

#include <cstdio>
#include <iostream>

namespace privnodectl {

namespace {

// As cxl list: bytes; with -u "256.00 MiB (268.44 MB)", but still a
// number below 5000 KiB.
nlohmann::ordered_json size(std::uint64_t bytes, bool human)
{
	if (human && privnode::size_is_human(bytes))
		return privnode::format_size_human(bytes);
	return bytes;
}

// As cxl list prints serial (and resource): a number; with -u a hex string
// from "%#llx", which is "0" for 0.
nlohmann::ordered_json hex(std::uint64_t v, bool human)
{
	if (!human)
		return v;
	char buf[24];
	std::snprintf(buf, sizeof(buf), "%#llx", static_cast<unsigned long long>(v));
	return buf;
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
	if (m.serial)
		j["serial"] = hex(*m.serial, human);
	if (!m.endpoint.empty())
		j["endpoint"] = m.endpoint;
	return j;
}

nlohmann::ordered_json to_json(const privnode::Region &r, bool human)
{
	nlohmann::ordered_json j;
	j["region"] = r.name;
	j["size"] = size(r.size, human);
	// cxl list's keys where they mean the same: type is the region's
	// mode, decode_state commit or reset, state only when disabled
	if (!r.mode.empty())
		j["type"] = r.mode;
	j["decode_state"] = r.committed ? "commit" : "reset";
	if (!r.enabled)
		j["state"] = "disabled";
	// what create-region --type made of it
	if (r.private_type == "cram")
		j["node_type"] = "cram";
	else if (!r.private_type.empty())
		j["node_type"] = "private";
	else if (r.mode == "ram")
		j["node_type"] = "sysram";
	if (!r.private_type.empty())
		j["private_type"] = r.private_type;
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

void print_json_array(const nlohmann::ordered_json &arr, bool human)
{
	if (arr.size() > 1 || !human)
		print_json(arr);
	else if (!arr.empty())
		print_json(arr[0]);
}

} // namespace privnodectl
