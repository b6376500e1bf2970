// SPDX-License-Identifier: GPL-2.0-only
// cramstat: a live, vmstat-like view of cram nodes and of zswap, from the
// kernel's stable files only (/sys/kernel/mm/cram/, /proc/vmstat,
// /proc/meminfo). See cramstat(1). The only translation unit that includes
// CLI11.
#include "cramstat.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <time.h>
#include <unistd.h>

namespace {

// Exit statuses (cramstat(1)).
constexpr int kExitError = 1; // a file could not be read or parsed, output failed
constexpr int kExitUsage = 2; // bad options

volatile std::sig_atomic_t stop_requested = 0;
void on_stop(int)
{
	stop_requested = 1;
}

int error(const std::string &msg)
{
	std::cerr << "cramstat: " << msg << "\n";
	return kExitError;
}

// The interval: seconds, fractional allowed, from 0.01 to a day.
std::string check_interval(const std::string &s)
{
	char *end = nullptr;
	errno = 0;
	double v = std::strtod(s.c_str(), &end);
	if (s.empty() || *end || errno || !std::isfinite(v) || v < 0.01 || v > 86400)
		return "the interval must be seconds from 0.01 to 86400, not '" + s + "'";
	return "";
}

// Sleep until CLOCK_MONOTONIC reaches @t; false if a signal asked us to stop.
bool sleep_until(double t)
{
	timespec ts{};
	ts.tv_sec = static_cast<time_t>(t);
	ts.tv_nsec = static_cast<long>((t - static_cast<double>(ts.tv_sec)) * 1e9);
	for (;;) {
		if (stop_requested)
			return false;
		int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
		if (rc == 0)
			return !stop_requested;
		if (rc != EINTR)
			return false;
	}
}

double monotonic_now()
{
	timespec ts{};
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

} // namespace

int main(int argc, char **argv)
{
	using namespace cramstat;
	CLI::App app{"cramstat: a live view of cram nodes (compressed RAM) and of zswap"};
	double interval = 1;
	int count = 0;
	std::vector<int> only;
	bool json = false, csv = false;
	std::string plot_file, root = "/";
	app.add_option("-i,--interval", interval, "Seconds between samples (fractional allowed)")
		->check(check_interval, "SECONDS")
		->capture_default_str();
	app.add_option("-c,--count", count, "Samples to take (default: until interrupted)")
		->check(CLI::Range(1, 1 << 30));
	app.add_option("-n,--node", only, "Only this cram node (repeatable; default: all)")
		->check(CLI::Range(0, 1023));
	auto *json_opt = app.add_flag("--json", json, "One JSON object per sample and line");
	auto *csv_opt = app.add_flag("--csv", csv, "CSV, the header once");
	json_opt->excludes(csv_opt);
	app.add_option("--plot", plot_file, "After the run, plot the recording to this SVG (gnuplot)");
	app.add_option("--root", root, "Prefix for /sys and /proc (testing)")->group("");
	try {
		app.parse(argc, argv);
	} catch (const CLI::CallForHelp &e) {
		return app.exit(e);
	} catch (const CLI::ParseError &e) {
		std::cerr << "cramstat: " << e.what() << "\nRun with --help for the options.\n";
		return kExitUsage;
	}

	if (!plot_file.empty()) {
		// fail before the recording, not after it
		if (!have_gnuplot())
			return error("--plot needs gnuplot, which is not installed (Debian package "
				     "gnuplot-nox: apt-get install gnuplot-nox)");
		int fd = ::open(plot_file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return error(plot_file + ": cannot write the plot: " + std::strerror(errno));
		::close(fd);
	}

	Reader reader{privnode::Sysfs(root)};
	std::vector<int> watched;
	if (only.empty()) {
		auto nodes = reader.cram_nodes();
		if (!nodes)
			return error(privnode::to_string(nodes.error()));
		watched = *nodes;
	} else {
		std::sort(only.begin(), only.end());
		only.erase(std::unique(only.begin(), only.end()), only.end());
		for (int nid : only) {
			auto n = reader.node(nid);
			if (!n)
				return error(privnode::to_string(n.error()));
			if (!*n)
				return error("no cram node " + std::to_string(nid) + ": " +
					     std::string(kCramDir) + "/node" + std::to_string(nid) + ": " +
					     std::strerror(ENOENT));
		}
		watched = only;
	}
	auto has_zswap = reader.has_zswap();
	if (!has_zswap)
		return error(privnode::to_string(has_zswap.error()));
	if (!*has_zswap)
		std::cerr << "cramstat: this kernel has no zswap (no Zswap: line in /proc/meminfo); "
			     "showing cram only\n";
	if (watched.empty() && !*has_zswap)
		return error("nothing to watch: no cram node and no zswap");
	if (watched.empty())
		std::cerr << "cramstat: no cram node now; showing zswap only\n";

	struct sigaction sa {};
	sa.sa_handler = on_stop; // no SA_RESTART: the sleep ends at once
	sigemptyset(&sa.sa_mask);
	::sigaction(SIGINT, &sa, nullptr);
	::sigaction(SIGTERM, &sa, nullptr);

	const Layout layout{watched, *has_zswap};
	const auto page_size = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
	auto first = reader.read(watched, layout.zswap);
	if (!first)
		return error(privnode::to_string(first.error()));
	if (csv)
		std::printf("%s\n", csv_header(layout).c_str());
	else if (!json)
		std::printf("%s", table_header(layout).c_str());
	std::fflush(stdout);

	std::vector<Sample> recording;
	Reading prev = *first;
	double next = first->mono;
	int status = 0;
	for (long k = 1; count == 0 || k <= count; k++) {
		next += interval;
		if (next < monotonic_now()) // fell behind (a stopped process): no burst
			next = monotonic_now();
		if (!sleep_until(next))
			break;
		auto now = reader.read(watched, layout.zswap);
		if (!now)
			return error(privnode::to_string(now.error()));
		for (int g : now->gone) {
			std::cerr << "cramstat: node " << g << " is gone (" << kCramDir << "/node" << g
				  << " no longer exists); going on with the others\n";
			watched.erase(std::remove(watched.begin(), watched.end(), g), watched.end());
		}
		Sample s = make_sample(prev, *now, first->mono, page_size);
		for (const auto &n : s.nodes)
			if (n.reset)
				std::cerr << "cramstat: node " << n.now.node
					  << ": its counters went back (the node was made anew); its "
					     "rates count from 0\n";
		std::string out = json ? json_line(s) + "\n"
			: csv	       ? csv_row(layout, s) + "\n"
				       : table_rows(s);
		if (std::fputs(out.c_str(), stdout) < 0 || std::fflush(stdout) != 0)
			return error(std::string("writing the output: ") + std::strerror(errno));
		if (!plot_file.empty())
			recording.push_back(std::move(s));
		prev = std::move(*now);
		if (watched.empty() && !layout.zswap) {
			std::cerr << "cramstat: no node left to watch\n";
			status = kExitError;
			break;
		}
	}

	if (!plot_file.empty()) {
		if (recording.empty())
			return error("nothing was recorded: no plot written to " + plot_file);
		auto st = run_gnuplot(gnuplot_script(layout, recording, plot_file), plot_file);
		if (!st)
			return error(privnode::to_string(st.error()));
		std::cerr << "cramstat: " << recording.size() << " samples plotted in " << plot_file << "\n";
	}
	return status;
}
