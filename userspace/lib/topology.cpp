// SPDX-License-Identifier: GPL-2.0-only
// The CXL topology as /sys/bus/cxl shows it: memdevs, root decoders (and
// the memdevs they reach), regions; through libcxl/libdaxctl on a real
// system (libcxl.cpp), from raw sysfs otherwise.
#include "cxl_detail.hpp"

#include "privnode/parse.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>

namespace privnode {

using detail::dev;

namespace {

// Every CXL device named @prefix<N>, read with @read; the first error wins.
template <class T>
Result<std::vector<T>> read_all(const Sysfs &sys, const std::string &prefix,
				Result<T> (*read)(const Sysfs &, const std::string &))
{
	std::vector<T> out;
	for (const auto &name : sys.list(kCxlDevices, prefix)) {
		auto obj = read(sys, name);
		if (!obj)
			return std::unexpected(obj.error());
		out.push_back(std::move(*obj));
	}
	return out;
}

Result<Memdev> read_memdev_raw(const Sysfs &sys, const std::string &name)
{
	if (name.rfind("mem", 0) != 0 || !sys.exists(dev(name)))
		return fail(ENODEV, dev(name), "no such CXL memdev");
	Memdev m;
	m.name = name;
	if (auto v = sys.read_u64(dev(name, "ram/size")))
		m.ram_size = *v;
	if (auto v = sys.read_u64(dev(name, "pmem/size")))
		m.pmem_size = *v;
	if (sys.exists(dev(name, "serial"))) {
		auto v = sys.read_u64(dev(name, "serial"));
		if (!v)
			return std::unexpected(v.error());
		m.serial = *v;
	}
	for (const auto &e : sys.list(kCxlDevices, "endpoint"))
		if (sys.link_name(dev(e, "uport")) == name) {
			m.endpoint = e;
			m.decoders = sys.list(dev(e), "decoder");
			break;
		}
	return m;
}

// The memdevs that one of @decoder's target dports leads to, as libcxl's
// cxl_target_maps_memdev() sees it: the memdev's device lies below the
// dport's (for a root decoder a host bridge, /sys/devices/pci0000:0c).
// @port is the CXL port the decoder belongs to (root0), whose dportN
// links name its downstream ports by the ids target_list holds.
Result<std::vector<std::string>> memdevs_reached(const Sysfs &sys, const std::string &port,
						 const std::string &decoder)
{
	std::vector<std::string> out;
	const std::string file = dev(decoder, "target_list");
	auto list = sys.read(file);
	if (!list) // none: no target, no memdev reached
		return out;
	std::vector<std::string> dports;
	for (size_t pos = 0; pos <= list->size();) {
		size_t end = list->find(',', pos);
		if (end == std::string::npos)
			end = list->size();
		const std::string id = list->substr(pos, end - pos);
		pos = end + 1;
		if (id.empty() && list->find_first_not_of(" \t") == std::string::npos)
			break; // an empty list: no target
		if (!parse_u64(id))
			return fail(EINVAL, file, "not a list of dport ids: '" + *list + "'");
		// a dport that went away leads nowhere
		if (auto d = sys.resolve(dev(port, "dport" + std::to_string(*parse_u64(id)))); !d.empty())
			dports.push_back(d + "/");
	}
	for (const auto &m : sys.list(kCxlDevices, "mem")) {
		const std::string path = sys.resolve(dev(m));
		for (const auto &d : dports)
			if (path.rfind(d, 0) == 0) {
				out.push_back(m);
				break;
			}
	}
	return out;
}

Result<std::vector<RootDecoder>> list_root_decoders_raw(const Sysfs &sys)
{
	std::vector<RootDecoder> out;
	for (const auto &root : sys.list(kCxlDevices, "root"))
		for (const auto &d : sys.list(dev(root), "decoder")) {
			RootDecoder r;
			r.name = d;
			r.cap_ram = sys.read(dev(d, "cap_ram")).value_or("0") == "1";
			r.cap_pmem = sys.read(dev(d, "cap_pmem")).value_or("0") == "1";
			r.can_private = sys.exists(dev(d, "create_private_region"));
			r.size = sys.read_u64(dev(d, "size")).value_or(0);
			std::uint64_t used = 0;
			for (const auto &reg : sys.list(dev(d), "region"))
				used += sys.read_u64(dev(d, reg + "/size")).value_or(0);
			r.available = used < r.size ? r.size - used : 0;
			r.granularity = sys.read_u64(dev(d, "interleave_granularity")).value_or(0);
			auto reached = memdevs_reached(sys, root, d);
			if (!reached)
				return std::unexpected(reached.error());
			r.memdevs = std::move(*reached);
			out.push_back(std::move(r));
		}
	return out;
}

Result<Region> read_region_raw(const Sysfs &sys, const std::string &name)
{
	if (name.rfind("region", 0) != 0 || !sys.exists(dev(name)))
		return fail(ENODEV, dev(name), "no such CXL region");
	Region r;
	r.name = name;
	r.size = sys.read_u64(dev(name, "size")).value_or(0);
	r.committed = sys.read(dev(name, "commit")).value_or("0") == "1";
	r.enabled = !sys.link_name(dev(name, "driver")).empty();
	auto ways = sys.read_u64(dev(name, "interleave_ways")).value_or(0);
	for (std::uint64_t i = 0; i < ways; i++)
		if (auto t = sys.read(dev(name, "target" + std::to_string(i))); t && !t->empty())
			r.targets.push_back(*t);
	read_region_extras(sys, r);
	if (!r.dax.empty())
		if (auto tn = sys.read(std::string(kDaxDevices) + "/" + r.dax + "/target_node"))
			if (auto v = parse_u64(*tn))
				r.node = static_cast<int>(*v);
	return r;
}

// The object called @name in @all, or ENODEV naming its sysfs directory.
template <class T> Result<T> find(Result<std::vector<T>> all, const std::string &name, const char *what)
{
	if (!all)
		return std::unexpected(all.error());
	for (auto &obj : *all)
		if (obj.name == name)
			return std::move(obj);
	return fail(ENODEV, dev(name), std::string("no such ") + what);
}

} // namespace

bool use_libcxl(const Sysfs &sys)
{
	return sys.is_real_root() && !sys.raw_only();
}

Result<Memdev> read_memdev(const Sysfs &sys, const std::string &name)
{
	if (use_libcxl(sys))
		return find(libcxl::list_memdevs(), name, "CXL memdev");
	return read_memdev_raw(sys, name);
}

Result<std::vector<Memdev>> list_memdevs(const Sysfs &sys)
{
	if (use_libcxl(sys))
		return libcxl::list_memdevs();
	return read_all<Memdev>(sys, "mem", read_memdev_raw);
}

Result<std::vector<RootDecoder>> list_root_decoders(const Sysfs &sys)
{
	auto out = use_libcxl(sys) ? libcxl::list_root_decoders(sys) : list_root_decoders_raw(sys);
	// "the first root decoder" is the first in natural order, whichever
	// order the library enumerates them in
	if (out)
		std::sort(out->begin(), out->end(), [](const RootDecoder &a, const RootDecoder &b) {
			return natural_less(a.name, b.name);
		});
	return out;
}

void read_region_extras(const Sysfs &sys, Region &r)
{
	r.mode = sys.read(dev(r.name, "mode")).value_or("");
	r.private_type = sys.read(dev(r.name, "private_type")).value_or("");
	for (const auto &dr : sys.list(dev(r.name), "dax_region"))
		for (const auto &d : sys.list(dev(r.name, dr), "dax")) {
			// Beside the devices (daxX.Y) sits the dax_region attribute group.
			if (d.size() < 4 || !std::isdigit(static_cast<unsigned char>(d[3])))
				continue;
			r.dax = d;
		}
}

Result<Region> read_region(const Sysfs &sys, const std::string &name)
{
	if (use_libcxl(sys))
		return find(libcxl::list_regions(sys), name, "CXL region");
	return read_region_raw(sys, name);
}

Result<std::vector<Region>> list_regions(const Sysfs &sys)
{
	if (use_libcxl(sys))
		return libcxl::list_regions(sys);
	return read_all<Region>(sys, "region", read_region_raw);
}

} // namespace privnode
