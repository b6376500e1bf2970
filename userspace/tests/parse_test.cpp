// SPDX-License-Identifier: GPL-2.0-only
#include "privnode/parse.hpp"
#include "privnode/sysfs.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace privnode;

TEST_CASE("node lists in the kernel's %*pbl format")
{
	CHECK(parse_nodelist("0-2,5") == std::vector<int>{0, 1, 2, 5});
	CHECK(parse_nodelist("1") == std::vector<int>{1});
	CHECK(parse_nodelist("") == std::vector<int>{});
	CHECK(parse_nodelist("  3\n") == std::vector<int>{3});
	CHECK_FALSE(parse_nodelist("2-1"));
	CHECK_FALSE(parse_nodelist("1,"));
	CHECK_FALSE(parse_nodelist("a"));
	CHECK_FALSE(parse_nodelist("1-"));
	CHECK(format_nodelist({0, 1, 2, 5}) == "0-2,5");
	CHECK(format_nodelist({}) == "");
	CHECK(format_nodelist({4}) == "4");
	CHECK(format_nodelist(*parse_nodelist("0,2-3,7-9")) == "0,2-3,7-9");
}

TEST_CASE("sizes with binary suffixes")
{
	CHECK(parse_size("268435456") == 268435456u);
	CHECK(parse_size("256M") == 268435456u);
	CHECK(parse_size("256MiB") == 268435456u);
	CHECK(parse_size("256m") == 268435456u);
	CHECK(parse_size("1G") == 1073741824u);
	CHECK(parse_size("4K") == 4096u);
	CHECK(parse_size("0x10000000") == 268435456u);
	CHECK_FALSE(parse_size(""));
	CHECK_FALSE(parse_size("M"));
	CHECK_FALSE(parse_size("12Q"));
	CHECK_FALSE(parse_size("-1"));
	CHECK_FALSE(parse_size("99999999999999999999"));
	CHECK_FALSE(parse_size("20000000T")); // overflows 64 bits
	// as cxl list -u prints them (ndctl's man pages and util/json.c)
	CHECK(format_size_human(268435456) == "256.00 MiB (268.44 MB)");
	CHECK(format_size_human(536870912) == "512.00 MiB (536.87 MB)");
	CHECK(format_size_human(4ull << 30) == "4.00 GiB (4.29 GB)");
	CHECK(format_size_human((2ull << 30) - 1) == "2048.00 MiB (2147.48 MB)");
	CHECK(format_size_human(3ull << 40) == "3.00 TiB (3.30 TB)");
	CHECK(format_size_human(5000 * 1024) == "4.88 MiB (5.12 MB)");
	CHECK(format_size_human(5000 * 1024 - 1) == "5119999");
	CHECK_FALSE(size_is_human(512));
	CHECK(size_is_human(5000 * 1024));
}

TEST_CASE("integers as sysfs prints them")
{
	CHECK(parse_u64("0x10000000") == 268435456u);
	CHECK(parse_u64("42\n") == 42u);
	CHECK_FALSE(parse_u64("0x"));
	CHECK_FALSE(parse_u64("12abc"));
}

TEST_CASE("natural order of device names")
{
	CHECK(natural_less("region2", "region10"));
	CHECK_FALSE(natural_less("region10", "region2"));
	CHECK(natural_less("decoder2.0", "decoder2.1"));
	CHECK(natural_less("decoder2.9", "decoder10.0"));
	CHECK(natural_less("mem", "mem0"));
}
