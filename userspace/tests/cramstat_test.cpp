// SPDX-License-Identifier: GPL-2.0-only
// cramstat against fake /sys/kernel/mm/cram and /proc trees: parsing, rates
// from two readings, the JSON and CSV shapes, errors on missing and garbled
// files, a node going away; then the binary as a user runs it.
#include "cramstat.hpp"
#include "fake_sysfs.hpp"
#include "run_command.hpp"

#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>
#include <sys/wait.h>
#include <thread>

using Catch::Approx;
using Catch::Matchers::ContainsSubstring;
using namespace cramstat;

namespace {

const std::string kCram = "/sys/kernel/mm/cram";

// A cram node as the kernel shows it: counters from @base up (demoted
// @base, migrated_in @base + 1, ...), 64 MiB logical on 16 MiB physical.
void cram_node(const FakeSysfs &f, int nid, std::uint64_t base = 0)
{
	const std::string d = kCram + "/node" + std::to_string(nid) + "/";
	for (size_t i = 0; i < kNumCounters; i++)
		f.file(d + kCounters[i], std::to_string(base + i));
	f.file(d + "logical_bytes", "67108864");
	f.file(d + "physical_bytes", "16777216");
	f.file(d + "max_physical_bytes", "20971520");
	f.file(d + "capacity_bytes", "134217728");
	f.file(d + "ratio", "4.00");
	f.file(d + "state", "accept");
	f.file(d + "time_above_high_ms", "1500");
	f.file(d + "balloon_pages", "0");
	f.file(d + "wm_low", "700");
	f.file(d + "wm_high", "800");
	f.file(d + "wm_critical", "950");
}

// /proc with zswap: a pool of 1 MiB holding 4 MiB (1024 pages).
void proc(const FakeSysfs &f, bool zswap = true)
{
	f.file("/proc/meminfo",
	       std::string("MemTotal:        1048576 kB\n"
			   "MemFree:          524288 kB\n") +
		       (zswap ? "Zswap:              1024 kB\n"
				"Zswapped:           4096 kB\n"
			      : "") +
		       "Dirty:                  0 kB");
	f.file("/proc/vmstat",
	       std::string("nr_free_pages 131072\npswpin 0\n") +
		       (zswap ? "zswpin 10\nzswpout 200\nzswpwb 3\n" : "") + "cram_demoted 0");
}

Reader reader(const FakeSysfs &f)
{
	return Reader(privnode::Sysfs(f.root()));
}

// cramstat under @f with @args (and @env before it, e.g. "PATH=/x"); stdout
// and stderr kept apart.
Run cramstat_run(const FakeSysfs &f, const std::string &args, const std::string &env = "")
{
	const fs::path errfile = f.root() / "stderr";
	return run_command(env + " " + CRAMSTAT + " --root " + f.root().string() + " " + args + " 2>" +
				   errfile.string(),
			   errfile);
}

std::vector<std::string> lines(const std::string &s)
{
	std::vector<std::string> out;
	std::istringstream in(s);
	for (std::string l; std::getline(in, l);)
		out.push_back(l);
	return out;
}

size_t fields(const std::string &csv_line)
{
	return static_cast<size_t>(std::count(csv_line.begin(), csv_line.end(), ',')) + 1;
}

} // namespace

TEST_CASE("cramstat parsers: counts, ratios, meminfo and vmstat lines, strictly")
{
	CHECK(parse_count("f", "0").value() == 0);
	CHECK(parse_count("f", "18446744073709551615").value() == UINT64_MAX);
	for (const char *bad : {"", "-1", "12x", "0x10", " 1", "1.5", "18446744073709551616"}) {
		auto r = parse_count("/x/demoted", bad);
		REQUIRE_FALSE(r);
		CHECK(r.error().err == EINVAL);
		CHECK(r.error().path == "/x/demoted");
		CHECK_THAT(r.error().what, ContainsSubstring(std::string("'") + bad + "'"));
	}
	CHECK(parse_ratio("r", "2.56").value() == Approx(2.56));
	CHECK(parse_ratio("r", "0.00").value() == 0);
	CHECK(parse_ratio("r", "123.05").value() == Approx(123.05));
	for (const char *bad : {"", "2", "2.5", "2.567", ".50", "a.bc", "-1.00", "2,50"})
		CHECK_FALSE(parse_ratio("r", bad));

	const std::string mi = "MemTotal: 100 kB\nZswap:        12 kB\nZswapped: 48 kB\nBad: 1 MB";
	CHECK(meminfo_bytes("/proc/meminfo", mi, "Zswap").value() == 12 * 1024);
	CHECK(meminfo_bytes("/proc/meminfo", mi, "Zswapped").value() == 48 * 1024);
	auto missing = meminfo_bytes("/proc/meminfo", mi, "Zsw");
	REQUIRE_FALSE(missing);
	CHECK(missing.error().err == ENOENT);
	CHECK_THAT(privnode::to_string(missing.error()), ContainsSubstring("/proc/meminfo: no Zsw: line"));
	auto unit = meminfo_bytes("/proc/meminfo", mi, "Bad");
	REQUIRE_FALSE(unit);
	CHECK_THAT(unit.error().what, ContainsSubstring("'Bad: 1 MB'"));
	auto garbled = meminfo_bytes("/proc/meminfo", "Zswap: lots kB", "Zswap");
	REQUIRE_FALSE(garbled);
	CHECK(garbled.error().err == EINVAL);
	CHECK_THAT(garbled.error().what, ContainsSubstring("'Zswap: lots kB'"));

	const std::string vm = "zswpin 5\nzswpout 7 8\nzswpwb x\n";
	CHECK(vmstat_value("/proc/vmstat", vm, "zswpin").value() == 5);
	CHECK_FALSE(vmstat_value("/proc/vmstat", vm, "zswpout"));
	CHECK_THAT(vmstat_value("/proc/vmstat", vm, "zswpwb").error().what, ContainsSubstring("'zswpwb x'"));
	CHECK(vmstat_value("/proc/vmstat", vm, "zswp").error().err == ENOENT);
}

TEST_CASE("cramstat reads a cram node and zswap from the files")
{
	FakeSysfs f;
	cram_node(f, 10, 100);
	cram_node(f, 2);
	f.dir(kCram + "/nodeX"); // not a node directory: ignored
	proc(f);
	auto r = reader(f);
	CHECK(r.cram_nodes().value() == std::vector<int>{2, 10});
	CHECK(r.has_zswap().value());

	auto n = r.node(10).value();
	REQUIRE(n);
	CHECK(n->node == 10);
	CHECK(n->counters[counter_index("demoted")] == 100);
	CHECK(n->counters[counter_index("zeroed")] == 110);
	CHECK(n->logical_bytes == 67108864);
	CHECK(n->physical_bytes == 16777216);
	CHECK(n->max_physical_bytes == 20971520);
	CHECK(n->capacity_bytes == 134217728);
	CHECK(n->ratio == Approx(4.0));
	CHECK(n->state == "accept");
	CHECK(n->time_above_high_ms == 1500);
	CHECK(n->wm_low == 700);
	CHECK(n->wm_high == 800);
	CHECK(n->wm_critical == 950);

	auto z = r.zswap().value();
	CHECK(z.pool_bytes == 1048576);
	CHECK(z.stored_bytes == 4194304);
	CHECK(z.zswpin == 10);
	CHECK(z.zswpout == 200);
	CHECK(z.zswpwb == 3);

	auto all = r.read({2, 10}, true).value();
	CHECK(all.nodes.size() == 2);
	CHECK(all.gone.empty());
	CHECK(all.zswap);
	CHECK(all.mono > 0);
}

TEST_CASE("cramstat: a missing or garbled file is an error naming it, its value and the errno")
{
	FakeSysfs f;
	cram_node(f, 1);
	proc(f);
	auto r = reader(f);
	const std::string d = kCram + "/node1/";

	SECTION("a counter that is not a count")
	{
		f.file(d + "denied", "12x");
		auto e = r.node(1);
		REQUIRE_FALSE(e);
		const std::string msg = privnode::to_string(e.error());
		CHECK_THAT(msg, ContainsSubstring(d + "denied"));
		CHECK_THAT(msg, ContainsSubstring("'12x'"));
		CHECK_THAT(msg, ContainsSubstring("Invalid argument"));
	}
	SECTION("an unknown state")
	{
		f.file(d + "state", "sleeping");
		auto e = r.node(1);
		REQUIRE_FALSE(e);
		CHECK_THAT(privnode::to_string(e.error()), ContainsSubstring("'sleeping'"));
		CHECK(e.error().path == d + "state");
	}
	SECTION("a ratio without its two decimals")
	{
		f.file(d + "ratio", "4");
		CHECK_THAT(privnode::to_string(r.node(1).error()), ContainsSubstring(d + "ratio"));
	}
	SECTION("a file missing from a directory that is there")
	{
		fs::remove(f.root() / (d.substr(1) + "wm_high"));
		auto e = r.node(1);
		REQUIRE_FALSE(e);
		CHECK(e.error().err == ENOENT);
		CHECK(e.error().path == d + "wm_high");
		CHECK_THAT(privnode::to_string(e.error()), ContainsSubstring("No such file or directory"));
	}
	SECTION("an empty file")
	{
		f.file(d + "physical_bytes", "");
		CHECK_THAT(privnode::to_string(r.node(1).error()), ContainsSubstring("not a count: ''"));
	}
	SECTION("zswap seen, then a counter of it missing")
	{
		f.file("/proc/vmstat", "zswpin 1\nzswpout 2\n");
		auto e = r.read({1}, true);
		REQUIRE_FALSE(e);
		CHECK(e.error().path == "/proc/vmstat");
		CHECK_THAT(e.error().what, ContainsSubstring("zswpwb"));
	}
	SECTION("/proc/meminfo unreadable")
	{
		fs::remove(f.root() / "proc/meminfo");
		auto e = r.has_zswap();
		REQUIRE_FALSE(e);
		CHECK(e.error().path == "/proc/meminfo");
		CHECK(e.error().err == ENOENT);
	}
	SECTION("no cram directory at all")
	{
		fs::remove_all(f.root() / "sys/kernel/mm/cram");
		auto e = r.cram_nodes();
		REQUIRE_FALSE(e);
		CHECK(e.error().path == kCram);
		CHECK_THAT(e.error().what, ContainsSubstring("CONFIG_CRAM"));
	}
}

TEST_CASE("cramstat: a node whose directory is gone is gone, not an error")
{
	FakeSysfs f;
	cram_node(f, 1);
	cram_node(f, 3);
	proc(f, false);
	auto r = reader(f);
	CHECK_FALSE(r.has_zswap().value());
	fs::remove_all(f.root() / "sys/kernel/mm/cram/node3");
	auto n = r.node(3);
	REQUIRE(n);
	CHECK_FALSE(*n);
	auto all = r.read({1, 3}, false).value();
	REQUIRE(all.nodes.size() == 1);
	CHECK(all.nodes[0].node == 1);
	CHECK(all.gone == std::vector<int>{3});
	CHECK_FALSE(all.zswap);
}

TEST_CASE("cramstat rates: each counter's rise over the time between two readings")
{
	Reading a, b;
	a.mono = 100;
	b.mono = 102; // two seconds later
	b.wall = 1796508910.25;
	NodeReading n0;
	n0.node = 2;
	n0.counters[counter_index("demoted")] = 1000;
	n0.counters[counter_index("write_faults")] = 50;
	NodeReading n1 = n0;
	n1.counters[counter_index("demoted")] = 1512;
	n1.counters[counter_index("write_faults")] = 51;
	a.nodes = {n0};
	b.nodes = {n1};
	a.zswap = ZswapReading{1048576, 4194304, 10, 200, 3};
	b.zswap = ZswapReading{2097152, 8388608, 30, 600, 3};

	Sample s = make_sample(a, b, 99, 4096);
	CHECK(s.interval_s == Approx(2));
	CHECK(s.elapsed_s == Approx(3));
	CHECK(s.time == Approx(1796508910.25));
	REQUIRE(s.nodes.size() == 1);
	CHECK_FALSE(s.nodes[0].reset);
	CHECK(s.nodes[0].per_s[counter_index("demoted")] == Approx(256));
	CHECK(s.nodes[0].per_s[counter_index("write_faults")] == Approx(0.5));
	CHECK(s.nodes[0].per_s[counter_index("promoted")] == 0);
	REQUIRE(s.zswap);
	CHECK(s.zswap->stored_pages == 2048);
	CHECK(s.zswap->ratio == Approx(4));
	CHECK(s.zswap->zswpin_per_s == Approx(10));
	CHECK(s.zswap->zswpout_per_s == Approx(200));
	CHECK(s.zswap->zswpwb_per_s == 0);

	SECTION("a counter that went back: the node was made anew, rates from 0")
	{
		b.nodes[0].counters[counter_index("demoted")] = 8;
		Sample r = make_sample(a, b, 99, 4096);
		CHECK(r.nodes[0].reset);
		CHECK(r.nodes[0].per_s[counter_index("demoted")] == Approx(4));
		CHECK(r.nodes[0].per_s[counter_index("write_faults")] == Approx(25.5));
	}
	SECTION("an empty pool has ratio 0")
	{
		b.zswap = ZswapReading{};
		CHECK(make_sample(a, b, 99, 4096).zswap->ratio == 0);
	}
}

TEST_CASE("cramstat JSON: one line, numbers as numbers, every field")
{
	FakeSysfs f;
	cram_node(f, 2, 10);
	proc(f);
	auto r = reader(f);
	auto a = r.read({2}, true).value();
	f.file(kCram + "/node2/migrated_in", "1035");
	auto b = r.read({2}, true).value();
	b.mono = a.mono + 0.5;
	Sample s = make_sample(a, b, a.mono, 4096);
	const std::string line = json_line(s);
	CHECK(line.find('\n') == std::string::npos);
	auto j = nlohmann::json::parse(line);
	CHECK(j["time"].is_number());
	CHECK(j["timestamp"].get<std::string>().back() == 'Z');
	CHECK(j["interval_s"] == Approx(0.5));
	CHECK(j["gone"] == nlohmann::json::array());
	REQUIRE(j["nodes"].size() == 1);
	const auto &n = j["nodes"][0];
	CHECK(n["node"] == 2);
	CHECK(n["state"] == "accept");
	for (const char *c : kCounters) {
		CHECK(n[c].is_number_unsigned());
		CHECK(n[std::string(c) + "_per_s"].is_number());
	}
	CHECK(n["migrated_in"] == 1035);
	CHECK(n["migrated_in_per_s"] == Approx(2048)); // 1024 pages in 0.5 s
	CHECK(n["ratio"] == Approx(4.0));
	CHECK(n["logical_bytes"] == 67108864);
	CHECK(n["wm_critical"] == 950);
	CHECK(n["reset"] == false);
	CHECK(j["zswap"]["stored_pages"] == 1024);
	CHECK(j["zswap"]["pool_bytes"] == 1048576);
	CHECK(j["zswap"]["ratio"] == Approx(4));
	CHECK(j["zswap"]["zswpout"] == 200);
	CHECK(j["zswap"]["zswpwb_per_s"] == 0);

	b.zswap.reset();
	b.gone = {7};
	auto k = nlohmann::json::parse(json_line(make_sample(a, b, a.mono, 4096)));
	CHECK(k["zswap"].is_null());
	CHECK(k["gone"] == nlohmann::json::array({7}));
}

TEST_CASE("cramstat CSV: rows as wide as the header; a node gone leaves its fields empty")
{
	FakeSysfs f;
	cram_node(f, 1);
	cram_node(f, 4);
	proc(f);
	auto r = reader(f);
	const Layout l{{1, 4}, true};
	const std::string h = csv_header(l);
	CHECK(h.rfind("time,timestamp,elapsed_s,interval_s,node1_demoted,node1_demoted_per_s,", 0) == 0);
	CHECK_THAT(h, ContainsSubstring(",node4_state,"));
	CHECK_THAT(h, ContainsSubstring(",zswap_zswpwb_per_s"));
	auto a = r.read({1, 4}, true).value();
	auto row = csv_row(l, make_sample(a, a, a.mono, 4096));
	CHECK(fields(row) == fields(h));
	CHECK_THAT(
		row,
		ContainsSubstring(",67108864,16777216,20971520,134217728,4.00,accept,1500,0,700,800,950,"));

	fs::remove_all(f.root() / "sys/kernel/mm/cram/node1");
	auto b = r.read({1, 4}, true).value();
	auto gone = csv_row(l, make_sample(a, b, a.mono, 4096));
	CHECK(fields(gone) == fields(h));
	// node1's 33 fields are empty: after interval_s come 33 empty ones
	std::vector<std::string> cells;
	std::stringstream ss(gone);
	for (std::string c; std::getline(ss, c, ',');)
		cells.push_back(c);
	for (size_t i = 4; i < 4 + 33; i++)
		CHECK(cells[i].empty());
	CHECK(cells[4 + 33] == "0"); // node4_demoted
}

TEST_CASE("cramstat, the program: --json and --csv samples, the terminal view")
{
	FakeSysfs f;
	cram_node(f, 2);
	proc(f);
	auto j = cramstat_run(f, "--json -i 0.05 -c 3");
	REQUIRE(j.rc == 0);
	auto jl = lines(j.out);
	REQUIRE(jl.size() == 3);
	for (const auto &l : jl) {
		auto o = nlohmann::json::parse(l);
		CHECK(o["nodes"][0]["node"] == 2);
		CHECK(o["interval_s"].get<double>() > 0.04);
	}
	auto c = cramstat_run(f, "--csv -i 0.05 -c 2");
	REQUIRE(c.rc == 0);
	auto cl = lines(c.out);
	REQUIRE(cl.size() == 3); // the header once
	CHECK(cl[0].rfind("time,", 0) == 0);
	CHECK(fields(cl[1]) == fields(cl[0]));
	CHECK(fields(cl[2]) == fields(cl[0]));
	auto t = cramstat_run(f, "-i 0.05 -c 2");
	REQUIRE(t.rc == 0);
	auto tl = lines(t.out);
	REQUIRE(tl.size() == 2 + 2 * 2); // two header lines, node 2 and zswap twice
	CHECK_THAT(tl[0], ContainsSubstring("dem/s"));
	CHECK_THAT(tl[1], ContainsSubstring("zswap"));
	CHECK_THAT(tl[2], ContainsSubstring("accept"));
	CHECK_THAT(tl[3], ContainsSubstring("zswap"));
}

TEST_CASE("cramstat, the program: bad usage exits 2, unreadable files 1, with the file named")
{
	FakeSysfs f;
	cram_node(f, 2);
	proc(f);
	for (const char *bad : {"-i 0", "-i -1", "-i abc", "-i 1e9", "-i nan", "-c 0", "-c -3", "-c x",
				"--json --csv", "--nonsense", "-n 5000"}) {
		auto r =
			cramstat_run(f, std::string(bad) + (std::string(bad).find("-c") == 0 ? "" : " -c 1"));
		INFO(bad);
		CHECK(r.rc == 2);
		CHECK(r.out.empty());
		CHECK_THAT(r.err, ContainsSubstring("cramstat: "));
	}
	auto none = cramstat_run(f, "-n 3 -c 1");
	CHECK(none.rc == 1);
	CHECK_THAT(none.err, ContainsSubstring("/sys/kernel/mm/cram/node3"));

	f.file(kCram + "/node2/promoted", "lots");
	auto g = cramstat_run(f, "--json -c 1 -i 0.05");
	CHECK(g.rc == 1);
	CHECK(g.out.empty());
	CHECK_THAT(g.err,
		   ContainsSubstring(
			   "/sys/kernel/mm/cram/node2/promoted: not a count: 'lots': Invalid argument"));

	cram_node(f, 2);
	f.file("/proc/meminfo", "MemTotal: 1 kB\nZswap: 4 kB\n"); // Zswapped: missing
	auto m = cramstat_run(f, "--json -c 1 -i 0.05");
	CHECK(m.rc == 1);
	CHECK_THAT(m.err, ContainsSubstring("/proc/meminfo: no Zswapped: line: No such file or directory"));

	fs::remove_all(f.root() / "sys");
	auto nocram = cramstat_run(f, "-c 1");
	CHECK(nocram.rc == 1);
	CHECK_THAT(nocram.err, ContainsSubstring("/sys/kernel/mm/cram"));
}

TEST_CASE("cramstat, the program: a kernel without zswap shows cram only, zswap null")
{
	FakeSysfs f;
	cram_node(f, 2);
	proc(f, false);
	auto r = cramstat_run(f, "--json -c 1 -i 0.05");
	REQUIRE(r.rc == 0);
	CHECK(nlohmann::json::parse(r.out)["zswap"].is_null());
	CHECK_THAT(r.err, ContainsSubstring("no zswap"));
	fs::remove_all(f.root() / "sys/kernel/mm/cram/node2");
	auto nothing = cramstat_run(f, "-c 1");
	CHECK(nothing.rc == 1);
	CHECK_THAT(nothing.err, ContainsSubstring("nothing to watch"));
}

TEST_CASE("cramstat, the program: a node vanishing mid-run is said once, the others go on")
{
	FakeSysfs f;
	cram_node(f, 2);
	cram_node(f, 5);
	proc(f, false);
	// node 5 goes away after the second sample (0.2 s apart)
	std::thread remover([&] {
		std::this_thread::sleep_for(std::chrono::milliseconds(500));
		fs::remove_all(f.root() / "sys/kernel/mm/cram/node5");
	});
	auto r = cramstat_run(f, "--json -i 0.2 -c 6");
	remover.join();
	REQUIRE(r.rc == 0);
	CHECK_THAT(r.err, ContainsSubstring("node 5 is gone"));
	auto ls = lines(r.out);
	REQUIRE(ls.size() == 6);
	int gone_lines = 0;
	for (const auto &l : ls)
		gone_lines += nlohmann::json::parse(l)["gone"] == nlohmann::json::array({5});
	CHECK(gone_lines == 1);
	CHECK(nlohmann::json::parse(ls.front())["nodes"].size() == 2);
	auto last = nlohmann::json::parse(ls.back());
	REQUIRE(last["nodes"].size() == 1);
	CHECK(last["nodes"][0]["node"] == 2);

	// the last node going away with nothing else watched ends the run: 1
	std::thread remover2([&] {
		std::this_thread::sleep_for(std::chrono::milliseconds(300));
		fs::remove_all(f.root() / "sys/kernel/mm/cram/node2");
	});
	auto end = cramstat_run(f, "-i 0.2 -c 50");
	remover2.join();
	CHECK(end.rc == 1);
	CHECK_THAT(end.err, ContainsSubstring("no node left to watch"));
}

TEST_CASE("cramstat --plot: an SVG from gnuplot, or a clear error naming the package")
{
	FakeSysfs f;
	cram_node(f, 2);
	proc(f);
	const std::string svg = (f.root() / "run.svg").string();
	// no gnuplot in PATH: refused before any sample
	fs::create_directories(f.root() / "emptybin");
	auto r = cramstat_run(f, "-c 2 -i 0.05 --plot " + svg, "PATH=" + (f.root() / "emptybin").string());
	CHECK(r.rc == 1);
	CHECK(r.out.empty());
	CHECK_THAT(r.err, ContainsSubstring("gnuplot-nox"));

	// the script: every panel, the data inline
	auto rd = reader(f);
	auto a = rd.read({2}, true).value();
	const std::string script = gnuplot_script({{2}, true}, {make_sample(a, a, a.mono, 4096)}, "o'x.svg");
	CHECK_THAT(script, ContainsSubstring("$node2 << EOD"));
	CHECK_THAT(script, ContainsSubstring("$zswap << EOD"));
	CHECK_THAT(script, ContainsSubstring("set output 'o''x.svg'"));
	CHECK_THAT(script, ContainsSubstring("multiplot layout 4,1"));
	CHECK_THAT(gnuplot_script({{2}, false}, {}, "x.svg"), ContainsSubstring("multiplot layout 3,1"));

	if (!have_gnuplot())
		SKIP("gnuplot is not installed (gnuplot-nox, scripts/install-deps.sh)");
	auto nowhere = cramstat_run(f, "-c 1 -i 0.05 --plot " + (f.root() / "no/such/dir.svg").string());
	CHECK(nowhere.rc == 1);
	CHECK(nowhere.out.empty());
	CHECK_THAT(nowhere.err,
		   ContainsSubstring("dir.svg: cannot write the plot: No such file or directory"));
	auto p = cramstat_run(f, "--csv -c 3 -i 0.05 --plot " + svg);
	REQUIRE(p.rc == 0);
	CHECK_THAT(p.err, ContainsSubstring("3 samples plotted"));
	std::ifstream in(svg);
	std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
	CHECK_THAT(content, ContainsSubstring("<svg"));
	CHECK_THAT(content, ContainsSubstring("node 2 demoted"));
	CHECK_THAT(content, ContainsSubstring("zswpwb"));
}

TEST_CASE("cramstat bash completion: options, and node ids after -n")
{
	const std::string script = std::string(". ") + CRAMSTAT_COMPLETION +
		"; COMP_WORDS=(cramstat \"\"); COMP_CWORD=1; _cramstat; echo \"${COMPREPLY[*]}\"";
	FILE *p = popen(("bash -c '" + script + "'").c_str(), "r");
	REQUIRE(p);
	char buf[4096];
	std::string out;
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		out.append(buf, n);
	REQUIRE(pclose(p) == 0);
	for (const char *o : {"--interval", "--count", "--json", "--csv", "--plot", "--node"})
		CHECK_THAT(out, ContainsSubstring(o));
}
