// SPDX-License-Identifier: GPL-2.0-only
// privnode-cxlcomp: the vendor payloads, what the device charges for data,
// the mailbox's errors, and the command line.
#include "pagecost.hpp"
#include "payload.hpp"

#include "mailbox.hpp"
#include "run_command.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <vector>

using namespace cxlcomp;

TEST_CASE("stats payload decodes little-endian fields at their offsets")
{
	std::array<std::uint8_t, stats_size> p{};
	p[0x00] = 0x00;
	p[0x03] = 0x10; // 256 MiB
	p[0x08] = 0x00;
	p[0x09] = 0x20; // 8 KiB
	p[0x13] = 0x08; // 128 MiB
	p[0x18] = 0x34;
	p[0x19] = 0x12; // 0x1234
	p[0x20] = 70;
	p[0x21] = 85;
	p[0x22] = 95;
	p[0x23] = 2;
	p[0x24] = 0x01;
	p[0x27] = 0x80; // 0x80000001 lost pages
	p[0x28] = 0x05;
	p[0x2f] = 0x01; // 0x0100000000000005 pending pages
	auto s = decode_stats(p);
	REQUIRE(s);
	CHECK(s->logical_capacity == 256u << 20);
	CHECK(s->logical_used == 8192);
	CHECK(s->physical_capacity == 128u << 20);
	CHECK(s->physical_used == 0x1234);
	CHECK(s->watermarks == Watermarks{70, 85, 95});
	CHECK(s->state == State::critical);
	CHECK(state_name(s->state) == "critical");
	CHECK(s->lost_pages == 0x80000001u);
	CHECK(s->pending_pages == std::optional<std::uint64_t>{0x0100000000000005ull});
}

TEST_CASE("a 40-byte stats payload (no pending count) decodes without one")
{
	std::array<std::uint8_t, stats_min_size> p{};
	p[0x18] = 0x34;
	p[0x23] = 1;
	auto s = decode_stats(p);
	REQUIRE(s);
	CHECK(s->physical_used == 0x34);
	CHECK(s->state == State::high);
	CHECK_FALSE(s->pending_pages.has_value());
}

TEST_CASE("stats payload round-trips")
{
	Stats s{1ull << 40,   3,	   5,  0xfedcba9876543210ull,
		{10, 20, 30}, State::full, 77, 0x1122334455667788ull};
	auto p = encode_stats(s);
	auto d = decode_stats(p);
	REQUIRE(d);
	CHECK(*d == s);
}

TEST_CASE("short or malformed stats payloads are rejected")
{
	std::array<std::uint8_t, stats_min_size - 1> shortp{};
	auto s = decode_stats(shortp);
	REQUIRE_FALSE(s);
	CHECK(s.error().err == EPROTO);
	CHECK(s.error().what == "stats payload is 39 bytes, expected 40 or more");
	std::array<std::uint8_t, stats_size> bad{};
	bad[0x23] = 4;
	auto b = decode_stats(bad);
	REQUIRE_FALSE(b);
	CHECK(b.error().err == EPROTO);
	CHECK(b.error().what == "stats payload: unknown state 4");
}

TEST_CASE("watermarks are validated and encoded")
{
	CHECK(watermarks_valid({70, 85, 95}));
	CHECK(watermarks_valid({0, 1, 100}));
	CHECK_FALSE(watermarks_valid({85, 85, 95}));
	CHECK_FALSE(watermarks_valid({70, 95, 85}));
	CHECK_FALSE(watermarks_valid({70, 85, 101}));
	CHECK(encode_watermarks({1, 2, 3}) == std::array<std::uint8_t, 4>{1, 2, 3, 0});
}

TEST_CASE("page cost: zero pages are free, random pages cost a page, text compresses")
{
	std::vector<std::uint8_t> zero(page_size * 2);
	CHECK(data_cost(zero).bytes == 0);
	CHECK(data_cost(zero).zero_pages == 2);

	std::vector<std::uint8_t> rnd(page_size);
	std::uint32_t x = 12345;
	for (auto &b : rnd) {
		x = x * 1103515245 + 12345;
		b = static_cast<std::uint8_t>(x >> 16);
	}
	CHECK(page_cost(rnd) == page_size);

	std::vector<std::uint8_t> text(page_size);
	const char *line = "the quick brown fox jumps over the lazy dog\n";
	for (std::size_t i = 0; i < text.size(); ++i)
		text[i] = static_cast<std::uint8_t>(line[i % 44]);
	auto c = page_cost(text);
	CHECK(c > 0);
	CHECK(c < 200);

	// A partial tail is charged as a zero-padded page.
	std::vector<std::uint8_t> tail(text.begin(), text.begin() + 100);
	CHECK(data_cost(tail).pages == 1);
	CHECK(data_cost(tail).bytes > 0);
}

TEST_CASE("mailbox: a memdev that does not exist is named, with the errno")
{
	// no CXL memdev of this name on any machine the tests run on
	for (const char *name : {"mem97", "/dev/cxl/mem97"}) {
		auto r = raw_command(name, opcode_get_stats, {}, stats_size);
		REQUIRE_FALSE(r);
		CHECK(r.error().path == "/dev/cxl/mem97");
		if (r.error().what == "no such CXL memdev") // libcxl started
			CHECK(r.error().err == ENODEV);
		else // no CXL support at all on this machine
			CHECK_THAT(r.error().what, Catch::Matchers::ContainsSubstring("libcxl"));
	}
}

namespace {

Run run_cxlcomp(const std::string &args)
{
	const auto err = std::filesystem::temp_directory_path() / "cxlcomp-test-stderr";
	return run_command(std::string(CXLCOMP) + " " + args + " 2>" + err.string(), err);
}

} // namespace

TEST_CASE("privnode-cxlcomp: errors as the library reports them, cost as JSON")
{
	auto wm = run_cxlcomp("set-watermarks -d mem97 0 50 40");
	CHECK(wm.rc == 1);
	CHECK(wm.err ==
	      "privnode-cxlcomp: watermarks 0/50/40: need low < high < critical <= 100: "
	      "Invalid argument\n");
	auto none = run_cxlcomp("stats -d mem97");
	CHECK(none.rc == 1);
	CHECK_THAT(none.err, Catch::Matchers::StartsWith("privnode-cxlcomp: /dev/cxl/mem97: "));
	auto missing = run_cxlcomp("cost /nonexistent/file");
	CHECK(missing.rc == 1);
	CHECK(missing.err == "privnode-cxlcomp: /nonexistent/file: open: No such file or directory\n");

	const auto zero = std::filesystem::temp_directory_path() / "cxlcomp-test-zero";
	std::ofstream(zero) << std::string(3 * page_size, '\0');
	auto c = run_cxlcomp("cost " + zero.string());
	std::filesystem::remove(zero);
	REQUIRE(c.rc == 0);
	auto j = nlohmann::json::parse(c.out);
	CHECK(j["pages"] == 3);
	CHECK(j["zero_pages"] == 3);
	CHECK(j["physical_bytes"] == 0);
}
