// SPDX-License-Identifier: GPL-2.0-only
// libprivnode against fake sysfs trees: the node model, CXL enumeration,
// the region state machine and its rollback.
#include "fake_sysfs.hpp"

#include "privnode/cxl.hpp"
#include "privnode/node.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

using namespace privnode;
using Catch::Matchers::ContainsSubstring;

namespace {
const std::string C = "/sys/bus/cxl/devices";
const std::string R = C + "/decoder0.0/region0";
} // namespace

TEST_CASE("nodes: ordinary, private and the private opt-ins")
{
	FakeSysfs fake;
	fake.nodes(true);
	Sysfs sys(fake.root());
	REQUIRE(kernel_has_private_nodes(sys));
	auto nodes = list_nodes(sys);
	REQUIRE(nodes);
	REQUIRE(nodes->size() == 2);
	CHECK((*nodes)[0].kind == NodeKind::memory);
	CHECK((*nodes)[0].cpus == std::vector<int>{0, 1});
	CHECK((*nodes)[0].total == 1024ull << 20);
	CHECK((*nodes)[0].free == 512ull << 20);
	CHECK((*nodes)[1].kind == NodeKind::private_);
	CHECK((*nodes)[1].cpus.empty());
	CHECK((*nodes)[1].private_ops == std::vector<std::string>{"migration", "mempolicy"});
	CHECK((*nodes)[1].owner == "dax0.0");
}

TEST_CASE("nodes: a stock kernel has no has_private_memory")
{
	FakeSysfs fake;
	fake.nodes(false);
	Sysfs sys(fake.root());
	CHECK_FALSE(kernel_has_private_nodes(sys));
	auto nodes = list_nodes(sys);
	REQUIRE(nodes);
	CHECK(nodes->size() == 1);
	auto missing = read_node(sys, 3);
	REQUIRE_FALSE(missing);
	CHECK(missing.error().err == ENODEV);
	CHECK(missing.error().path == "/sys/devices/system/node/node3");
}

TEST_CASE("nodes: a malformed node list names the file")
{
	FakeSysfs fake;
	fake.nodes(false);
	fake.file("/sys/devices/system/node/has_memory", "0-x");
	auto n = read_node(Sysfs(fake.root()), 0);
	REQUIRE_FALSE(n);
	CHECK(n.error().err == EINVAL);
	CHECK(n.error().path == "/sys/devices/system/node/has_memory");
	CHECK_THAT(to_string(n.error()), ContainsSubstring("'0-x'"));
}

TEST_CASE("cxl: memdevs, root decoders and regions")
{
	FakeSysfs fake;
	fake.cxl(false);
	Sysfs sys(fake.root());
	auto memdevs = list_memdevs(sys);
	REQUIRE(memdevs);
	REQUIRE(memdevs->size() == 1);
	CHECK((*memdevs)[0].name == "mem0");
	CHECK((*memdevs)[0].ram_size == 256ull << 20);
	CHECK((*memdevs)[0].endpoint == "endpoint2");
	CHECK((*memdevs)[0].decoders == std::vector<std::string>{"decoder2.0", "decoder2.1"});
	auto roots = list_root_decoders(sys);
	REQUIRE(roots);
	REQUIRE(roots->size() == 1);
	CHECK((*roots)[0].cap_ram);
	CHECK_FALSE((*roots)[0].can_private);
	CHECK((*roots)[0].granularity == 256);
}

TEST_CASE("cxl: a root decoder reaches the memdevs below its target dports")
{
	FakeSysfs fake;
	fake.cxl(false);
	fake.host_bridge("13", "0d");
	fake.root_decoder("decoder0.1", "region1", "13");
	fake.root_decoder("decoder0.2", "region2", "13,12");
	Sysfs sys(fake.root());
	auto roots = list_root_decoders(sys);
	REQUIRE(roots);
	REQUIRE(roots->size() == 3);
	CHECK((*roots)[0].memdevs == std::vector<std::string>{"mem0"});
	CHECK((*roots)[1].memdevs.empty());
	CHECK((*roots)[2].memdevs == std::vector<std::string>{"mem0"});
	CHECK((*roots)[0].available == 4ull << 30);
	fake.file(C + "/decoder0.1/target_list", "13,x");
	auto bad = list_root_decoders(sys);
	REQUIRE_FALSE(bad);
	CHECK(bad.error().err == EINVAL);
	CHECK(bad.error().path == C + "/decoder0.1/target_list");
	CHECK_THAT(bad.error().what, ContainsSubstring("'13,x'"));
}

TEST_CASE("create-region: the first root decoder that can reach the memdev")
{
	FakeSysfs fake;
	fake.cxl(false);
	// decoder0.0 fits but leads to host bridge pci0000:0d, not mem0's
	fake.host_bridge("13", "0d");
	fake.file(C + "/decoder0.0/target_list", "13");
	fake.root_decoder("decoder0.1", "region0", "12");
	fake.root_decoder("decoder0.2", "region0", "12");
	fake.region0_under("decoder0.1");
	Sysfs sys(fake.root());
	auto r = create_region(sys, {.memdev = "mem0"});
	INFO((r ? std::string("ok") : to_string(r.error())));
	REQUIRE(r);
	const auto w = fake.writes();
	REQUIRE_FALSE(w.empty());
	CHECK(w.front() == C + "/decoder0.1/create_ram_region region0");

	SECTION("asked for by name, an unreachable decoder is refused")
	{
		FakeSysfs f2;
		f2.cxl(false);
		f2.host_bridge("13", "0d");
		f2.file(C + "/decoder0.0/target_list", "13");
		auto e = create_region(Sysfs(f2.root()), {.memdev = "mem0", .decoder = "decoder0.0"});
		REQUIRE_FALSE(e);
		CHECK(e.error().err == ENXIO);
		CHECK(e.error().path == C + "/decoder0.0/target_list");
		CHECK_THAT(e.error().what, ContainsSubstring("leads to mem0"));
		CHECK(f2.writes().empty());
	}
	SECTION("none reaches it: every decoder's reason, nothing written")
	{
		FakeSysfs f2;
		f2.cxl(false);
		f2.host_bridge("13", "0d");
		f2.file(C + "/decoder0.0/target_list", "13");
		auto e = create_region(Sysfs(f2.root()), {.memdev = "mem0"});
		REQUIRE_FALSE(e);
		CHECK(e.error().err == ENXIO);
		CHECK_THAT(
			e.error().what,
			ContainsSubstring("no root decoder fits a 268435456-byte region on mem0; "
					  "decoder0.0: none of the decoder's target dports leads to mem0"));
		CHECK(f2.writes().empty());
	}
}

TEST_CASE("create-region: a root decoder whose window is full is passed over")
{
	FakeSysfs fake;
	fake.cxl(false);
	fake.root_decoder("decoder0.1", "region0", "12");
	fake.region0_under("decoder0.1");
	// decoder0.0's 4 GiB hold a region already
	fake.file(C + "/decoder0.0/region7/size", "0x100000000");
	Sysfs sys(fake.root());
	auto r = create_region(sys, {.memdev = "mem0"});
	REQUIRE(r);
	CHECK(fake.writes().front() == C + "/decoder0.1/create_ram_region region0");
}

TEST_CASE("create-region sysram: every step written, memory onlined")
{
	FakeSysfs fake;
	fake.cxl(false);
	Sysfs sys(fake.root());
	auto r = create_region(sys, {.memdev = "mem0"});
	REQUIRE(r);
	// The order the CXL region state machine needs, and nothing else (a
	// fake attribute only keeps its last value, so the log is what counts).
	CHECK(fake.writes() ==
	      std::vector<std::string>{
		      C + "/decoder0.0/create_ram_region region0",
		      C + "/region0/interleave_ways 1",
		      C + "/region0/interleave_granularity 256",
		      C + "/decoder2.0/mode ram",
		      C + "/decoder2.0/dpa_size 268435456",
		      C + "/region0/size 268435456",
		      C + "/region0/target0 decoder2.0",
		      C + "/region0/commit 1",
		      "/sys/bus/cxl/drivers/cxl_region/bind region0",
		      "/sys/devices/system/memory/memory128/state online_movable",
		      "/sys/devices/system/memory/memory129/state online_movable",
	      });
	CHECK(fake.get(R + "/interleave_ways") == "1");
	CHECK(fake.get(R + "/interleave_granularity") == "256");
	CHECK(fake.get(C + "/decoder2.0/mode") == "ram");
	CHECK(fake.get(C + "/decoder2.0/dpa_size") == "268435456");
	CHECK(fake.get(R + "/size") == "268435456");
	CHECK(fake.get(R + "/target0") == "decoder2.0");
	CHECK(fake.get(R + "/commit") == "1");
	CHECK(fake.get("/sys/bus/cxl/drivers/cxl_region/bind") == "region0");
	CHECK(fake.get("/sys/devices/system/memory/memory128/state") == "online_movable");
	CHECK(fake.get("/sys/devices/system/memory/memory129/state") == "online_movable");
	CHECK(fake.get(C + "/decoder0.0/delete_region") == ""); // no rollback
	CHECK(r->name == "region0");
	CHECK(r->dax == "dax0.0");
	CHECK(r->node == 2);
}

TEST_CASE("create-region: a failing step rolls back everything before it")
{
	FakeSysfs fake;
	fake.cxl(false);
	fake.break_file(R + "/commit");
	Sysfs sys(fake.root());
	std::vector<std::string> log;
	auto r = create_region(sys, {.memdev = "mem0"}, [&](const std::string &l) { log.push_back(l); });
	REQUIRE_FALSE(r);
	CHECK(r.error().err == EISDIR);
	// -v shows the rollback, step by step, newest first
	const std::vector<std::string> undone(std::find(log.begin(), log.end(), "undo attach decoder2.0"),
					      log.end());
	CHECK(undone ==
	      std::vector<std::string>{"undo attach decoder2.0", "undo allocate DPA on decoder2.0",
				       "undo create region0"});
	CHECK(r.error().path == C + "/region0/commit");
	CHECK_THAT(to_string(r.error()), ContainsSubstring("writing '1'"));
	// Undone, newest first: target detached, DPA freed, region deleted.
	CHECK(fake.get(R + "/target0") == "");
	CHECK(fake.get(C + "/decoder2.0/dpa_size") == "0");
	CHECK(fake.get(C + "/decoder0.0/delete_region") == "region0");
	CHECK(fake.get("/sys/bus/cxl/drivers/cxl_region/bind") == "");
}

TEST_CASE("create-region: onlining failure unbinds and decommits")
{
	FakeSysfs fake;
	fake.cxl(false);
	fake.break_file("/sys/devices/system/memory/memory129/state");
	Sysfs sys(fake.root());
	auto r = create_region(sys, {.memdev = "mem0"});
	REQUIRE_FALSE(r);
	CHECK(fake.get("/sys/devices/system/memory/memory128/state") == "offline");
	CHECK(fake.get("/sys/bus/cxl/drivers/cxl_region/unbind") == "region0");
	CHECK(fake.get(R + "/commit") == "0");
	CHECK(fake.get(C + "/decoder0.0/delete_region") == "region0");
}

TEST_CASE("create-region: bad requests change nothing")
{
	FakeSysfs fake;
	fake.cxl(false);
	Sysfs sys(fake.root());
	auto expect_untouched = [&] {
		CHECK(fake.writes().empty());
		CHECK(fake.get(C + "/decoder2.0/dpa_size") == "0x0");
		CHECK(fake.get(R + "/commit") == "");
	};
	SECTION("unknown memdev")
	{
		auto r = create_region(sys, {.memdev = "mem7"});
		REQUIRE_FALSE(r);
		CHECK(r.error().err == ENODEV);
		CHECK(r.error().path == C + "/mem7");
	}
	SECTION("unaligned size")
	{
		auto r = create_region(sys, {.memdev = "mem0", .size = 100ull << 20});
		REQUIRE_FALSE(r);
		CHECK(r.error().err == EINVAL);
		CHECK_THAT(r.error().what, ContainsSubstring("multiple of 256 MiB"));
	}
	SECTION("larger than the device")
	{
		auto r = create_region(sys, {.memdev = "mem0", .size = 512ull << 20});
		REQUIRE_FALSE(r);
		CHECK(r.error().err == ENOSPC);
	}
	SECTION("no free endpoint decoder")
	{
		fake.file(C + "/decoder2.0/dpa_size", "0x8000000");
		fake.file(C + "/decoder2.0/mode", "pmem");
		fake.file(C + "/decoder2.1/dpa_size", "0x8000000");
		fake.file(C + "/decoder2.1/mode", "pmem");
		auto r = create_region(sys, {.memdev = "mem0", .size = 256ull << 20});
		REQUIRE_FALSE(r);
		CHECK(r.error().err == EBUSY);
		CHECK(fake.writes().empty());
		return;
	}
	SECTION("all capacity already in use")
	{
		fake.file(C + "/decoder2.1/dpa_size", "0x10000000");
		fake.file(C + "/decoder2.1/mode", "ram");
		auto r = create_region(sys, {.memdev = "mem0"});
		REQUIRE_FALSE(r);
		CHECK(r.error().err == ENOSPC);
		CHECK_THAT(r.error().what, ContainsSubstring("no free volatile capacity left"));
	}
	SECTION("unknown root decoder")
	{
		auto r = create_region(sys, {.memdev = "mem0", .decoder = "decoder0.9"});
		REQUIRE_FALSE(r);
		CHECK(r.error().err == ENODEV);
	}
	SECTION("private type on a kernel without private regions")
	{
		auto r = create_region(sys, {.memdev = "mem0", .type = RegionType::private_});
		REQUIRE_FALSE(r);
		CHECK(r.error().err == EOPNOTSUPP);
		CHECK_THAT(r.error().what, ContainsSubstring("no private CXL regions"));
	}
	SECTION("decoder that cannot host ram")
	{
		fake.file(C + "/decoder0.0/cap_ram", "0");
		auto r = create_region(sys, {.memdev = "mem0", .decoder = "decoder0.0"});
		REQUIRE_FALSE(r);
		CHECK(r.error().err == EINVAL);
		CHECK(r.error().path == C + "/decoder0.0/cap_ram");
	}
	expect_untouched();
}

TEST_CASE("create-region private: private_type set, memory left to kmem_private")
{
	FakeSysfs fake;
	fake.cxl(true);
	Sysfs sys(fake.root());
	auto r = create_region(sys, {.memdev = "mem0", .type = RegionType::private_});
	REQUIRE(r);
	// private_type as soon as the region exists (the kernel refuses it
	// once committed); no onlining: kmem_private hot-adds the memory.
	CHECK(fake.writes() ==
	      std::vector<std::string>{
		      C + "/decoder0.0/create_private_region region0",
		      C + "/region0/private_type basic",
		      C + "/region0/interleave_ways 1",
		      C + "/region0/interleave_granularity 256",
		      C + "/decoder2.0/mode ram",
		      C + "/decoder2.0/dpa_size 268435456",
		      C + "/region0/size 268435456",
		      C + "/region0/target0 decoder2.0",
		      C + "/region0/commit 1",
		      "/sys/bus/cxl/drivers/cxl_region/bind region0",
	      });
	CHECK(fake.get(R + "/private_type") == "basic");
	CHECK(fake.get(R + "/commit") == "1");
	CHECK(fake.get("/sys/devices/system/memory/memory128/state") == "offline");
}

TEST_CASE("create-region cram: private_type cram, memory left to cxl_cram")
{
	FakeSysfs fake;
	fake.cxl(true);
	fake.dir("/sys/bus/dax/drivers/cxl_cram");
	fake.link("/sys/bus/dax/devices/dax0.0/driver", "../../drivers/cxl_cram");
	Sysfs sys(fake.root());
	auto r = create_region(sys, {.memdev = "mem0", .type = RegionType::cram});
	REQUIRE(r);
	CHECK(fake.writes().at(1) == C + "/region0/private_type cram");
	CHECK(fake.get(R + "/private_type") == "cram");
	CHECK(fake.get(R + "/commit") == "1");
	CHECK(r->dax == "dax0.0");
	// cxl_cram hot-adds the memory itself: nothing is onlined by hand
	CHECK(fake.get("/sys/devices/system/memory/memory128/state") == "offline");
}

TEST_CASE("create-region cram: a dax device taken by kmem_private instead is rolled back")
{
	FakeSysfs fake;
	fake.cxl(true);
	Sysfs sys(fake.root());
	auto r = create_region(sys, {.memdev = "mem0", .type = RegionType::cram});
	REQUIRE_FALSE(r);
	CHECK(r.error().err == ENODEV);
	CHECK(r.error().path == "/sys/bus/dax/devices/dax0.0/driver");
	CHECK_THAT(r.error().what, ContainsSubstring("bound to 'kmem_private', not cxl_cram"));
	CHECK(fake.get(R + "/commit") == "0");
	CHECK(fake.get(C + "/decoder2.0/dpa_size") == "0");
	CHECK(fake.get(C + "/decoder0.0/delete_region") == "region0");
}

TEST_CASE("create-region private: a dax device not taken by kmem_private is rolled back")
{
	FakeSysfs fake;
	fake.cxl(true);
	fake.dir("/sys/bus/dax/drivers/device_dax");
	fake.link("/sys/bus/dax/devices/dax0.0/driver", "../../drivers/device_dax");
	Sysfs sys(fake.root());
	auto r = create_region(sys, {.memdev = "mem0", .type = RegionType::private_});
	REQUIRE_FALSE(r);
	CHECK(r.error().err == ENODEV);
	CHECK(r.error().path == "/sys/bus/dax/devices/dax0.0/driver");
	CHECK_THAT(r.error().what, ContainsSubstring("not kmem_private"));
	CHECK(fake.get(R + "/commit") == "0");
	CHECK(fake.get(C + "/decoder2.0/dpa_size") == "0");
	CHECK(fake.get(C + "/decoder0.0/delete_region") == "region0");
}

TEST_CASE("destroy-region private: memory offlined first, then the reverse of create")
{
	FakeSysfs fake;
	fake.cxl(true);
	Sysfs sys(fake.root());
	REQUIRE(create_region(sys, {.memdev = "mem0", .type = RegionType::private_}));
	fake.region_enabled();
	fake.file("/sys/devices/system/memory/memory128/state", "online");
	fake.file("/sys/devices/system/memory/memory129/state", "online");
	auto st = destroy_region(sys, "region0");
	INFO((st ? std::string("ok") : st.error().path + ": " + st.error().what));
	REQUIRE(st);
	CHECK(fake.get("/sys/devices/system/memory/memory128/state") == "offline");
	CHECK(fake.get("/sys/devices/system/memory/memory129/state") == "offline");
	CHECK(fake.get(R + "/commit") == "0");
	CHECK(fake.get(C + "/decoder0.0/delete_region") == "region0");
}

TEST_CASE("destroy-region: memory in use keeps everything as it was")
{
	FakeSysfs fake;
	fake.cxl(false);
	Sysfs sys(fake.root());
	REQUIRE(create_region(sys, {.memdev = "mem0"}));
	fake.region_enabled();
	fake.break_file("/sys/devices/system/memory/memory129/state");
	auto st = destroy_region(sys, "region0");
	REQUIRE_FALSE(st);
	CHECK(st.error().err == EISDIR);
	CHECK_THAT(st.error().what, ContainsSubstring("nothing was changed"));
	CHECK(fake.get("/sys/devices/system/memory/memory128/state") == "online_movable");
	CHECK(fake.get(R + "/commit") == "1");
	CHECK(fake.get("/sys/bus/cxl/drivers/cxl_region/unbind") == "");
}

TEST_CASE("destroy-region: the reverse of create")
{
	FakeSysfs fake;
	fake.cxl(false);
	Sysfs sys(fake.root());
	REQUIRE(create_region(sys, {.memdev = "mem0"}));
	fake.region_enabled();
	fake.forget_writes();
	REQUIRE(destroy_region(sys, "region0"));
	CHECK(fake.writes() ==
	      std::vector<std::string>{
		      "/sys/devices/system/memory/memory128/state offline",
		      "/sys/devices/system/memory/memory129/state offline",
		      "/sys/bus/cxl/drivers/cxl_region/unbind region0",
		      C + "/region0/commit 0",
		      C + "/region0/target0 ",
		      C + "/decoder2.0/dpa_size 0",
		      C + "/decoder0.0/delete_region region0",
	      });
	CHECK(fake.get("/sys/devices/system/memory/memory128/state") == "offline");
	CHECK(fake.get("/sys/bus/cxl/drivers/cxl_region/unbind") == "region0");
	CHECK(fake.get(R + "/commit") == "0");
	CHECK(fake.get(R + "/target0") == "");
	CHECK(fake.get(C + "/decoder2.0/dpa_size") == "0");
	CHECK(fake.get(C + "/decoder0.0/delete_region") == "region0");
	auto missing = destroy_region(sys, "region5");
	REQUIRE_FALSE(missing);
	CHECK(missing.error().err == ENODEV);
}

namespace {
std::vector<std::string> as_log(const std::vector<SysfsWrite> &writes)
{
	std::vector<std::string> out;
	for (const auto &w : writes)
		out.push_back(w.path + " " + w.value);
	return out;
}
} // namespace

TEST_CASE("plan_create_region: the writes create_region makes, none made")
{
	for (auto type : {RegionType::sysram, RegionType::private_}) {
		FakeSysfs dry, wet;
		dry.cxl(type != RegionType::sysram);
		wet.cxl(type != RegionType::sysram);
		auto plan = plan_create_region(Sysfs(dry.root()), {.memdev = "mem0", .type = type});
		REQUIRE(plan);
		CHECK(plan->region == "region0");
		CHECK(dry.writes().empty());
		CHECK(dry.get(C + "/decoder2.0/dpa_size") == "0x0");
		CHECK(dry.get(R + "/commit") == "");
		REQUIRE(create_region(Sysfs(wet.root()), {.memdev = "mem0", .type = type}));
		auto done = wet.writes();
		if (type == RegionType::sysram) {
			// then the memory blocks, which exist once the region does
			CHECK_THAT(plan->then, ContainsSubstring("online the memory blocks"));
			done.resize(done.size() - 2);
		} else {
			CHECK(plan->then.empty());
		}
		CHECK(as_log(plan->writes) == done);
	}
	// a request create_region refuses is refused the same way
	FakeSysfs fake;
	fake.cxl(false);
	auto bad = plan_create_region(Sysfs(fake.root()), {.memdev = "mem0", .size = 100ull << 20});
	REQUIRE_FALSE(bad);
	CHECK(bad.error().err == EINVAL);
}

TEST_CASE("plan_destroy_region: the writes destroy_region makes, none made")
{
	FakeSysfs fake;
	fake.cxl(false);
	Sysfs sys(fake.root());
	REQUIRE(create_region(sys, {.memdev = "mem0"}));
	fake.region_enabled();
	fake.forget_writes();
	auto plan = plan_destroy_region(sys, "region0");
	REQUIRE(plan);
	CHECK(fake.writes().empty());
	CHECK(fake.get(R + "/commit") == "1");
	CHECK(fake.get("/sys/devices/system/memory/memory128/state") == "online_movable");
	REQUIRE(destroy_region(sys, "region0"));
	CHECK(as_log(plan->writes) == fake.writes());
	CHECK(plan->writes.size() == 7);
	auto missing = plan_destroy_region(sys, "region5");
	REQUIRE_FALSE(missing);
	CHECK(missing.error().err == ENODEV);
}

TEST_CASE("online: a dax device not bound to kmem is refused")
{
	FakeSysfs fake;
	fake.cxl(false);
	fake.dir("/sys/bus/dax/drivers/device_dax");
	fake.link("/sys/bus/dax/devices/dax0.0/driver", "../../drivers/device_dax");
	auto st = online_dax_memory(Sysfs(fake.root()), "dax0.0");
	REQUIRE_FALSE(st);
	CHECK(st.error().err == EINVAL);
	CHECK_THAT(st.error().what, ContainsSubstring("device_dax"));
}

#include "privnode/cpuset.hpp"

TEST_CASE("cpuset: read, grant a node, refuse bad cgroups")
{
	FakeSysfs fake;
	const std::string cg = "/sys/fs/cgroup";
	fake.file(cg + "/cgroup.procs", "1");
	fake.file(cg + "/cpuset.mems.effective", "0,2");
	fake.file(cg + "/db/cgroup.procs", "");
	fake.file(cg + "/db/cpuset.mems", "");
	fake.file(cg + "/db/cpuset.mems.effective", "0,2");
	fake.file(cg + "/nocpuset/cgroup.procs", "");
	Sysfs sys(fake.root());

	auto root = read_cpuset(sys, "");
	REQUIRE(root);
	CHECK(root->effective == std::vector<int>{0, 2});
	CHECK(root->mems.empty());
	REQUIRE(set_cpuset_mems(sys, "db", {0, 1, 2}));
	CHECK(fake.get(cg + "/db/cpuset.mems") == "0-2");

	auto missing = read_cpuset(sys, "nosuch");
	REQUIRE_FALSE(missing);
	CHECK(missing.error().err == ENOENT);
	CHECK(missing.error().path == cg + "/nosuch");
	auto off = read_cpuset(sys, "nocpuset");
	REQUIRE_FALSE(off);
	CHECK_THAT(off.error().what, ContainsSubstring("+cpuset"));
	CHECK_FALSE(read_cpuset(sys, "../etc"));
	CHECK_FALSE(set_cpuset_mems(sys, "", {0}));
	// a kernel without the grant: no sysram view, no system-wide grant
	CHECK_FALSE(root->has_sysram);
	CHECK_FALSE(root->has_private);
	fake.forget_writes();
	auto st = set_root_private_grant(sys, {3});
	REQUIRE_FALSE(st);
	CHECK(st.error().err == EOPNOTSUPP);
	CHECK(st.error().path == cg + "/cpuset.mems.private");
	CHECK(fake.writes().empty());
}

TEST_CASE("cpuset: the grant of private nodes, per cgroup and system-wide")
{
	FakeSysfs fake;
	const std::string cg = "/sys/fs/cgroup";
	fake.file(cg + "/cgroup.procs", "1");
	fake.file(cg + "/cpuset.mems.effective", "0");
	fake.file(cg + "/cpuset.mems.sysram", "0");
	fake.file(cg + "/cpuset.mems.private", "");
	fake.file(cg + "/db/cgroup.procs", "");
	fake.file(cg + "/db/cpuset.mems", "0,3");
	fake.file(cg + "/db/cpuset.mems.effective", "0,3");
	fake.file(cg + "/db/cpuset.mems.sysram", "0");
	Sysfs sys(fake.root());

	auto root = read_cpuset(sys, "");
	REQUIRE(root);
	CHECK(root->has_sysram);
	CHECK(root->has_private);
	CHECK(root->private_.empty());
	auto db = read_cpuset(sys, "db");
	REQUIRE(db);
	CHECK(db->mems == std::vector<int>{0, 3});
	CHECK(db->effective == std::vector<int>{0, 3});
	CHECK(db->sysram == std::vector<int>{0});
	CHECK_FALSE(db->has_private); // the root's file only

	fake.forget_writes();
	REQUIRE(set_root_private_grant(sys, {3, 4}));
	REQUIRE(set_root_private_grant(sys, {}));
	CHECK(fake.writes() ==
	      std::vector<std::string>{cg + "/cpuset.mems.private 3-4", cg + "/cpuset.mems.private "});

	fake.file(cg + "/cpuset.mems.private", "x");
	auto bad = read_cpuset(sys, "");
	REQUIRE_FALSE(bad);
	CHECK(bad.error().path == cg + "/cpuset.mems.private");
}

TEST_CASE("use_libcxl: the real root unless raw-only; never a fake tree; no environment")
{
	privnode::Sysfs real("/");
	CHECK(privnode::use_libcxl(real));
	real.set_raw_only(true);
	CHECK_FALSE(privnode::use_libcxl(real));
	setenv("PRIVNODE_NO_LIBCXL", "1", 1); // the library does not read it
	CHECK(privnode::use_libcxl(privnode::Sysfs("/")));
	unsetenv("PRIVNODE_NO_LIBCXL");
	CHECK_FALSE(privnode::use_libcxl(privnode::Sysfs("/tmp/fake")));
}
