// SPDX-License-Identifier: GPL-2.0-only
// CXL enumeration through libcxl and libdaxctl (ndctl 76.1), the way
// cxl-cli and daxctl see the topology. Only what those libraries cannot
// tell (a region's mode and private_type, the dax device below a region,
// create_private_region) is read from sysfs.
#include "privnode/cxl.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <memory>
#include <string>

#define HAVE_UUID 1
#include <uuid/uuid.h>
#include <cxl/libcxl.h>
#include <daxctl/libdaxctl.h>

namespace privnode::libcxl {

namespace {

struct CxlUnref {
	void operator()(cxl_ctx *c) const { cxl_unref(c); }
};
struct DaxUnref {
	void operator()(daxctl_ctx *c) const { daxctl_unref(c); }
};
using CxlCtx = std::unique_ptr<cxl_ctx, CxlUnref>;
using DaxCtx = std::unique_ptr<daxctl_ctx, DaxUnref>;

// Where the libraries' own log messages go (set_library_log()); by
// default nowhere: the library never prints.
StepLog &library_log()
{
	static StepLog log;
	return log;
}

void forward(const char *lib, const char *format, va_list args)
{
	if (!library_log())
		return;
	char buf[512];
	std::vsnprintf(buf, sizeof(buf), format, args);
	std::string msg = std::string(lib) + ": " + buf;
	while (!msg.empty() && msg.back() == '\n')
		msg.pop_back();
	library_log()(msg);
}

void cxl_log(cxl_ctx *, int, const char *, int, const char *, const char *format, va_list args)
{
	forward("libcxl", format, args);
}

void dax_log(daxctl_ctx *, int, const char *, int, const char *, const char *format, va_list args)
{
	forward("libdaxctl", format, args);
}

// libcxl caches what it enumerated in its context: every call starts a
// new one, so a listing after a change sees the change.
Result<CxlCtx> open_cxl()
{
	cxl_ctx *c = nullptr;
	if (int rc = cxl_new(&c); rc < 0)
		return fail(-rc, kCxlDevices, "libcxl: cxl_new");
	cxl_set_log_fn(c, cxl_log);
	return CxlCtx(c);
}

Result<DaxCtx> open_dax()
{
	daxctl_ctx *c = nullptr;
	if (int rc = daxctl_new(&c); rc < 0)
		return fail(-rc, kDaxDevices, "libdaxctl: daxctl_new");
	daxctl_set_log_fn(c, dax_log);
	return DaxCtx(c);
}

std::string str(const char *s)
{
	return s ? s : "";
}

Memdev to_memdev(cxl_memdev *m)
{
	Memdev out;
	out.name = str(cxl_memdev_get_devname(m));
	out.ram_size = cxl_memdev_get_ram_size(m);
	out.pmem_size = cxl_memdev_get_pmem_size(m);
	// ULLONG_MAX: the device has no serial (libcxl found no memN/serial)
	if (const unsigned long long sn = cxl_memdev_get_serial(m); sn != ULLONG_MAX)
		out.serial = sn;
	if (cxl_endpoint *ep = cxl_memdev_get_endpoint(m)) {
		out.endpoint = str(cxl_endpoint_get_devname(ep));
		cxl_decoder *d;
		cxl_decoder_foreach(cxl_endpoint_get_port(ep), d)
			out.decoders.push_back(str(cxl_decoder_get_devname(d)));
	}
	return out;
}

// @fn(decoder) for each root decoder of every CXL bus.
template <class F> void for_each_root_decoder(cxl_ctx *ctx, F fn)
{
	cxl_bus *bus;
	cxl_bus_foreach(ctx, bus) {
		cxl_decoder *d;
		cxl_decoder_foreach(cxl_bus_get_port(bus), d)
			fn(d);
	}
}

} // namespace

Result<std::vector<Memdev>> list_memdevs()
{
	auto ctx = open_cxl();
	if (!ctx)
		return std::unexpected(ctx.error());
	std::vector<Memdev> out;
	cxl_memdev *m;
	cxl_memdev_foreach(ctx->get(), m)
		out.push_back(to_memdev(m));
	return out;
}

Result<std::vector<RootDecoder>> list_root_decoders(const Sysfs &sys)
{
	auto ctx = open_cxl();
	if (!ctx)
		return std::unexpected(ctx.error());
	std::vector<RootDecoder> out;
	for_each_root_decoder(ctx->get(), [&](cxl_decoder *d) {
		RootDecoder r;
		r.name = str(cxl_decoder_get_devname(d));
		r.cap_ram = cxl_decoder_is_volatile_capable(d);
		r.cap_pmem = cxl_decoder_is_pmem_capable(d);
		r.can_private =
			sys.exists(std::string(kCxlDevices) + "/" + r.name + "/create_private_region");
		r.size = cxl_decoder_get_size(d);
		r.available = cxl_decoder_get_max_available_extent(d);
		if (r.available == ULLONG_MAX) // unknown: no room
			r.available = 0;
		r.granularity = cxl_decoder_get_interleave_granularity(d);
		// what cxl create-region checks of the root decoder it is given
		cxl_memdev *m;
		cxl_memdev_foreach(ctx->get(), m)
			if (cxl_decoder_get_target_by_memdev(d, m))
				r.memdevs.push_back(str(cxl_memdev_get_devname(m)));
		out.push_back(std::move(r));
	});
	return out;
}

Result<std::vector<Region>> list_regions(const Sysfs &sys)
{
	auto ctx = open_cxl();
	if (!ctx)
		return std::unexpected(ctx.error());
	auto dctx = open_dax();
	if (!dctx)
		return std::unexpected(dctx.error());
	std::vector<Region> out;
	for_each_root_decoder(ctx->get(), [&](cxl_decoder *d) {
		cxl_region *r;
		cxl_region_foreach(d, r) {
			Region reg;
			reg.name = str(cxl_region_get_devname(r));
			reg.size = cxl_region_get_size(r);
			reg.committed = cxl_region_decode_is_committed(r) == 1;
			reg.enabled = cxl_region_is_enabled(r) == 1;
			const unsigned ways = cxl_region_get_interleave_ways(r);
			for (unsigned i = 0; i < ways && ways != UINT_MAX; i++)
				if (cxl_decoder *t = cxl_region_get_target_decoder(r, i))
					reg.targets.push_back(str(cxl_decoder_get_devname(t)));
			// libcxl 76.1 has no region mode, type or dax link.
			read_region_extras(sys, reg);
			out.push_back(std::move(reg));
		}
	});
	// The dax device's node, as daxctl reports it.
	daxctl_region *dr;
	daxctl_region_foreach(dctx->get(), dr) {
		daxctl_dev *dev;
		daxctl_dev_foreach(dr, dev) {
			const std::string name = str(daxctl_dev_get_devname(dev));
			for (auto &reg : out)
				if (reg.dax == name) {
					int node = daxctl_dev_get_target_node(dev);
					reg.node = node >= 0 ? std::optional<int>(node) : std::nullopt;
				}
		}
	}
	std::sort(out.begin(), out.end(),
		  [](const Region &a, const Region &b) { return natural_less(a.name, b.name); });
	return out;
}

} // namespace privnode::libcxl

namespace privnode {

void set_library_log(StepLog log)
{
	libcxl::library_log() = std::move(log);
}

} // namespace privnode
