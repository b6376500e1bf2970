// SPDX-License-Identifier: GPL-2.0-only
// cramstat: readings of cram nodes (/sys/kernel/mm/cram/nodeN/, see the
// kernel's Documentation/ABI/testing/sysfs-kernel-mm-cram) and of zswap
// (/proc/meminfo, /proc/vmstat), rates between two readings, and the
// output formats. Nothing here prints; main.cpp owns the terminal.
#pragma once

#include "privnode/error.hpp"
#include "privnode/sysfs.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cramstat {

inline constexpr const char *kCramDir = "/sys/kernel/mm/cram";

// The event counters of a cram node, in pages since it became one; the
// order of the sysfs ABI document. /proc/vmstat sums each as cram_<name>.
inline constexpr std::array<const char *, 11> kCounters = {
	"demoted",	 "migrated_in", "promoted", "promote_failed", "write_faults", "written_in_place",
	"write_refused", "denied",	"evicted",  "swapped",	      "zeroed"};
inline constexpr size_t kNumCounters = kCounters.size();
// Index of a counter in kCounters; a name that is not one does not compile.
consteval size_t counter_index(std::string_view name)
{
	for (size_t i = 0; i < kCounters.size(); i++)
		if (name == kCounters[i])
			return i;
	throw "no such cram counter";
}
// The counters the terminal view and the plot show as rates.
inline constexpr size_t kDemoted = counter_index("demoted");
inline constexpr size_t kPromoted = counter_index("promoted");
inline constexpr size_t kDenied = counter_index("denied");
inline constexpr size_t kWriteFaults = counter_index("write_faults");

// One reading of /sys/kernel/mm/cram/nodeN/.
struct NodeReading {
	int node = -1;
	std::array<std::uint64_t, kNumCounters> counters{};
	std::uint64_t logical_bytes = 0, physical_bytes = 0, max_physical_bytes = 0;
	std::uint64_t capacity_bytes = 0;
	double ratio = 0; // logical / physical, as the kernel prints it (two decimals)
	std::string state; // accept, refuse, critical or closed
	std::uint64_t time_above_high_ms = 0, balloon_pages = 0;
	std::uint64_t wm_low = 0, wm_high = 0, wm_critical = 0; // per mille of capacity
};

// One reading of zswap's figures: meminfo's Zswap: (the pool, compressed)
// and Zswapped: (what it stores, uncompressed), vmstat's events.
struct ZswapReading {
	std::uint64_t pool_bytes = 0, stored_bytes = 0;
	std::uint64_t zswpin = 0, zswpout = 0, zswpwb = 0;
};

// Everything read at one moment.
struct Reading {
	double mono = 0; // CLOCK_MONOTONIC seconds, taken before reading
	double wall = 0; // CLOCK_REALTIME seconds, the same moment
	std::vector<NodeReading> nodes;
	std::optional<ZswapReading> zswap; // nullopt: zswap not watched
	std::vector<int> gone; // nodes watched before, whose directory is gone now
};

// Reads the files under an injectable root (privnode::Sysfs: "/" on a real
// system, a fake tree in the unit tests).
class Reader {
public:
	explicit Reader(privnode::Sysfs sys) : sys_(std::move(sys)) {}

	// The cram nodes now, ascending. An error if there is no cram directory
	// (a kernel without CONFIG_CRAM).
	[[nodiscard]] privnode::Result<std::vector<int>> cram_nodes() const;
	// True if the kernel has zswap: /proc/meminfo has a Zswap: line.
	[[nodiscard]] privnode::Result<bool> has_zswap() const;
	// A node's files; nullopt if its directory is gone (the node went away).
	// A file that is missing while the directory is there, or that does not
	// parse, is an error naming the file and the value.
	[[nodiscard]] privnode::Result<std::optional<NodeReading>> node(int nid) const;
	[[nodiscard]] privnode::Result<ZswapReading> zswap() const;
	// The watched @nodes (those gone are moved to Reading::gone), and zswap
	// if @with_zswap, with the clocks.
	[[nodiscard]] privnode::Result<Reading> read(const std::vector<int> &nodes, bool with_zswap) const;

private:
	privnode::Sysfs sys_;
};

// Parsers of the files' contents, for the reader and its tests. Each names
// @path and the value in its error.
[[nodiscard]] privnode::Result<std::uint64_t> parse_count(const std::string &path, const std::string &text);
// The ratio file: "N.NN".
[[nodiscard]] privnode::Result<double> parse_ratio(const std::string &path, const std::string &text);
// "KEY:   VALUE kB" of /proc/meminfo, in bytes; an error if KEY is absent.
[[nodiscard]] privnode::Result<std::uint64_t> meminfo_bytes(const std::string &path, const std::string &text,
							    const std::string &key);
// "KEY VALUE" of /proc/vmstat; an error if KEY is absent.
[[nodiscard]] privnode::Result<std::uint64_t> vmstat_value(const std::string &path, const std::string &text,
							   const std::string &key);

// ---- samples: two readings and the rates between them

struct NodeSample {
	NodeReading now;
	std::array<double, kNumCounters> per_s{}; // each counter's rise per second
	bool reset = false; // a counter went back (the node was made anew): rates from 0
};

struct ZswapSample {
	ZswapReading now;
	std::uint64_t stored_pages = 0; // Zswapped / page size
	double ratio = 0; // stored / pool; 0 when the pool is empty
	double zswpin_per_s = 0, zswpout_per_s = 0, zswpwb_per_s = 0;
};

struct Sample {
	double time = 0; // CLOCK_REALTIME seconds of the newer reading
	double elapsed_s = 0; // since the first reading of the run
	double interval_s = 0; // between the two readings
	std::vector<NodeSample> nodes;
	std::optional<ZswapSample> zswap;
	std::vector<int> gone; // nodes that went away since the older reading
};

// The sample of @now against @prev (the previous reading, or the first of
// the run), @start the run's first reading's CLOCK_MONOTONIC time and
// @page_size the system's page size. A node in @now but not in @prev gets
// rates from 0 and reset set, as does a node whose counter went back.
[[nodiscard]] Sample make_sample(const Reading &prev, const Reading &now, double start,
				 std::uint64_t page_size);

// ---- output

// What every line of a run covers: the nodes watched and zswap, fixed at
// the start (the CSV header depends on them).
struct Layout {
	std::vector<int> nodes;
	bool zswap = false;
};

// One JSON object, on one line with no newline, numbers as numbers.
[[nodiscard]] std::string json_line(const Sample &s);
// The CSV header (no newline) and one row; a node that is gone has its
// fields empty.
[[nodiscard]] std::string csv_header(const Layout &l);
[[nodiscard]] std::string csv_row(const Layout &l, const Sample &s);
// The terminal view: a header of two lines, then for each sample a line
// per node and one for zswap, the time in local time.
[[nodiscard]] std::string table_header(const Layout &l);
[[nodiscard]] std::string table_rows(const Sample &s);
// 67108864 -> "64.0M"; binary units, one decimal from K up.
[[nodiscard]] std::string short_size(std::uint64_t bytes);
// ISO 8601 UTC with milliseconds: "2026-12-05T22:10:00.123Z".
[[nodiscard]] std::string iso_time(double unix_seconds);

// ---- plot

// A gnuplot script that writes @svg from @samples, with the data inline:
// cram's rates, zswap's rates, the memory each holds (logical against
// physical, stored against pool) and the ratios, against elapsed time.
[[nodiscard]] std::string gnuplot_script(const Layout &l, const std::vector<Sample> &samples,
					 const std::string &svg);
// Runs "gnuplot" (found in PATH) on @script; an error if it is not
// installed, fails, or leaves no SVG in @svg.
[[nodiscard]] privnode::Status run_gnuplot(const std::string &script, const std::string &svg);
// True if an executable "gnuplot" is in PATH.
[[nodiscard]] bool have_gnuplot();

} // namespace cramstat
