// SPDX-License-Identifier: GPL-2.0-only
// The CXL region state machine: a region planned (every check made, the
// writes listed), then created or destroyed by making those writes, each
// step of a create undone, newest first, if a later one fails.
#include "cxl_detail.hpp"

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <thread>
#include <utility>

namespace privnode {

using detail::block_state;
using detail::dax_blocks;
using detail::dev;
using detail::Undo;
using detail::with_rollback;

namespace {

// Free volatile capacity of @m: ram_size less the DPA its endpoint
// decoders hold in ram mode; nullopt if they claim more than it has.
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
		return fail(EINVAL, "",
			    "size " + std::to_string(size) + " is not a non-zero multiple of 256 MiB");
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
	add(dev(ep, "dpa_size"), std::to_string(size),
	    UndoWrite{"allocate DPA on " + ep, {dev(ep, "dpa_size"), "0"}});
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
		return with_rollback(Error{ENODEV, dev(region), "no dax device after enabling (waited 10 s)"},
				     undo);
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
	std::string dax; // whose memory is offlined first, "" if none
	std::vector<SysfsWrite> offline; // the writes that offline it
	std::vector<SysfsWrite> writes; // then these, in order
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
			e.what += "; done: " + (done.empty() ? std::string("nothing") : done) +
				"; not done: " + left;
			say("stopped; not done: " + left);
			return std::unexpected(e);
		}
	}
	return {};
}

} // namespace privnode
