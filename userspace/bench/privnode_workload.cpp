// SPDX-License-Identifier: GPL-2.0-only
// privnode-workload: the workload of make bench-cram. It fills a working
// set of anonymous memory with pages of one compressibility, accesses it
// at random with a read/write mix, then checks every page. With --dram-mb,
// it first locks down memory on the DRAM node (a ballast) so that only
// that much of it is left above the node's high watermark: the rest of the
// working set must go where the kernel sends cold pages (zswap, swap,
// demotion to a cram node). It prints one JSON object of what it measured
// and what the kernel did meanwhile (/proc/vmstat, /proc/meminfo, cram).
//
//   privnode-workload --mb N --content zero|text|random --pattern read|mixed|write
//       [--seed N] [--ops N] [--dram-node N] [--dram-mb N] [--label TEXT]
//
// Exit 0 when every page read back right, 1 when a page did not or the run
// could not be set up (the message says why), 2 on bad usage.
#include "placement.hpp"
#include "workload.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sched.h>
#include <sstream>
#include <string>
#include <sys/mman.h>
#include <vector>

#include <linux/mempolicy.h>

using namespace pn;
using namespace pn::bench;
using json = nlohmann::ordered_json;

namespace {

const char *const kUsage =
	"usage: privnode-workload --mb N --content zero|text|random --pattern read|mixed|write\n"
	"       [--seed N] [--ops N] [--dram-node N] [--dram-mb N] [--label TEXT]\n";

// The counters reported, as deltas over the run (fill, access, check).
const char *const kVmstat[] = {
	"zswpin",
	"zswpout",
	"pswpin",
	"pswpout",
	"pgdemote_kswapd",
	"pgdemote_direct",
	"pgpromote_success",
	"cram_demoted",
	"cram_promoted",
	"cram_write_faults",
	"cram_written_in_place",
	"cram_denied",
	"cram_swapped",
	"pgmajfault",
	"pgsteal_anon",
	"pgsteal_file",
	"numa_hint_faults",
	"thp_fault_alloc",
};

struct Options {
	long mb = 0, ops = -1, dram_node = 0, dram_mb = -1;
	std::uint64_t seed = 1;
	std::optional<Content> content;
	std::optional<Pattern> pattern;
	std::string label;
};

[[noreturn]] void die(const std::string &what)
{
	std::fprintf(stderr, "privnode-workload: %s\n", what.c_str());
	std::exit(1);
}

std::optional<long> number(const char *s)
{
	char *end;
	errno = 0;
	const long v = std::strtol(s, &end, 0);
	if (errno || end == s || *end || v < 0)
		return std::nullopt;
	return v;
}

std::optional<Options> parse(int argc, char **argv)
{
	Options o;
	for (int i = 1; i < argc; i++) {
		const std::string opt = argv[i];
		if (i + 1 >= argc)
			return std::nullopt;
		const char *val = argv[++i];
		if (opt == "--content") {
			if (!(o.content = parse_content(val)))
				return std::nullopt;
		} else if (opt == "--pattern") {
			if (!(o.pattern = parse_pattern(val)))
				return std::nullopt;
		} else if (opt == "--label") {
			o.label = val;
		} else {
			long *dst = opt == "--mb"      ? &o.mb
				: opt == "--ops"       ? &o.ops
				: opt == "--dram-node" ? &o.dram_node
				: opt == "--dram-mb"   ? &o.dram_mb
						       : nullptr;
			const auto v = number(val);
			if (!v || (!dst && opt != "--seed")) {
				std::fprintf(stderr, "privnode-workload: %s: bad value '%s'\n", opt.c_str(),
					     val);
				return std::nullopt;
			}
			if (dst)
				*dst = *v;
			else
				o.seed = static_cast<std::uint64_t>(*v);
		}
	}
	if (!o.mb || !o.content || !o.pattern)
		return std::nullopt;
	return o;
}

std::map<std::string, long> vmstat()
{
	std::map<std::string, long> m;
	std::ifstream in("/proc/vmstat");
	std::string k;
	long v;
	while (in >> k >> v)
		m[k] = v;
	if (m.empty())
		die("/proc/vmstat: cannot read it");
	return m;
}

// kB of @key in /proc/meminfo, or nullopt if it has no such line (a
// kernel without zswap has no "Zswap:").
std::optional<long> meminfo_kb(const std::string &key)
{
	std::ifstream in("/proc/meminfo");
	std::string line;
	while (std::getline(in, line)) {
		std::istringstream l(line);
		std::string k;
		long kb;
		if (l >> k >> kb && k == key + ":")
			return kb;
	}
	return std::nullopt;
}

// The watermarks of @node (its zones' summed), in kB (/proc/zoneinfo).
struct Watermarks {
	long min = 0, low = 0, high = 0;
};

Watermarks watermarks_kb(long node)
{
	std::ifstream in("/proc/zoneinfo");
	if (!in)
		die("/proc/zoneinfo: " + std::string(std::strerror(errno)));
	std::string line;
	Watermarks w;
	bool ours = false, seen = false;
	const std::string head = "Node " + std::to_string(node) + ",";
	const long kb = static_cast<long>(kPageSize / 1024);
	while (std::getline(in, line)) {
		if (line.rfind("Node ", 0) == 0) {
			ours = line.rfind(head, 0) == 0;
			seen = seen || ours;
			continue;
		}
		std::istringstream l(line);
		std::string k;
		long v;
		if (!ours || !(l >> k >> v))
			continue;
		if (k == "min")
			w.min += v * kb;
		else if (k == "low")
			w.low += v * kb;
		else if (k == "high")
			w.high += v * kb;
	}
	if (!seen)
		die("/proc/zoneinfo: no zones of node " + std::to_string(node));
	return w;
}

long read_long(const std::string &path)
{
	std::ifstream in(path);
	long v;
	if (!(in >> v))
		die(path + ": cannot read a number from it");
	return v;
}

// Run on the CPUs of @node, so that "local" means that node; a node without
// CPUs (a memory-only node) leaves the scheduler's choice alone.
void run_on(long node)
{
	const std::string dir = "node" + std::to_string(node);
	if (!std::filesystem::exists("/sys/devices/system/node/" + dir))
		die("/sys/devices/system/node/" + dir + ": no node " + std::to_string(node));
	const std::vector<int> cpus = node_state(dir + "/cpulist");
	if (cpus.empty())
		return;
	cpu_set_t set;
	CPU_ZERO(&set);
	for (int c : cpus)
		if (c < CPU_SETSIZE)
			CPU_SET(c, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		die("sched_setaffinity to the CPUs of node " + std::to_string(node) + ": " +
		    std::strerror(errno));
}

// kB free on @node above its high watermark (below it, kswapd reclaims).
long free_above_high_kb(long node)
{
	const auto free_kb = node_meminfo_kb(static_cast<int>(node), "MemFree");
	if (!free_kb)
		die("cannot read node " + std::to_string(node) + "'s MemFree");
	return *free_kb - watermarks_kb(node).high;
}

// Lock memory on @node until only @keep_mb of it is free above its high
// watermark. Returns the ballast's size in bytes (it stays mapped). Free
// pages on per-CPU lists do not show in MemFree until they are drained,
// so it tops the ballast up until the reading is right (to 1 MiB).
size_t ballast(long node, long keep_mb)
{
	NodeMask mask;
	mask.set(static_cast<int>(node));
	size_t total = 0;
	for (int round = 0; round < 8; round++) {
		const long free_kb = free_above_high_kb(node);
		const long kb = free_kb - keep_mb * 1024;
		if (kb < 0 && round == 0)
			die("node " + std::to_string(node) + " has " + std::to_string(free_kb / 1024) +
			    " MiB free above its high watermark, less than --dram-mb " +
			    std::to_string(keep_mb));
		if (kb < 1024) {
			// the last round may overshoot a little (per-CPU lists
			// drained meanwhile); more than that, and the limit is not
			// what the run says it is
			const long slack = std::max(2048L, keep_mb * 1024 / 20);
			if (kb < -slack)
				die("node " + std::to_string(node) + " has " +
				    std::to_string(free_kb / 1024) +
				    " MiB free above its high watermark after the ballast, not --dram-mb " +
				    std::to_string(keep_mb));
			return total;
		}
		const size_t bytes = static_cast<size_t>(kb) * 1024 / kPageSize * kPageSize;
		void *p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap of a " + std::to_string(bytes >> 20) +
			    " MiB ballast: " + std::strerror(errno));
		if (sys_mbind(p, bytes, MPOL_BIND, mask, 0) < 0)
			die("mbind of the ballast to node " + std::to_string(node) + ": " +
			    std::strerror(errno));
		if (mlock(p, bytes) < 0)
			die("mlock of a " + std::to_string(bytes >> 20) +
			    " MiB ballast: " + std::strerror(errno));
		total += bytes;
	}
	die("node " + std::to_string(node) + "'s free memory did not settle at --dram-mb " +
	    std::to_string(keep_mb) + " in 8 rounds of ballast (" +
	    std::to_string(free_above_high_kb(node) / 1024) + " MiB above the high watermark now)");
}

struct Clock {
	std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
	double seconds() const { return seconds_since(t0); }
};

} // namespace

int main(int argc, char **argv)
{
	const auto opt = parse(argc, argv);
	if (!opt) {
		std::fputs(kUsage, stderr);
		return 2;
	}
	const Options &o = *opt;
	const size_t pages = static_cast<size_t>(o.mb) * (1 << 20) / kPageSize;
	const auto ops = static_cast<std::uint64_t>(o.ops >= 0 ? o.ops : 16 * static_cast<long>(pages));
	if (Mapping::page_size() != kPageSize)
		die("the page size is not 4 KiB");

	run_on(o.dram_node);
	const size_t ballast_bytes = o.dram_mb >= 0 ? ballast(o.dram_node, o.dram_mb) : 0;
	// what the working set starts with: free above the high watermark
	const long free0_kb = free_above_high_kb(o.dram_node);
	const Watermarks wm = watermarks_kb(o.dram_node);
	// the reference must not be limited: room for all of it, and then some
	if (o.dram_mb < 0 && free0_kb < o.mb * 1024 + 2048)
		die("node " + std::to_string(o.dram_node) + " has " + std::to_string(free0_kb / 1024) +
		    " MiB free above its high watermark: too little for an unlimited run of " +
		    std::to_string(o.mb) + " MiB");

	Mapping m(pages);
	NodeMask mask;
	mask.set(static_cast<int>(o.dram_node));
	if (sys_mbind(m.page(0), m.bytes(), MPOL_BIND, mask, 0) < 0)
		die("mbind of the working set to node " + std::to_string(o.dram_node) + ": " +
		    std::strerror(errno));

	const auto vm0 = vmstat();
	Clock fill;
	for (size_t i = 0; i < pages; i++)
		page_contents(o.seed, *o.content, i, 0, reinterpret_cast<std::uint64_t *>(m.page(i)));
	const double fill_s = fill.seconds();

	// Access. Nothing but the accesses in the timed loop: the faults are
	// counted around it; which of them were writes' the kernel's counters
	// tell (cram's write faults; for zswap every fault is a swap-in).
	std::vector<std::uint32_t> version(pages);
	Ops seq(o.seed, pages, *o.pattern);
	std::uint64_t reads = 0, writes = 0, sink = 0;
	const auto vm_a0 = vmstat();
	const long faults0 = faults_so_far();
	if (faults0 < 0)
		die("getrusage: " + std::string(std::strerror(errno)));
	Clock access;
	for (std::uint64_t n = 0; n < ops; n++) {
		const Op op = seq.next();
		auto *p = reinterpret_cast<volatile std::uint64_t *>(m.page(op.page));
		if (op.write) {
			write_slots(o.seed, op.page, ++version[op.page], p);
			writes++;
		} else {
			std::uint64_t s = 0;
			for (size_t w = 0; w < kWords; w += 8)
				s += p[w];
			sink += s;
			reads++;
		}
	}
	const double access_s = access.seconds();
	const long access_faults = faults_so_far() - faults0;
	const auto vm_a1 = vmstat();

	// Where the working set is now, before the check pulls it back in.
	// cram nodes, and what they hold
	std::vector<int> cram_nodes;
	long cram_phys = -1, cram_logical = -1;
	std::error_code ec;
	for (const auto &e : std::filesystem::directory_iterator("/sys/kernel/mm/cram", ec)) {
		const std::string n = e.path().filename().string();
		if (n.rfind("node", 0) != 0)
			continue;
		cram_nodes.push_back(std::atoi(n.c_str() + 4));
		std::ifstream phys(e.path() / "physical_bytes"), logical(e.path() / "logical_bytes");
		long p, l;
		if (!(phys >> p && logical >> l))
			die((e.path() / "physical_bytes").string() + ": cannot read it");
		cram_phys = std::max(cram_phys, 0L) + p;
		cram_logical = std::max(cram_logical, 0L) + l;
	}
	const std::vector<int> status = where(m);
	long on_dram = 0, on_cram = 0, on_other = 0, absent = 0, unknown = 0;
	for (int s : status) {
		if (s == o.dram_node)
			on_dram++;
		else if (std::find(cram_nodes.begin(), cram_nodes.end(), s) != cram_nodes.end())
			on_cram++;
		else if (s >= 0)
			on_other++;
		else if (s == -ENOENT)
			absent++;
		else
			unknown++;
	}
	if (unknown)
		die(std::to_string(unknown) + " pages of the working set have no node in move_pages()");
	if (on_other)
		die(std::to_string(on_other) + " pages of the working set are neither on node " +
		    std::to_string(o.dram_node) + " nor on a cram node: the limit did not hold");
	if (o.dram_mb < 0 && on_dram != static_cast<long>(pages))
		die("the unlimited run has " + std::to_string(pages - static_cast<size_t>(on_dram)) +
		    " pages off node " + std::to_string(o.dram_node) + ": it is no reference");
	const auto zswap_kb = meminfo_kb("Zswap"), zswapped_kb = meminfo_kb("Zswapped");
	const long free_end_kb = free_above_high_kb(o.dram_node);
	const auto swapcached_kb = meminfo_kb("SwapCached"), unevictable_kb = meminfo_kb("Unevictable");

	// The check: every page as its writes left it; faults here are faults
	// on reads only.
	long bad = 0;
	const long verify_mark = faults_so_far();
	Clock check;
	std::vector<std::uint64_t> want(kWords);
	for (size_t i = 0; i < pages; i++) {
		page_contents(o.seed, *o.content, i, version[i], want.data());
		if (std::memcmp(want.data(), m.page(i), kPageSize)) {
			if (bad < 5)
				std::fprintf(stderr, "privnode-workload: page %zu (version %u) differs\n", i,
					     version[i]);
			bad++;
		}
	}
	const double check_s = check.seconds();
	const long verify_faults = faults_so_far() - verify_mark;
	const auto vm1 = vmstat();

	const auto ws = static_cast<long>(m.bytes());
	json out;
	out["label"] = o.label;
	out["mb"] = o.mb;
	out["content"] = name(*o.content);
	out["pattern"] = name(*o.pattern);
	out["seed"] = o.seed;
	out["dram_node"] = o.dram_node;
	out["dram_mb"] = o.dram_mb >= 0 ? json(o.dram_mb) : json(nullptr);
	out["ballast_bytes"] = ballast_bytes;
	out["dram_free_bytes"] = free0_kb * 1024;
	out["wmark_min_bytes"] = wm.min * 1024;
	out["wmark_low_bytes"] = wm.low * 1024;
	out["wmark_high_bytes"] = wm.high * 1024;
	out["min_free_kbytes"] = read_long("/proc/sys/vm/min_free_kbytes");
	out["dram_free_end_bytes"] = free_end_kb * 1024;
	out["swapcached_bytes"] = swapcached_kb ? json(*swapcached_kb * 1024) : json(nullptr);
	out["unevictable_bytes"] = unevictable_kb ? json(*unevictable_kb * 1024) : json(nullptr);
	out["fill_s"] = fill_s;
	out["ops"] = ops;
	out["reads"] = reads;
	out["writes"] = writes;
	out["access_s"] = access_s;
	out["ops_per_s"] = static_cast<double>(ops) / access_s;
	out["access_faults"] = access_faults;
	out["faults_per_access"] = static_cast<double>(access_faults) / static_cast<double>(ops);
	out["check_s"] = check_s;
	out["check_faults"] = verify_faults;
	out["pages"] = pages;
	out["pages_dram"] = on_dram;
	out["pages_cram"] = on_cram;
	out["pages_other"] = on_other; // neither DRAM node nor cram: escaped the limit
	out["pages_absent"] = absent;
	out["zswap_pool_bytes"] = zswap_kb ? json(*zswap_kb * 1024) : json(nullptr);
	out["zswapped_bytes"] = zswapped_kb ? json(*zswapped_kb * 1024) : json(nullptr);
	out["cram_physical_bytes"] = cram_phys >= 0 ? json(cram_phys) : json(nullptr);
	out["cram_logical_bytes"] = cram_logical >= 0 ? json(cram_logical) : json(nullptr);
	// DRAM the working set does not use: neither its pages on the DRAM
	// node nor zswap's pool (which holds only this run's pages).
	out["dram_saved_bytes"] =
		ws - on_dram * static_cast<long>(kPageSize) - (zswap_kb ? *zswap_kb * 1024 : 0);
	// the kernel's counters over the access phase (acc_*) and the run
	auto delta = [](const std::map<std::string, long> &a, const std::map<std::string, long> &b,
			const char *k) {
		const auto x = a.find(k), y = b.find(k);
		return x != a.end() && y != b.end() ? json(y->second - x->second) : json(nullptr);
	};
	for (const char *k : kVmstat)
		out[std::string("acc_") + k] = delta(vm_a0, vm_a1, k);
	for (const char *k : kVmstat)
		out[k] = delta(vm0, vm1, k);
	out["bad_pages"] = bad;
	out["sink"] = sink & 1; // keeps the reads
	std::printf("%s\n", out.dump().c_str());
	return bad ? 1 : 0;
}
