// SPDX-License-Identifier: GPL-2.0-only
// privnodectl as a user runs it, against fake sysfs trees: JSON output,
// exit codes and error messages.
#include "fake_sysfs.hpp"
#include "run_command.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

using Catch::Matchers::ContainsSubstring;

namespace {

Run privnodectl(const FakeSysfs &fake, const std::string &args)
{
	const fs::path errfile = fake.root() / "stderr";
	return run_command(std::string(PRIVNODECTL) + " --sysfs-root " + fake.root().string() + " " + args +
				   " 2>" + errfile.string(),
			   errfile);
}

} // namespace

TEST_CASE("privnodectl list: JSON with ndctl-style keys, byte sizes")
{
	FakeSysfs fake;
	fake.nodes(true);
	fake.cxl(false);
	auto r = privnodectl(fake, "list");
	REQUIRE(r.rc == 0);
	auto j = nlohmann::json::parse(r.out);
	REQUIRE(j["nodes"].size() == 2);
	CHECK(j["nodes"][0]["node"] == 0);
	CHECK(j["nodes"][0]["type"] == "memory");
	CHECK(j["nodes"][0]["size"] == 1073741824);
	CHECK(j["nodes"][1]["type"] == "private");
	CHECK(j["nodes"][1]["ops"] == nlohmann::json::array({"migration", "mempolicy"}));
	CHECK(j["memdevs"][0]["memdev"] == "mem0");
	CHECK(j["memdevs"][0]["ram_size"] == 268435456);
	CHECK(j["regions"][0]["region"] == "region0");
}

TEST_CASE("privnodectl list -M: a plain array, like cxl list -M")
{
	FakeSysfs fake;
	fake.nodes(false);
	fake.cxl(false);
	auto r = privnodectl(fake, "list -M");
	REQUIRE(r.rc == 0);
	auto j = nlohmann::json::parse(r.out);
	REQUIRE(j.is_array());
	CHECK(j[0]["memdev"] == "mem0");
	auto h = privnodectl(fake, "list -M -u"); // one memdev: the object alone
	REQUIRE(h.rc == 0);
	CHECK(nlohmann::json::parse(h.out)["ram_size"] == "256.00 MiB (268.44 MB)");
	auto f = privnodectl(fake, "list -N -n 0");
	REQUIRE(f.rc == 0);
	CHECK(nlohmann::json::parse(f.out).size() == 1);
}

// cxl list's util_display_json_array(): the array, unless -u is given and
// it holds at most one object; then that object alone, or nothing.
TEST_CASE("privnodectl list -u: one object alone, as cxl list -u prints it")
{
	FakeSysfs fake;
	fake.nodes(true); // nodes 0 and 1
	fake.cxl(false); // mem0, region0
	auto one = privnodectl(fake, "list -M -u");
	REQUIRE(one.rc == 0);
	auto j = nlohmann::json::parse(one.out);
	REQUIRE(j.is_object());
	CHECK(j["memdev"] == "mem0");
	CHECK(j["ram_size"] == "256.00 MiB (268.44 MB)");
	// the same with a filter, and with --human
	auto node = privnodectl(fake, "list -n 1 --human");
	REQUIRE(node.rc == 0);
	auto jn = nlohmann::json::parse(node.out);
	REQUIRE(jn.is_object());
	CHECK(jn["node"] == 1);
	// without -u a one-object array stays an array
	auto plain = nlohmann::json::parse(privnodectl(fake, "list -M").out);
	REQUIRE(plain.is_array());
	CHECK(plain.size() == 1);
	// two objects: an array with -u too
	auto two = nlohmann::json::parse(privnodectl(fake, "list -N -u").out);
	REQUIRE(two.is_array());
	CHECK(two.size() == 2);
	// none: nothing at all with -u, [] without
	auto none = privnodectl(fake, "list -m mem9 -u");
	CHECK(none.rc == 0);
	CHECK(none.out.empty());
	auto empty = nlohmann::json::parse(privnodectl(fake, "list -m mem9").out);
	CHECK(empty == nlohmann::json::array());
	// several kinds: the object of arrays, none of them unwrapped
	auto kinds = nlohmann::json::parse(privnodectl(fake, "list -M -R -u").out);
	REQUIRE(kinds.is_object());
	REQUIRE(kinds["memdevs"].is_array());
	CHECK(kinds["memdevs"].size() == 1);
	REQUIRE(kinds["regions"].is_array());
	CHECK(kinds["regions"].size() == 1);
}

TEST_CASE("privnodectl list: cxl list's JSON conventions")
{
	FakeSysfs fake;
	fake.nodes(false);
	fake.cxl(false);
	const std::string c = "/sys/bus/cxl/devices";
	fake.file(c + "/mem0/serial", "0x1a2b");
	fake.file(c + "/decoder0.0/region0/size", "0x20000000");
	auto r = privnodectl(fake, "list -M -R");
	REQUIRE(r.rc == 0);
	auto j = nlohmann::json::parse(r.out);
	// serial: a number, a hex string with -u
	CHECK(j["memdevs"][0]["serial"] == 0x1a2b);
	auto region = j["regions"][0];
	CHECK(region["type"] == "ram");
	CHECK(region["node_type"] == "sysram");
	CHECK(region["decode_state"] == "reset");
	CHECK(region["state"] == "disabled");
	CHECK(region["size"] == 536870912);
	CHECK_FALSE(region.contains("committed"));
	CHECK_FALSE(region.contains("enabled"));

	fake.file(c + "/decoder0.0/region0/commit", "1");
	fake.region_enabled();
	auto h = privnodectl(fake, "list -M -R -u");
	REQUIRE(h.rc == 0);
	auto jh = nlohmann::json::parse(h.out);
	CHECK(jh["memdevs"][0]["serial"] == "0x1a2b");
	CHECK(jh["memdevs"][0]["ram_size"] == "256.00 MiB (268.44 MB)");
	CHECK(jh["regions"][0]["size"] == "512.00 MiB (536.87 MB)");
	CHECK(jh["regions"][0]["decode_state"] == "commit");
	CHECK_FALSE(jh["regions"][0].contains("state")); // enabled, as cxl list leaves it out
	// 0 as cxl list -u prints it ("%#llx")
	fake.file(c + "/mem0/serial", "0x0");
	CHECK(nlohmann::json::parse(privnodectl(fake, "list -M -u").out)["serial"] == "0");
	CHECK(nlohmann::json::parse(privnodectl(fake, "list -M").out)[0]["serial"] == 0);
	// a serial that is no number is named
	fake.file(c + "/mem0/serial", "0xzz");
	auto bad = privnodectl(fake, "list -M");
	CHECK(bad.rc == 1);
	CHECK(bad.err ==
	      "privnodectl: list: " + c + "/mem0/serial: not a number: '0xzz': Invalid argument\n");
}

TEST_CASE("privnodectl show: one node, or a clear error")
{
	FakeSysfs fake;
	fake.nodes(true);
	auto r = privnodectl(fake, "show 1");
	REQUIRE(r.rc == 0);
	CHECK(nlohmann::json::parse(r.out)["owner"] == "dax0.0");
	auto bad = privnodectl(fake, "show 7");
	CHECK(bad.rc == 1);
	CHECK(bad.out.empty());
	CHECK(bad.err ==
	      "privnodectl: show: /sys/devices/system/node/node7: no such node: "
	      "No such device\n");
}

TEST_CASE("privnodectl create-region / destroy-region")
{
	FakeSysfs fake;
	fake.nodes(false);
	fake.cxl(false);
	auto r = privnodectl(fake, "create-region -m mem0 -t sysram -s 256M -v");
	REQUIRE(r.rc == 0);
	auto j = nlohmann::json::parse(r.out);
	const auto w = fake.writes();
	REQUIRE(w.size() == 11);
	CHECK(w.front() == "/sys/bus/cxl/devices/decoder0.0/create_ram_region region0");
	CHECK(w[7] == "/sys/bus/cxl/devices/region0/commit 1");
	CHECK(w.back() == "/sys/devices/system/memory/memory129/state online_movable");
	CHECK(j["region"] == "region0");
	CHECK(j["type"] == "ram");
	CHECK(j["node_type"] == "sysram");
	CHECK(j["decode_state"] == "commit");
	CHECK(j["dax"] == "dax0.0");
	CHECK_THAT(r.err, ContainsSubstring("write 1 > /sys/bus/cxl/devices/region0/commit"));
	fake.region_enabled();
	auto d = privnodectl(fake, "destroy-region region0");
	CHECK(d.rc == 0);
	CHECK(d.err == "privnodectl: destroyed region0\n");
}

TEST_CASE("privnodectl create-region / destroy-region --dry-run: the writes, in order, none made")
{
	FakeSysfs fake;
	fake.nodes(false);
	fake.cxl(false);
	const std::string c = "/sys/bus/cxl/devices";
	auto r = privnodectl(fake, "create-region -m mem0 -t sysram -s 256M --dry-run");
	REQUIRE(r.rc == 0);
	CHECK(fake.writes().empty());
	CHECK(fake.get(c + "/decoder2.0/dpa_size") == "0x0");
	CHECK_FALSE(fs::exists(fake.root() / "run" / "privnodectl.lock")); // no lock taken
	auto j = nlohmann::json::parse(r.out);
	CHECK(j["region"] == "region0");
	CHECK(j["dry_run"] == true);
	REQUIRE(j["writes"].size() == 9);
	CHECK(j["writes"][0]["path"] == c + "/decoder0.0/create_ram_region");
	CHECK(j["writes"][0]["value"] == "region0");
	CHECK(j["writes"][7]["path"] == c + "/region0/commit");
	CHECK(j["writes"][7]["value"] == "1");
	CHECK(j["writes"][8]["path"] == "/sys/bus/cxl/drivers/cxl_region/bind");
	CHECK_THAT(j["then"].get<std::string>(), ContainsSubstring("online the memory blocks"));
	// refused as the real run would be, nothing written
	auto bad = privnodectl(fake, "create-region -m mem0 -t sysram -s 1G --dry-run");
	CHECK(bad.rc == 1);
	CHECK_THAT(bad.err, ContainsSubstring("exceeds the free volatile capacity"));

	REQUIRE(privnodectl(fake, "create-region -m mem0 -t sysram -s 256M").rc == 0);
	fake.region_enabled();
	fake.forget_writes();
	auto d = privnodectl(fake, "destroy-region region0 --dry-run");
	REQUIRE(d.rc == 0);
	CHECK(fake.writes().empty());
	CHECK(fake.get(c + "/decoder0.0/region0/commit") == "1");
	auto jd = nlohmann::json::parse(d.out);
	REQUIRE(jd["writes"].size() == 7);
	CHECK(jd["writes"][0]["path"] == "/sys/devices/system/memory/memory128/state");
	CHECK(jd["writes"][0]["value"] == "offline");
	CHECK(jd["writes"][6]["path"] == c + "/decoder0.0/delete_region");
	CHECK_FALSE(jd.contains("then"));
	auto missing = privnodectl(fake, "destroy-region region9 --dry-run");
	CHECK(missing.rc == 1);
	CHECK_THAT(missing.err, ContainsSubstring("region9: no such CXL region"));
}

TEST_CASE("privnodectl create-region: bad input is refused with the reason")
{
	FakeSysfs fake;
	fake.nodes(false);
	fake.cxl(false);
	auto unknown = privnodectl(fake, "create-region -m mem9 -t sysram");
	CHECK(unknown.rc == 1);
	CHECK(unknown.err ==
	      "privnodectl: create-region: /sys/bus/cxl/devices/mem9: no such CXL "
	      "memdev: No such device\n");
	auto type = privnodectl(fake, "create-region -m mem0 -t zram");
	CHECK(type.rc >= 100); // bad usage, as the man page says
	CHECK_THAT(type.err, ContainsSubstring("--type: zram not in {private,cram,sysram}"));
	auto node = privnodectl(fake, "show -1");
	CHECK(node.rc >= 100);
	CHECK_THAT(node.err, ContainsSubstring("Value -1 not in range 0 to 1023"));
	CHECK(node.err.size() < 200);
	auto size = privnodectl(fake, "create-region -m mem0 -t sysram -s 12Q");
	CHECK(size.rc == 1);
	CHECK_THAT(size.err, ContainsSubstring("--size '12Q': not a size"));
	auto unaligned = privnodectl(fake, "create-region -m mem0 -t sysram -s 100M");
	CHECK(unaligned.rc == 1);
	CHECK_THAT(unaligned.err, ContainsSubstring("not a non-zero multiple of 256 MiB"));
	CHECK_THAT(unaligned.err, ContainsSubstring("Invalid argument"));
	auto priv = privnodectl(fake, "create-region -m mem0");
	CHECK(priv.rc == 1);
	CHECK_THAT(priv.err, ContainsSubstring("no private CXL regions"));
	auto missing = privnodectl(fake, "create-region -t sysram");
	CHECK(missing.rc != 0);
	CHECK_THAT(missing.err, ContainsSubstring("--memdev is required"));
	// Nothing was written by any of these.
	CHECK(fake.writes().empty());
	CHECK(fake.get("/sys/bus/cxl/devices/decoder2.0/dpa_size") == "0x0");
}

TEST_CASE("privnodectl cpuset: grant a private node to a cgroup or to the system")
{
	FakeSysfs fake;
	const std::string cg = "/sys/fs/cgroup";
	fake.file(cg + "/cgroup.procs", "1");
	fake.file(cg + "/cpuset.mems.effective", "0");
	fake.file(cg + "/cpuset.mems.sysram", "0");
	fake.file(cg + "/cpuset.mems.private", "4");
	fake.file(cg + "/db/cgroup.procs", "");
	fake.file(cg + "/db/cpuset.mems", "0");
	fake.file(cg + "/db/cpuset.mems.effective", "0");
	fake.file(cg + "/db/cpuset.mems.sysram", "0");
	fake.forget_writes();

	auto show = privnodectl(fake, "cpuset /");
	REQUIRE(show.rc == 0);
	auto j = nlohmann::json::parse(show.out);
	CHECK(j["cgroup"] == "/");
	CHECK(j["mems_private"] == "4");
	CHECK(j["mems_sysram"] == "0");
	CHECK_FALSE(j.contains("mems"));
	CHECK(fake.writes().empty());

	auto sys = privnodectl(fake, "cpuset / -a 3 -r 4");
	CHECK(sys.rc == 0);
	auto db = privnodectl(fake, "cpuset /db/ -a 3");
	CHECK(db.rc == 0);
	CHECK(fake.writes() ==
	      std::vector<std::string>{cg + "/cpuset.mems.private 3", cg + "/db/cpuset.mems 0,3"});

	fake.forget_writes();
	auto none = privnodectl(fake, "cpuset db -r 0 -r 3");
	CHECK(none.rc != 0);
	CHECK_THAT(none.err, ContainsSubstring("refusing to leave /db with no memory node"));
	fs::remove(fake.root() / "sys/fs/cgroup/cpuset.mems.private");
	auto old = privnodectl(fake, "cpuset / -a 3");
	CHECK(old.rc != 0);
	CHECK_THAT(old.err, ContainsSubstring("cpuset.mems.private"));
	CHECK_THAT(old.err, ContainsSubstring("Operation not supported"));
	CHECK(fake.writes().empty());
}

namespace {

// What the bash completion offers for the words of @line, the last one
// being completed ("" for a new word).
std::string complete(const std::string &line)
{
	const std::string script = std::string(". ") + COMPLETION + "; COMP_WORDS=(" + line +
		"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _privnodectl; echo \"${COMPREPLY[*]}\"";
	const std::string cmd = "bash -c '" + script + "'";
	std::string out;
	FILE *p = popen(cmd.c_str(), "r");
	REQUIRE(p);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		out.append(buf, n);
	REQUIRE(pclose(p) == 0);
	return out;
}

} // namespace

TEST_CASE("bash completion: node ids after cpuset -a/-r, sizes after -s")
{
	// node ids from /sys/devices/system/node: every NUMA Linux host has
	// node 0; nothing but digits (not --region's region names)
	for (const char *opt : {"-r", "--add"}) {
		const std::string ids = complete(std::string("privnodectl cpuset work ") + opt + " \"\"");
		CHECK(ids.rfind("0", 0) == 0);
		CHECK(ids.find_first_not_of("0123456789 \n") == std::string::npos);
	}
	const std::string sizes = complete("privnodectl create-region -s \"\"");
	CHECK_THAT(sizes, ContainsSubstring("256M"));
	CHECK_THAT(sizes, ContainsSubstring("1G"));
	CHECK_THAT(complete("privnodectl cpuset \"\""), ContainsSubstring("/"));
	CHECK(complete("privnodectl show \"\"").rfind("0", 0) == 0);
	CHECK_THAT(complete("privnodectl create-region --d"), ContainsSubstring("--dry-run"));
	CHECK(complete("privnodectl destroy-region --") == "--dry-run\n");
}

TEST_CASE("privnodectl list: a filter alone names its kind, as in cxl list")
{
	FakeSysfs fake;
	fake.nodes(false);
	fake.cxl(false);
	auto m = privnodectl(fake, "list -m mem0");
	REQUIRE(m.rc == 0);
	auto jm = nlohmann::json::parse(m.out);
	REQUIRE(jm.is_array()); // like list -M -m mem0
	REQUIRE(jm.size() == 1);
	CHECK(jm[0]["memdev"] == "mem0");
	auto n = privnodectl(fake, "list -n 0");
	REQUIRE(n.rc == 0);
	auto jn = nlohmann::json::parse(n.out);
	REQUIRE(jn.is_array());
	REQUIRE(jn.size() == 1);
	CHECK(jn[0]["node"] == 0);
}

TEST_CASE("privnodectl create-region: the first root decoder that fits")
{
	FakeSysfs fake;
	fake.nodes(false);
	fake.cxl(false);
	// a second root decoder that fits as well, listed after decoder0.0
	fake.root_decoder("decoder0.1", "region1");
	fake.forget_writes();
	auto r = privnodectl(fake, "create-region -m mem0 -t sysram -s 256M");
	REQUIRE(r.rc == 0);
	const auto w = fake.writes();
	REQUIRE_FALSE(w.empty());
	CHECK(w.front() == "/sys/bus/cxl/devices/decoder0.0/create_ram_region region0");
}

TEST_CASE("privnodectl destroy-region: a failed step says what was done and what was not")
{
	FakeSysfs fake;
	fake.nodes(false);
	fake.cxl(false);
	REQUIRE(privnodectl(fake, "create-region -m mem0 -t sysram -s 256M").rc == 0);
	fake.region_enabled();
	const std::string c = "/sys/bus/cxl/devices";
	fake.break_file(c + "/decoder0.0/delete_region");
	fake.forget_writes();
	auto d = privnodectl(fake, "destroy-region region0 -v");
	CHECK(d.rc == 1);
	CHECK_THAT(d.err,
		   ContainsSubstring(
			   "done: offline dax0.0, 'region0' > /sys/bus/cxl/drivers/cxl_region/unbind"));
	CHECK_THAT(d.err, ContainsSubstring("not done: 'region0' > " + c + "/decoder0.0/delete_region"));
	CHECK_THAT(d.err, ContainsSubstring("stopped; not done:")); // -v logs it
}

TEST_CASE("privnodectl create-region / destroy-region: one at a time, the other fails at once")
{
	FakeSysfs fake;
	fake.nodes(false);
	fake.cxl(false);
	// another privnodectl holds the lock
	const fs::path lock = fake.root() / "run" / "privnodectl.lock";
	fs::create_directories(lock.parent_path());
	const int fd = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	REQUIRE(fd >= 0);
	REQUIRE(flock(fd, LOCK_EX | LOCK_NB) == 0);
	auto r = privnodectl(fake, "create-region -m mem0 -t sysram -s 256M");
	CHECK(r.rc == 1);
	CHECK_THAT(r.err, ContainsSubstring("another privnodectl is creating or destroying a region"));
	CHECK_THAT(r.err, ContainsSubstring("nothing was changed"));
	CHECK(fake.writes().empty());
	auto d = privnodectl(fake, "destroy-region region0");
	CHECK(d.rc == 1);
	CHECK_THAT(d.err, ContainsSubstring("another privnodectl"));
	CHECK(fake.writes().empty());
	// once it is done, the next one goes ahead
	close(fd);
	r = privnodectl(fake, "create-region -m mem0 -t sysram -s 256M");
	CHECK(r.rc == 0);
	CHECK_FALSE(fake.writes().empty());
}

TEST_CASE("privnodectl: every subcommand has its own source file and man page")
{
	// the subcommands, as --help lists them
	FakeSysfs fake;
	const auto help = privnodectl(fake, "--help");
	REQUIRE(help.rc == 0);
	std::vector<std::string> cmds;
	std::istringstream in(help.out.substr(help.out.find("Subcommands:")));
	std::string line;
	std::getline(in, line);
	while (std::getline(in, line) && line.rfind("  ", 0) == 0)
		cmds.push_back(line.substr(2, line.find(' ', 2) - 2));
	REQUIRE(cmds.size() == 7);
	const fs::path cli = CLI_DIR;
	for (const auto &cmd : cmds) {
		INFO(cmd);
		std::string src = "cmd_" + cmd + ".cpp";
		std::replace(src.begin(), src.end(), '-', '_');
		CHECK(fs::exists(cli / src));
		// a page of its own, not a .so to another one
		std::ifstream man(cli / "man" / ("privnodectl-" + cmd + ".1"));
		std::string first;
		std::getline(man, first);
		std::string title = "PRIVNODECTL-" + cmd;
		std::transform(title.begin(), title.end(), title.begin(), ::toupper);
		CHECK(first.rfind(".TH " + title + " ", 0) == 0);
	}
}

TEST_CASE("privnodectl online / offline: a region's or a dax device's memory blocks")
{
	FakeSysfs fake;
	fake.nodes(false);
	fake.cxl(false);
	REQUIRE(privnodectl(fake, "create-region -m mem0 -t sysram").rc == 0);
	const std::string m = "/sys/devices/system/memory";
	fake.forget_writes();
	auto off = privnodectl(fake, "offline region0");
	CHECK(off.rc == 0);
	CHECK(off.err == "privnodectl: offline dax0.0\n");
	CHECK(fake.writes() ==
	      std::vector<std::string>{m + "/memory128/state offline", m + "/memory129/state offline"});
	fake.forget_writes();
	auto on = privnodectl(fake, "online dax0.0");
	CHECK(on.rc == 0);
	CHECK(on.err == "privnodectl: online dax0.0\n");
	CHECK(fake.writes() ==
	      std::vector<std::string>{m + "/memory128/state online_movable",
				       m + "/memory129/state online_movable"});
	fake.forget_writes();
	auto none = privnodectl(fake, "offline region5");
	CHECK(none.rc == 1);
	CHECK(none.err ==
	      "privnodectl: offline: /sys/bus/cxl/devices/region5: no such CXL region: No such device\n");
	fake.dir("/sys/bus/dax/drivers/device_dax");
	fake.link("/sys/bus/dax/devices/dax0.0/driver", "../../drivers/device_dax");
	auto devdax = privnodectl(fake, "online region0");
	CHECK(devdax.rc == 1);
	CHECK_THAT(devdax.err,
		   ContainsSubstring(
			   "privnodectl: online: /sys/bus/dax/devices/dax0.0/driver: bound to 'device_dax'"));
	CHECK(fake.writes().empty());
}
