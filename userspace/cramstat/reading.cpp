// SPDX-License-Identifier: GPL-2.0-only
// Reading cram's and zswap's files. Every value is parsed strictly: a file
// that cannot be read or parsed is an error that names it and its content,
// never a zero.
#include "cramstat.hpp"

#include "privnode/parse.hpp"

#include <cerrno>
#include <sstream>
#include <time.h>

namespace cramstat {

using privnode::fail;
using privnode::Result;

namespace {

std::string node_dir(int nid)
{
	return std::string(kCramDir) + "/node" + std::to_string(nid);
}

double clock_seconds(clockid_t clk)
{
	timespec ts{};
	clock_gettime(clk, &ts);
	return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Only decimal digits: the kernel prints these files with %lu, %llu or %u
// (counters with %ld, which a negative value would betray).
bool all_digits(const std::string &s)
{
	if (s.empty() || s.size() > 20)
		return false;
	for (char c : s)
		if (c < '0' || c > '9')
			return false;
	return true;
}

} // namespace

Result<std::uint64_t> parse_count(const std::string &path, const std::string &text)
{
	auto v = all_digits(text) ? privnode::parse_u64(text) : std::nullopt;
	if (!v)
		return fail(EINVAL, path, "not a count: '" + text + "'");
	return *v;
}

Result<double> parse_ratio(const std::string &path, const std::string &text)
{
	const size_t dot = text.find('.');
	if (dot == std::string::npos || !all_digits(text.substr(0, dot)) || text.size() - dot - 1 != 2 ||
	    !all_digits(text.substr(dot + 1)))
		return fail(EINVAL, path, "not a ratio with two decimals: '" + text + "'");
	auto whole = privnode::parse_u64(text.substr(0, dot));
	auto hundredths = privnode::parse_u64(text.substr(dot + 1));
	if (!whole || !hundredths)
		return fail(EINVAL, path, "not a ratio with two decimals: '" + text + "'");
	return static_cast<double>(*whole) + static_cast<double>(*hundredths) / 100.0;
}

Result<std::uint64_t> meminfo_bytes(const std::string &path, const std::string &text, const std::string &key)
{
	std::istringstream in(text);
	for (std::string line; std::getline(in, line);) {
		if (line.compare(0, key.size() + 1, key + ":") != 0)
			continue;
		std::istringstream fields(line.substr(key.size() + 1));
		std::string value, unit, extra;
		fields >> value >> unit >> extra;
		auto kb = parse_count(path, value);
		if (!kb || unit != "kB" || !extra.empty())
			return fail(EINVAL, path, "not \"" + key + ": N kB\": '" + line + "'");
		if (*kb > UINT64_MAX / 1024)
			return fail(ERANGE, path, "too large: '" + line + "'");
		return *kb * 1024;
	}
	return fail(ENOENT, path, "no " + key + ": line");
}

Result<std::uint64_t> vmstat_value(const std::string &path, const std::string &text, const std::string &key)
{
	std::istringstream in(text);
	for (std::string line; std::getline(in, line);) {
		std::istringstream fields(line);
		std::string name, value, extra;
		fields >> name >> value >> extra;
		if (name != key)
			continue;
		auto v = parse_count(path, value);
		if (!v || !extra.empty())
			return fail(EINVAL, path, "not \"" + key + " N\": '" + line + "'");
		return *v;
	}
	return fail(ENOENT, path, "no " + key + " counter");
}

Result<std::vector<int>> Reader::cram_nodes() const
{
	if (!sys_.exists(kCramDir))
		return fail(ENOENT, kCramDir, "no cram here (a kernel without CONFIG_CRAM)");
	std::vector<int> nodes;
	for (const auto &name : sys_.list(kCramDir, "node")) {
		const std::string digits = name.substr(4);
		if (!all_digits(digits) || digits.size() > 4)
			continue;
		nodes.push_back(std::stoi(digits));
	}
	return nodes; // list() sorts naturally: node2 before node10
}

Result<bool> Reader::has_zswap() const
{
	auto text = sys_.read("/proc/meminfo");
	if (!text)
		return std::unexpected(text.error());
	auto pool = meminfo_bytes("/proc/meminfo", *text, "Zswap");
	if (pool)
		return true;
	if (pool.error().err == ENOENT)
		return false;
	return std::unexpected(pool.error());
}

Result<std::optional<NodeReading>> Reader::node(int nid) const
{
	const std::string dir = node_dir(nid);
	NodeReading r;
	r.node = nid;
	// Reads FILE of the node; an error that is the node going away (its
	// directory gone) is told apart by the caller below.
	auto text = [&](const char *file) { return sys_.read(dir + "/" + file); };
	auto count = [&](const char *file, std::uint64_t &out) -> privnode::Status {
		auto t = text(file);
		if (!t)
			return std::unexpected(t.error());
		auto v = parse_count(dir + "/" + file, *t);
		if (!v)
			return std::unexpected(v.error());
		out = *v;
		return {};
	};
	auto all = [&]() -> privnode::Status {
		for (size_t i = 0; i < kNumCounters; i++)
			if (auto s = count(kCounters[i], r.counters[i]); !s)
				return s;
		const std::pair<const char *, std::uint64_t *> plain[] = {
			{"logical_bytes", &r.logical_bytes},
			{"physical_bytes", &r.physical_bytes},
			{"max_physical_bytes", &r.max_physical_bytes},
			{"capacity_bytes", &r.capacity_bytes},
			{"time_above_high_ms", &r.time_above_high_ms},
			{"balloon_pages", &r.balloon_pages},
			{"wm_low", &r.wm_low},
			{"wm_high", &r.wm_high},
			{"wm_critical", &r.wm_critical},
		};
		for (const auto &[file, out] : plain)
			if (auto s = count(file, *out); !s)
				return s;
		auto ratio = text("ratio");
		if (!ratio)
			return std::unexpected(ratio.error());
		auto rv = parse_ratio(dir + "/ratio", *ratio);
		if (!rv)
			return std::unexpected(rv.error());
		r.ratio = *rv;
		auto state = text("state");
		if (!state)
			return std::unexpected(state.error());
		if (*state != "accept" && *state != "refuse" && *state != "critical" && *state != "closed")
			return fail(EINVAL, dir + "/state", "not a cram state: '" + *state + "'");
		r.state = *state;
		return {};
	};
	if (auto s = all(); !s) {
		// A node that went away while we read it is not an error: its
		// directory is gone. A file missing from a directory that is still
		// there is one.
		if (!sys_.exists(dir))
			return std::optional<NodeReading>{};
		return std::unexpected(s.error());
	}
	return r;
}

Result<ZswapReading> Reader::zswap() const
{
	ZswapReading z;
	auto meminfo = sys_.read("/proc/meminfo");
	if (!meminfo)
		return std::unexpected(meminfo.error());
	auto pool = meminfo_bytes("/proc/meminfo", *meminfo, "Zswap");
	if (!pool)
		return std::unexpected(pool.error());
	auto stored = meminfo_bytes("/proc/meminfo", *meminfo, "Zswapped");
	if (!stored)
		return std::unexpected(stored.error());
	z.pool_bytes = *pool;
	z.stored_bytes = *stored;
	auto vmstat = sys_.read("/proc/vmstat");
	if (!vmstat)
		return std::unexpected(vmstat.error());
	const std::pair<const char *, std::uint64_t *> events[] = {
		{"zswpin", &z.zswpin}, {"zswpout", &z.zswpout}, {"zswpwb", &z.zswpwb}};
	for (const auto &[name, out] : events) {
		auto v = vmstat_value("/proc/vmstat", *vmstat, name);
		if (!v)
			return std::unexpected(v.error());
		*out = *v;
	}
	return z;
}

Result<Reading> Reader::read(const std::vector<int> &nodes, bool with_zswap) const
{
	Reading r;
	r.mono = clock_seconds(CLOCK_MONOTONIC);
	r.wall = clock_seconds(CLOCK_REALTIME);
	for (int nid : nodes) {
		auto n = node(nid);
		if (!n)
			return std::unexpected(n.error());
		if (*n)
			r.nodes.push_back(std::move(**n));
		else
			r.gone.push_back(nid);
	}
	if (with_zswap) {
		auto z = zswap();
		if (!z)
			return std::unexpected(z.error());
		r.zswap = *z;
	}
	return r;
}

} // namespace cramstat
