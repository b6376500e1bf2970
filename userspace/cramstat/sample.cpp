// SPDX-License-Identifier: GPL-2.0-only
// Rates from two readings: each counter's rise over the time between them.
#include "cramstat.hpp"

#include <algorithm>

namespace cramstat {

namespace {

double rate(std::uint64_t before, std::uint64_t now, double seconds)
{
	return seconds > 0 ? static_cast<double>(now - before) / seconds : 0;
}

} // namespace

Sample make_sample(const Reading &prev, const Reading &now, double start, std::uint64_t page_size)
{
	Sample s;
	s.time = now.wall;
	s.elapsed_s = now.mono - start;
	s.interval_s = now.mono - prev.mono;
	for (const auto &n : now.nodes) {
		NodeSample ns;
		ns.now = n;
		auto old = std::find_if(prev.nodes.begin(), prev.nodes.end(),
					[&](const NodeReading &p) { return p.node == n.node; });
		NodeReading zero;
		const NodeReading *base = old != prev.nodes.end() ? &*old : &zero;
		ns.reset = old == prev.nodes.end();
		for (size_t i = 0; i < kNumCounters; i++)
			if (n.counters[i] < base->counters[i]) {
				// counters start again when a node is made anew under
				// the same id between two readings
				ns.reset = true;
				base = &zero;
			}
		for (size_t i = 0; i < kNumCounters; i++)
			ns.per_s[i] = rate(base->counters[i], n.counters[i], s.interval_s);
		s.nodes.push_back(ns);
	}
	s.gone = now.gone;
	if (now.zswap) {
		ZswapSample z;
		z.now = *now.zswap;
		z.stored_pages = page_size ? z.now.stored_bytes / page_size : 0;
		z.ratio = z.now.pool_bytes
			? static_cast<double>(z.now.stored_bytes) / static_cast<double>(z.now.pool_bytes)
			: 0;
		if (prev.zswap) {
			// vmstat's events never go back while the system runs
			const ZswapReading &p = *prev.zswap;
			z.zswpin_per_s = rate(std::min(p.zswpin, z.now.zswpin), z.now.zswpin, s.interval_s);
			z.zswpout_per_s =
				rate(std::min(p.zswpout, z.now.zswpout), z.now.zswpout, s.interval_s);
			z.zswpwb_per_s = rate(std::min(p.zswpwb, z.now.zswpwb), z.now.zswpwb, s.interval_s);
		}
		s.zswap = z;
	}
	return s;
}

} // namespace cramstat
