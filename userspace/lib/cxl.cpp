// SPDX-License-Identifier: GPL-2.0-only
#include "privnode/cxl.hpp"

#include "privnode/parse.hpp"

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <thread>
#include <utility>

namespace privnode {

namespace {

std::string dev(const std::string &name, const std::string &attr = "")
{
	std::string p = std::string(kCxlDevices) + "/" + name;
	return attr.empty() ? p : p + "/" + attr;
}

// Steps to take back, newest first, unless the transaction completes.
// Each step taken back is logged ("undo ...") to @log, as each write was.
class Undo {
public:
	explicit Undo(StepLog log = {}) : log_(std::move(log)) {}
	void push(std::string what, std::function<Status()> f)
	{
		steps_.emplace_back(std::move(what), std::move(f));
	}
	void done() { steps_.clear(); }
	// Undo everything; the errors of steps that could not be undone.
	std::string rollback()
	{
		std::string failed;
		for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) {
			if (log_)
				log_("undo " + it->first);
			if (auto st = it->second(); !st) {
				failed += "; rollback of '" + it->first + "' failed: " + to_string(st.error());
				if (log_)
					log_("undo " + it->first + " failed: " + to_string(st.error()));
			}
		}
		steps_.clear();
		return failed;
	}
	~Undo() { rollback(); }

private:
	StepLog log_;
	std::vector<std::pair<std::string, std::function<Status()>>> steps_;
};

std::unexpected<Error> with_rollback(Error e, Undo &undo)
{
	e.what += undo.rollback();
	return std::unexpected(std::move(e));
}

Result<std::uint64_t> block_size(const Sysfs &sys)
{
	const std::string path = std::string(kMemoryDir) + "/block_size_bytes";
	auto s = sys.read(path);
	if (!s)
		return std::unexpected(s.error());
	// Printed as hex without a 0x prefix.
	auto v = parse_u64("0x" + *s);
	if (!v || *v == 0)
		return fail(EINVAL, path, "malformed block size '" + *s + "'");
	return *v;
}

// Memory block ids covering a dax device's range.
Result<std::vector<std::uint64_t>> dax_blocks(const Sysfs &sys, const std::string &dax)
{
	const std::string base = std::string(kDaxDevices) + "/" + dax;
	if (!sys.exists(base))
		return fail(ENODEV, base, "no such dax device");
	const std::string driver = sys.link_name(base + "/driver");
	if (driver != "kmem" && driver != kDaxPrivateDriver && driver != kDaxCramDriver)
		return fail(EINVAL, base + "/driver",
			    "bound to '" + (driver.empty() ? std::string("nothing") : driver) +
				    "', not kmem, " + kDaxPrivateDriver + " or " + kDaxCramDriver +
				    ": its memory is not hot-added");
	auto start = sys.read_u64(base + "/resource");
	auto size = sys.read_u64(base + "/size");
	auto bs = block_size(sys);
	if (!start)
		return std::unexpected(start.error());
	if (!size)
		return std::unexpected(size.error());
	if (!bs)
		return std::unexpected(bs.error());
	std::vector<std::uint64_t> ids;
	for (std::uint64_t a = *start / *bs * *bs; a < *start + *size; a += *bs)
		ids.push_back(a / *bs);
	return ids;
}

std::string block_state(std::uint64_t id)
{
	return std::string(kMemoryDir) + "/memory" + std::to_string(id) + "/state";
}

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

std::optional<std::uint64_t> free_ram(const Sysfs &sys, const Memdev &m)
{
	std::uint64_t used = 0;
	for (const auto &d : m.decoders) {
		auto mode = sys.read(dev(d, "mode"));
		auto sz = sys.read_u64(dev(d, "dpa_size"));
		if (sz && mode && *mode == "ram")
			used += *sz;
	}
	if (used > m.ram_size)
		return std::nullopt;
	return m.ram_size - used;
}

} // namespace

namespace {

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
template <class T>
Result<T> find(Result<std::vector<T>> all, const std::string &name, const char *what)
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

Status online_dax_memory(const Sysfs &sys, const std::string &dax, const std::string &how)
{
	auto ids = dax_blocks(sys, dax);
	if (!ids)
		return std::unexpected(ids.error());
	Undo undo;
	for (auto id : *ids) {
		auto state = sys.read(block_state(id));
		if (!state)
			return with_rollback(state.error(), undo);
		if (*state == "online")
			continue;
		if (auto st = sys.write(block_state(id), how); !st)
			return with_rollback(st.error(), undo);
		undo.push("online " + block_state(id),
			  [&sys, id] { return sys.write(block_state(id), "offline"); });
	}
	undo.done();
	return {};
}

Status offline_dax_memory(const Sysfs &sys, const std::string &dax)
{
	auto ids = dax_blocks(sys, dax);
	if (!ids)
		return std::unexpected(ids.error());
	Undo undo;
	for (auto id : *ids) {
		auto state = sys.read(block_state(id));
		if (!state)
			return with_rollback(state.error(), undo);
		if (*state == "offline")
			continue;
		if (auto st = sys.write(block_state(id), "offline"); !st)
			return with_rollback(st.error(), undo);
		undo.push("offline " + block_state(id),
			  [&sys, id] { return sys.write(block_state(id), "online_movable"); });
	}
	undo.done();
	return {};
}

namespace {

// The write that takes back a step of create-region, and its name for -v.
struct UndoWrite {
	std::string what; // "attach decoder2.0"
	SysfsWrite write;
};

// A region's plan with what execution needs beyond the writes.
struct CreatePlan {
	RegionPlan plan;
	std::vector<std::optional<UndoWrite>> undo; // per write: how to take it back, if needed
};

Result<CreatePlan> plan_create(const Sysfs &sys, const CreateRegion &req)
{
	auto memdev = read_memdev(sys, req.memdev);
	if (!memdev)
		return std::unexpected(memdev.error());
	if (memdev->endpoint.empty())
		return fail(ENXIO, dev(req.memdev), "memdev has no enabled endpoint port");
	if (memdev->ram_size == 0)
		return fail(EINVAL, dev(req.memdev, "ram/size"), "memdev has no volatile capacity");

	const bool priv = req.type != RegionType::sysram;
	const bool cram = req.type == RegionType::cram;

	auto avail = free_ram(sys, *memdev);
	if (!avail)
		return fail(EINVAL, dev(req.memdev), "endpoint decoders claim more than ram/size");
	if (!req.size && *avail < kRegionAlign)
		return fail(ENOSPC, dev(req.memdev, "ram/size"),
			    "no free volatile capacity left (" + std::to_string(*avail) + " bytes free)");
	const std::uint64_t size = req.size.value_or(*avail / kRegionAlign * kRegionAlign);
	if (size == 0 || size % kRegionAlign)
		return fail(EINVAL, "", "size " + std::to_string(size) +
					       " is not a non-zero multiple of 256 MiB");
	if (size > *avail)
		return fail(ENOSPC, dev(req.memdev, "ram/size"),
			    "size " + std::to_string(size) + " exceeds the free volatile capacity " +
				    std::to_string(*avail));

	// The root decoder: the one asked for, or the first that can host
	// the type, has room for the region and reaches the memdev.
	const auto roots = list_root_decoders(sys);
	if (!roots)
		return std::unexpected(roots.error());
	auto unfit = [&](const RootDecoder &r) -> std::optional<Error> {
		if (!r.cap_ram)
			return Error{EINVAL, dev(r.name, "cap_ram"), "decoder cannot host ram regions"};
		if (priv && !r.can_private)
			return Error{EOPNOTSUPP, dev(r.name, "create_private_region"),
				     "missing: this kernel has no private CXL regions"};
		if (std::find(r.memdevs.begin(), r.memdevs.end(), req.memdev) == r.memdevs.end())
			return Error{ENXIO, dev(r.name, "target_list"),
				     "none of the decoder's target dports leads to " + req.memdev};
		if (r.available < size)
			return Error{ENOSPC, dev(r.name, "size"),
				     std::to_string(r.available) + " bytes free in the decoder's window, " +
					     std::to_string(size) + " needed"};
		return std::nullopt;
	};
	const RootDecoder *root = nullptr;
	if (!req.decoder.empty()) {
		for (const auto &r : *roots)
			if (r.name == req.decoder)
				root = &r;
		if (!root)
			return fail(ENODEV, dev(req.decoder), "no such root decoder");
		if (auto e = unfit(*root))
			return std::unexpected(*e);
	} else {
		std::string reasons;
		bool any_ram = false, any_private = false, all_full = true;
		for (const auto &r : *roots) {
			auto e = unfit(r);
			if (!e) {
				root = &r;
				break;
			}
			any_ram |= r.cap_ram;
			any_private |= r.cap_ram && r.can_private;
			all_full &= e->err == ENOSPC;
			reasons += "; " + r.name + ": " + e->what;
		}
		if (!root && !any_ram)
			return fail(ENODEV, kCxlDevices, "no root decoder with cap_ram=1");
		if (!root && priv && !any_private)
			return fail(EOPNOTSUPP, kCxlDevices,
				    "no root decoder offers create_private_region: this kernel has "
				    "no private CXL regions");
		if (!root)
			return fail(all_full ? ENOSPC : ENXIO, kCxlDevices,
				    "no root decoder fits a " + std::to_string(size) + "-byte region on " +
					    req.memdev + reasons);
	}

	std::string ep;
	for (const auto &d : memdev->decoders)
		if (sys.read_u64(dev(d, "dpa_size")).value_or(1) == 0) {
			ep = d;
			break;
		}
	if (ep.empty())
		return fail(EBUSY, dev(memdev->endpoint), "no free endpoint decoder");

	// Reading the next name changes nothing; writing it back creates the
	// region (a compare-exchange: another name there means EBUSY).
	const std::string create = dev(root->name, priv ? "create_private_region" : "create_ram_region");
	auto name = sys.read(create);
	if (!name)
		return std::unexpected(name.error());
	const std::string region = *name;

	CreatePlan cp;
	cp.plan.region = region;
	auto add = [&](std::string path, std::string value, std::optional<UndoWrite> undo = {}) {
		cp.plan.writes.push_back({std::move(path), std::move(value)});
		cp.undo.push_back(std::move(undo));
	};
	add(create, region, UndoWrite{"create " + region, {dev(root->name, "delete_region"), region}});
	// private_type as soon as the region exists: the kernel refuses it
	// once committed
	if (priv)
		add(dev(region, "private_type"), cram ? "cram" : "basic");
	add(dev(region, "interleave_ways"), "1");
	add(dev(region, "interleave_granularity"), std::to_string(root->granularity));
	add(dev(ep, "mode"), "ram");
	add(dev(ep, "dpa_size"), std::to_string(size), UndoWrite{"allocate DPA on " + ep, {dev(ep, "dpa_size"), "0"}});
	add(dev(region, "size"), std::to_string(size));
	add(dev(region, "target0"), ep, UndoWrite{"attach " + ep, {dev(region, "target0"), ""}});
	add(dev(region, "commit"), "1", UndoWrite{"commit " + region, {dev(region, "commit"), "0"}});
	add(std::string(kCxlRegionDriver) + "/bind", region,
	    UndoWrite{"enable " + region, {std::string(kCxlRegionDriver) + "/unbind", region}});
	if (!priv)
		cp.plan.then = "online the memory blocks of " + region + "'s dax device (online_movable)";
	return cp;
}

} // namespace

Result<RegionPlan> plan_create_region(const Sysfs &sys, const CreateRegion &req)
{
	auto cp = plan_create(sys, req);
	if (!cp)
		return std::unexpected(cp.error());
	return std::move(cp->plan);
}

Result<Region> create_region(const Sysfs &sys, const CreateRegion &req, const StepLog &log)
{
	auto say = [&](const std::string &s) {
		if (log)
			log(s);
	};
	auto cp = plan_create(sys, req);
	if (!cp)
		return std::unexpected(cp.error());
	const bool priv = req.type != RegionType::sysram;
	// the dax driver that must take a private region's memory
	const std::string priv_driver = req.type == RegionType::cram ? kDaxCramDriver : kDaxPrivateDriver;
	const std::string region = cp->plan.region;
	const std::string bind = std::string(kCxlRegionDriver) + "/bind";

	Undo undo(log);
	for (size_t i = 0; i < cp->plan.writes.size(); i++) {
		const auto &[path, value] = cp->plan.writes[i];
		// a kernel that enabled the region on commit needs no bind
		const bool skip = path == bind && !sys.link_name(dev(region, "driver")).empty();
		if (!skip) {
			say("write " + value + " > " + path);
			if (auto st = sys.write(path, value); !st)
				return with_rollback(st.error(), undo);
		}
		if (const auto &u = cp->undo[i])
			undo.push(u->what, [&sys, w = u->write] { return sys.write(w.path, w.value); });
	}

	// Where dax, kmem and kmem_private are modules, the dax device and its
	// driver appear asynchronously after the bind: wait for them (on a
	// real system; a fake tree is complete at once).
	const auto deadline =
		std::chrono::steady_clock::now() + std::chrono::seconds(sys.is_real_root() ? 10 : 0);
	auto settled = [&](const Result<Region> &rr) {
		if (!rr || rr->dax.empty())
			return false;
		const std::string got = sys.link_name(std::string(kDaxDevices) + "/" + rr->dax + "/driver");
		return priv ? got == priv_driver : !got.empty();
	};
	auto r = read_region(sys, region);
	while (!settled(r) && std::chrono::steady_clock::now() < deadline) {
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
		r = read_region(sys, region);
	}
	if (!r)
		return with_rollback(r.error(), undo);
	if (r->dax.empty())
		return with_rollback(Error{ENODEV, dev(region), "no dax device after enabling (waited 10 s)"}, undo);
	if (priv) {
		// The kernel binds a private region's dax device to kmem_private,
		// which hot-adds the memory as a private node: check it did.
		const std::string drv = std::string(kDaxDevices) + "/" + r->dax + "/driver";
		const std::string got = sys.link_name(drv);
		if (got != priv_driver)
			return with_rollback(Error{ENODEV, drv,
						   "bound to '" + got + "', not " + priv_driver +
							   ": the memory is not a private node"},
					     undo);
	} else {
		say("online memory of " + r->dax);
		if (auto st = online_dax_memory(sys, r->dax); !st)
			return with_rollback(st.error(), undo);
	}
	undo.done();
	return read_region(sys, region);
}

namespace {

struct DestroyPlan {
	std::string dax;               // whose memory is offlined first, "" if none
	std::vector<SysfsWrite> offline; // the writes that offline it
	std::vector<SysfsWrite> writes;  // then these, in order
};

Result<DestroyPlan> plan_destroy(const Sysfs &sys, const std::string &name)
{
	auto r = read_region(sys, name);
	if (!r)
		return std::unexpected(r.error());
	DestroyPlan p;
	const std::string dax_driver =
		r->dax.empty() ? "" : sys.link_name(std::string(kDaxDevices) + "/" + r->dax + "/driver");
	if (dax_driver == "kmem" || dax_driver == kDaxPrivateDriver || dax_driver == kDaxCramDriver) {
		p.dax = r->dax;
		auto ids = dax_blocks(sys, r->dax);
		if (!ids)
			return std::unexpected(ids.error());
		for (auto id : *ids)
			if (sys.read(block_state(id)).value_or("") != "offline")
				p.offline.push_back({block_state(id), "offline"});
	}
	// The root decoder is the parent of the region in the device tree.
	auto roots = list_root_decoders(sys);
	if (!roots)
		return std::unexpected(roots.error());
	std::string root;
	for (const auto &d : *roots)
		if (sys.exists(dev(d.name, name)))
			root = d.name;
	if (root.empty())
		return fail(ENODEV, dev(name), "cannot find the root decoder of the region");
	if (r->enabled)
		p.writes.push_back({std::string(kCxlRegionDriver) + "/unbind", name});
	if (r->committed)
		p.writes.push_back({dev(name, "commit"), "0"});
	for (size_t i = 0; i < r->targets.size(); i++) {
		p.writes.push_back({dev(name, "target" + std::to_string(i)), ""});
		p.writes.push_back({dev(r->targets[i], "dpa_size"), "0"});
	}
	p.writes.push_back({dev(root, "delete_region"), name});
	return p;
}

} // namespace

Result<RegionPlan> plan_destroy_region(const Sysfs &sys, const std::string &name)
{
	auto p = plan_destroy(sys, name);
	if (!p)
		return std::unexpected(p.error());
	RegionPlan out;
	out.region = name;
	out.writes = p->offline;
	out.writes.insert(out.writes.end(), p->writes.begin(), p->writes.end());
	return out;
}

Status destroy_region(const Sysfs &sys, const std::string &name, const StepLog &log)
{
	auto say = [&](const std::string &s) {
		if (log)
			log(s);
	};
	auto p = plan_destroy(sys, name);
	if (!p)
		return std::unexpected(p.error());
	// The only step that can fail for a reason the user must fix (pages in
	// use) goes first and undoes itself; nothing else has changed then.
	if (!p->dax.empty()) {
		say("offline memory of " + p->dax);
		if (auto st = offline_dax_memory(sys, p->dax); !st) {
			Error e = st.error();
			e.what += " (memory of " + name + " is in use; nothing was changed)";
			return std::unexpected(e);
		}
	}
	// Every write, planned up front: a failure then says exactly which
	// steps were done and which were not (the memory stays offline).
	const auto &plan = p->writes;
	// The writes plan[from, to) as "'value' > path, ...", after @first.
	auto steps = [&](std::string first, size_t from, size_t to) {
		for (size_t j = from; j < to; j++)
			first += (first.empty() ? "" : ", ") + ("'" + plan[j].value + "' > " + plan[j].path);
		return first;
	};
	for (size_t i = 0; i < plan.size(); i++) {
		const auto &[path, value] = plan[i];
		say("write " + value + " > " + path);
		if (auto st = sys.write(path, value); !st) {
			Error e = st.error();
			const std::string done = steps(p->dax.empty() ? "" : "offline " + p->dax, 0, i);
			const std::string left = steps("", i, plan.size());
			e.what += "; done: " + (done.empty() ? std::string("nothing") : done) + "; not done: " + left;
			say("stopped; not done: " + left);
			return std::unexpected(e);
		}
	}
	return {};
}

} // namespace privnode
