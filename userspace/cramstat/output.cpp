// SPDX-License-Identifier: GPL-2.0-only
// cramstat's output formats: JSON lines, CSV, and the terminal view.
#include "cramstat.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace cramstat {

namespace {

std::string fmt(const char *f, double v)
{
	char buf[64];
	std::snprintf(buf, sizeof(buf), f, v);
	return buf;
}

// A double in CSV: enough digits that rate * interval gives the delta back.
std::string num(double v)
{
	return fmt("%.6f", v);
}

const NodeSample *find_node(const Sample &s, int nid)
{
	auto it = std::find_if(s.nodes.begin(), s.nodes.end(),
			       [&](const NodeSample &n) { return n.now.node == nid; });
	return it == s.nodes.end() ? nullptr : &*it;
}

} // namespace

std::string iso_time(double t)
{
	time_t secs = static_cast<time_t>(std::floor(t));
	int ms = static_cast<int>(std::floor((t - static_cast<double>(secs)) * 1000));
	tm utc{};
	gmtime_r(&secs, &utc);
	char buf[64];
	std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &utc);
	char out[80];
	std::snprintf(out, sizeof(out), "%s.%03dZ", buf, std::min(ms, 999));
	return out;
}

std::string short_size(std::uint64_t bytes)
{
	static const char units[] = "KMGTPE";
	if (bytes < 1024)
		return std::to_string(bytes);
	double v = static_cast<double>(bytes) / 1024;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof(units) - 1) {
		v /= 1024;
		u++;
	}
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%.1f%c", v, units[u]);
	return buf;
}

std::string json_line(const Sample &s)
{
	using json = nlohmann::ordered_json;
	json j;
	j["time"] = s.time;
	j["timestamp"] = iso_time(s.time);
	j["elapsed_s"] = s.elapsed_s;
	j["interval_s"] = s.interval_s;
	json nodes = json::array();
	for (const auto &n : s.nodes) {
		json o;
		o["node"] = n.now.node;
		o["state"] = n.now.state;
		for (size_t i = 0; i < kNumCounters; i++) {
			o[kCounters[i]] = n.now.counters[i];
			o[std::string(kCounters[i]) + "_per_s"] = n.per_s[i];
		}
		o["logical_bytes"] = n.now.logical_bytes;
		o["physical_bytes"] = n.now.physical_bytes;
		o["max_physical_bytes"] = n.now.max_physical_bytes;
		o["capacity_bytes"] = n.now.capacity_bytes;
		o["ratio"] = n.now.ratio;
		o["time_above_high_ms"] = n.now.time_above_high_ms;
		o["balloon_pages"] = n.now.balloon_pages;
		o["wm_low"] = n.now.wm_low;
		o["wm_high"] = n.now.wm_high;
		o["wm_critical"] = n.now.wm_critical;
		o["reset"] = n.reset;
		nodes.push_back(std::move(o));
	}
	j["nodes"] = std::move(nodes);
	j["gone"] = s.gone;
	if (s.zswap) {
		const ZswapSample &z = *s.zswap;
		j["zswap"] = {
			{"stored_pages", z.stored_pages}, {"stored_bytes", z.now.stored_bytes},
			{"pool_bytes", z.now.pool_bytes}, {"ratio", z.ratio},
			{"zswpin", z.now.zswpin},	  {"zswpin_per_s", z.zswpin_per_s},
			{"zswpout", z.now.zswpout},	  {"zswpout_per_s", z.zswpout_per_s},
			{"zswpwb", z.now.zswpwb},	  {"zswpwb_per_s", z.zswpwb_per_s},
		};
	} else {
		j["zswap"] = nullptr;
	}
	return j.dump();
}

namespace {

const char *const kNodeFields[] = {"logical_bytes", "physical_bytes", "max_physical_bytes", "capacity_bytes",
				   "ratio",	    "state",	      "time_above_high_ms", "balloon_pages",
				   "wm_low",	    "wm_high",	      "wm_critical"};
const char *const kZswapFields[] = {"stored_pages", "stored_bytes", "pool_bytes", "ratio",
				    "zswpin",	    "zswpin_per_s", "zswpout",	  "zswpout_per_s",
				    "zswpwb",	    "zswpwb_per_s"};

} // namespace

std::string csv_header(const Layout &l)
{
	std::string h = "time,timestamp,elapsed_s,interval_s";
	for (int nid : l.nodes) {
		const std::string p = ",node" + std::to_string(nid) + "_";
		for (const char *c : kCounters)
			h += p + c + p + c + "_per_s";
		for (const char *f : kNodeFields)
			h += p + f;
	}
	if (l.zswap)
		for (const char *f : kZswapFields)
			h += std::string(",zswap_") + f;
	return h;
}

std::string csv_row(const Layout &l, const Sample &s)
{
	std::string r = fmt("%.3f", s.time) + "," + iso_time(s.time) + "," + num(s.elapsed_s) + "," +
		num(s.interval_s);
	for (int nid : l.nodes) {
		const NodeSample *n = find_node(s, nid);
		if (!n) { // gone: every field empty
			r += std::string(2 * kNumCounters + std::size(kNodeFields), ',');
			continue;
		}
		for (size_t i = 0; i < kNumCounters; i++)
			r += "," + std::to_string(n->now.counters[i]) + "," + num(n->per_s[i]);
		const NodeReading &v = n->now;
		r += "," + std::to_string(v.logical_bytes) + "," + std::to_string(v.physical_bytes) + "," +
			std::to_string(v.max_physical_bytes) + "," + std::to_string(v.capacity_bytes) + "," +
			fmt("%.2f", v.ratio) + "," + v.state + "," + std::to_string(v.time_above_high_ms) +
			"," + std::to_string(v.balloon_pages) + "," + std::to_string(v.wm_low) + "," +
			std::to_string(v.wm_high) + "," + std::to_string(v.wm_critical);
	}
	if (l.zswap) {
		if (!s.zswap) {
			r += std::string(std::size(kZswapFields), ',');
		} else {
			const ZswapSample &z = *s.zswap;
			r += "," + std::to_string(z.stored_pages) + "," + std::to_string(z.now.stored_bytes) +
				"," + std::to_string(z.now.pool_bytes) + "," + fmt("%.2f", z.ratio) + "," +
				std::to_string(z.now.zswpin) + "," + num(z.zswpin_per_s) + "," +
				std::to_string(z.now.zswpout) + "," + num(z.zswpout_per_s) + "," +
				std::to_string(z.now.zswpwb) + "," + num(z.zswpwb_per_s);
		}
	}
	return r;
}

// The terminal view, vmstat-like: a line per cram node and one for zswap
// in each sample, under two header lines (cram's columns, zswap's).
//
//     time  node   dem/s   pro/s   den/s  wflt/s  logical physical ratio    state above_high
//     time zswap  stored    pool ratio      wb/s  zswpin/s zswpout/s
// 22:10:01     1   120.0     0.0     0.0     0.0    64.0M    24.1M  2.65   accept       0.0s
// 22:10:01 zswap   1.2M  380.0K  3.30       0.0       0.0       0.0
std::string table_header(const Layout &l)
{
	char buf[256];
	std::string h;
	if (!l.nodes.empty()) {
		std::snprintf(buf, sizeof(buf), "%8s %5s %7s %7s %7s %7s %8s %8s %5s %8s %10s\n", "time",
			      "node", "dem/s", "pro/s", "den/s", "wflt/s", "logical", "physical", "ratio",
			      "state", "above_high");
		h += buf;
	}
	if (l.zswap) {
		std::snprintf(buf, sizeof(buf), "%8s %5s %7s %7s %5s %9s %9s %9s\n", "time", "zswap",
			      "stored", "pool", "ratio", "wb/s", "zswpin/s", "zswpout/s");
		h += buf;
	}
	return h;
}

std::string table_rows(const Sample &s)
{
	char hms[16];
	time_t secs = static_cast<time_t>(s.time);
	tm local{};
	localtime_r(&secs, &local);
	std::strftime(hms, sizeof(hms), "%H:%M:%S", &local);
	char buf[256];
	std::string out;
	for (int g : s.gone) {
		std::snprintf(buf, sizeof(buf), "%8s %5d gone\n", hms, g);
		out += buf;
	}
	for (const auto &n : s.nodes) {
		const NodeReading &v = n.now;
		std::snprintf(buf, sizeof(buf), "%8s %5d %7.1f %7.1f %7.1f %7.1f %8s %8s %5.2f %8s %9.1fs\n",
			      hms, v.node, n.per_s[kDemoted], n.per_s[kPromoted], n.per_s[kDenied],
			      n.per_s[kWriteFaults], short_size(v.logical_bytes).c_str(),
			      short_size(v.physical_bytes).c_str(), v.ratio, v.state.c_str(),
			      static_cast<double>(v.time_above_high_ms) / 1000);
		out += buf;
	}
	if (s.zswap) {
		const ZswapSample &z = *s.zswap;
		std::snprintf(buf, sizeof(buf), "%8s %5s %7s %7s %5.2f %9.1f %9.1f %9.1f\n", hms, "zswap",
			      short_size(z.now.stored_bytes).c_str(), short_size(z.now.pool_bytes).c_str(),
			      z.ratio, z.zswpwb_per_s, z.zswpin_per_s, z.zswpout_per_s);
		out += buf;
	}
	return out;
}

} // namespace cramstat
