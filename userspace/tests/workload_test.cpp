// SPDX-License-Identifier: GPL-2.0-only
// The workload of make bench-cram: its pages are what it says they are
// (compressibility measured with LZ4, as cram_soft does), writes are
// replayable, and the access sequence has the mix it claims.
#include "workload.hpp"

#include <catch2/catch_test_macros.hpp>
#include <cstring>
#include <lz4.h>
#include <set>
#include <vector>

using namespace pn::bench;

namespace {

// Compression ratio of @pages pages of @c, each compressed alone.
double lz4_ratio(Content c, unsigned pages)
{
	std::vector<std::uint64_t> page(kWords);
	std::vector<char> dst(LZ4_compressBound(kPageSize));
	size_t in = 0, out = 0;
	for (unsigned i = 0; i < pages; i++) {
		page_contents(7, c, i, i % 3, page.data());
		const int n = LZ4_compress_default(reinterpret_cast<const char *>(page.data()), dst.data(),
						   kPageSize, static_cast<int>(dst.size()));
		REQUIRE(n > 0);
		in += kPageSize;
		out += static_cast<size_t>(n);
	}
	return static_cast<double>(in) / static_cast<double>(out);
}

} // namespace

TEST_CASE("page contents have the compressibility of their class")
{
	CHECK(lz4_ratio(Content::zero, 100) > 30);
	const double text = lz4_ratio(Content::text, 200);
	CHECK(text > 1.8);
	CHECK(text < 2.6);
	CHECK(lz4_ratio(Content::random, 100) < 1.01);
}

TEST_CASE("page contents depend on seed, page and version only")
{
	std::vector<std::uint64_t> a(kWords), b(kWords);
	for (Content c : {Content::text, Content::random}) {
		page_contents(1, c, 5, 0, a.data());
		page_contents(1, c, 5, 0, b.data());
		CHECK(a == b);
		page_contents(2, c, 5, 0, b.data());
		CHECK(a != b);
		page_contents(1, c, 6, 0, b.data());
		CHECK(a != b);
	}
	page_contents(1, Content::zero, 5, 0, a.data());
	CHECK(a == std::vector<std::uint64_t>(kWords, 0));
	page_contents(1, Content::zero, 5, 1, b.data());
	CHECK(a != b);
}

TEST_CASE("a write turns version v-1 into version v, and the check sees any other byte")
{
	for (Content c : {Content::zero, Content::text, Content::random}) {
		std::vector<std::uint64_t> page(kWords), want(kWords);
		page_contents(3, c, 11, 0, page.data());
		for (std::uint32_t v = 1; v <= 4; v++) {
			write_slots(3, 11, v, page.data());
			page_contents(3, c, 11, v, want.data());
			REQUIRE(page == want);
		}
		// a lost write, or a flipped byte, shows
		page_contents(3, c, 11, 3, want.data());
		CHECK(page != want);
		page_contents(3, c, 11, 4, want.data());
		reinterpret_cast<unsigned char *>(page.data())[1234] ^= 1;
		CHECK(page != want);
	}
}

TEST_CASE("the access sequence is seeded, has its read mix and its hot pages")
{
	for (Pattern p : {Pattern::read, Pattern::mixed, Pattern::write}) {
		Ops a(9, 1000, p), b(9, 1000, p), other(10, 1000, p);
		unsigned reads = 0, same = 0, hot = 0;
		std::set<std::uint64_t> seen;
		const unsigned n = 100000;
		for (unsigned i = 0; i < n; i++) {
			const Op x = a.next(), y = b.next(), z = other.next();
			REQUIRE(x.page == y.page);
			REQUIRE(x.write == y.write);
			REQUIRE(x.page < 1000);
			REQUIRE(z.page < 1000);
			same += x.page == z.page;
			reads += !x.write;
			hot += x.page % kHotEvery == 0;
			seen.insert(x.page);
		}
		CHECK(seen.size() == 1000);
		CHECK(same < n / 100);
		const double share = 100.0 * reads / n;
		CHECK(share > read_percent(p) - 1.0);
		CHECK(share < read_percent(p) + 1.0);
		const double hot_share = 100.0 * hot / n;
		CHECK(hot_share > kHotPercent - 1.0);
		CHECK(hot_share < kHotPercent + 1.0);
	}
	// page counts that are not a multiple of five: every page reachable,
	// none past the end
	for (std::uint64_t pages : {1ull, 2ull, 7ull, 1003ull}) {
		Ops o(5, pages, Pattern::mixed);
		std::set<std::uint64_t> seen;
		for (unsigned i = 0; i < 200000; i++) {
			const Op x = o.next();
			REQUIRE(x.page < pages);
			seen.insert(x.page);
		}
		CHECK(seen.size() == pages);
	}
	CHECK(parse_pattern("read") == Pattern::read);
	CHECK(!parse_pattern("reads"));
	CHECK(parse_content("random") == Content::random);
	CHECK(!parse_content(""));
}
