// SPDX-License-Identifier: GPL-2.0-only
// privnode-cxlcomp: read the compressed CXL device's statistics, set its
// watermarks, or compute what the device would charge for a file.
#include "mailbox.hpp"
#include "pagecost.hpp"
#include "payload.hpp"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>

namespace {

using nlohmann::json;

// "privnode-cxlcomp: PATH: WHAT: strerror" on stderr; returns 1.
int fail(const privnode::Error &e)
{
	std::cerr << "privnode-cxlcomp: " << privnode::to_string(e) << '\n';
	return 1;
}

json stats_json(const std::string &memdev, const cxlcomp::Stats &s)
{
	return {{"memdev", memdev},
		{"logical_capacity", s.logical_capacity},
		{"logical_used", s.logical_used},
		{"physical_capacity", s.physical_capacity},
		{"physical_used", s.physical_used},
		{"watermarks",
		 {{"low", s.watermarks.low},
		  {"high", s.watermarks.high},
		  {"critical", s.watermarks.critical}}},
		{"state", cxlcomp::state_name(s.state)},
		{"lost_pages", s.lost_pages},
		{"pending_pages", s.pending_pages ? json(*s.pending_pages) : json(nullptr)}};
}

// An error of Get Compression Stats on MEMDEV: its /dev/cxl path, the opcode
privnode::Error stats_error(const std::string &memdev, int err, const std::string &what)
{
	return {err, "/dev/cxl/" + std::filesystem::path(memdev).filename().string(),
		"opcode " + cxlcomp::opcode_name(cxlcomp::opcode_get_stats) + ": " + what};
}

privnode::Result<cxlcomp::Stats> read_stats(const std::string &memdev)
{
	auto out = cxlcomp::raw_command(memdev, cxlcomp::opcode_get_stats, {}, cxlcomp::stats_size);
	if (!out)
		return std::unexpected(out.error());
	auto s = cxlcomp::decode_stats(*out);
	if (!s)
		return std::unexpected(stats_error(memdev, s.error().err, s.error().what));
	return s;
}

// --settled MS: read again, 10 ms apart, until no page is pending (the
// figures are exact then); ETIMEDOUT after MS milliseconds.
int cmd_stats(const std::string &memdev, unsigned settle_ms)
{
	auto s = read_stats(memdev);
	if (s && settle_ms && !s->pending_pages)
		return fail(stats_error(memdev, EPROTO,
					"the device reports no pending count (a 40-byte payload): "
					"--settled cannot tell when its figures are exact"));
	for (unsigned waited = 0; s && settle_ms && *s->pending_pages; waited += 10) {
		if (waited >= settle_ms)
			return fail(stats_error(memdev, ETIMEDOUT,
						std::to_string(*s->pending_pages) +
							" pages still pending after " +
							std::to_string(settle_ms) + " ms"));
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
		s = read_stats(memdev);
	}
	if (!s)
		return fail(s.error());
	std::cout << stats_json(memdev, *s).dump(2) << '\n';
	return 0;
}

int cmd_set_watermarks(const std::string &memdev, const cxlcomp::Watermarks &w)
{
	if (!cxlcomp::watermarks_valid(w))
		return fail({EINVAL, "",
			     "watermarks " + std::to_string(w.low) + "/" + std::to_string(w.high) + "/" +
				     std::to_string(w.critical) + ": need low < high < critical <= 100"});
	auto in = cxlcomp::encode_watermarks(w);
	auto out = cxlcomp::raw_command(memdev, cxlcomp::opcode_set_watermarks, in, 0);
	if (!out)
		return fail(out.error());
	return cmd_stats(memdev, 0);
}

int cmd_cost(const std::string &file)
{
	std::ifstream in(file, std::ios::binary);
	if (!in)
		return fail({errno, file, "open"});
	std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)),
				       std::istreambuf_iterator<char>());
	if (in.bad())
		return fail({errno ? errno : EIO, file, "read"});
	auto c = cxlcomp::data_cost(data);
	std::cout << json{{"file", file},
			  {"bytes", data.size()},
			  {"pages", c.pages},
			  {"zero_pages", c.zero_pages},
			  {"physical_bytes", c.bytes}}
			     .dump(2)
		  << '\n';
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	CLI::App app{"Statistics and watermarks of privnode's compressed CXL memory device"};
	app.require_subcommand(1);
	std::string memdev = "mem0";

	auto *stats = app.add_subcommand("stats", "print the device's compression statistics (JSON)");
	stats->add_option("-d,--memdev", memdev, "memdev name (mem0) or /dev/cxl path");
	unsigned settle_ms = 0;
	stats->add_option("--settled", settle_ms,
			  "read again until no page is pending compression (exact figures), for at "
			  "most MS milliseconds")
		->option_text("MS");

	cxlcomp::Watermarks w;
	unsigned low = 0, high = 0, critical = 0;
	auto *setw = app.add_subcommand("set-watermarks", "set low/high/critical watermarks (percent)");
	setw->add_option("-d,--memdev", memdev, "memdev name (mem0) or /dev/cxl path");
	setw->add_option("low", low)->required()->check(CLI::Range(0, 100));
	setw->add_option("high", high)->required()->check(CLI::Range(0, 100));
	setw->add_option("critical", critical)->required()->check(CLI::Range(0, 100));

	std::string file;
	auto *cost = app.add_subcommand("cost", "physical bytes the device charges for FILE's data (JSON)");
	cost->add_option("file", file)->required();

	CLI11_PARSE(app, argc, argv);
	if (*stats)
		return cmd_stats(memdev, settle_ms);
	if (*setw) {
		w = {static_cast<std::uint8_t>(low), static_cast<std::uint8_t>(high),
		     static_cast<std::uint8_t>(critical)};
		return cmd_set_watermarks(memdev, w);
	}
	return cmd_cost(file);
}
