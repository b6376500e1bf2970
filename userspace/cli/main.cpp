// SPDX-License-Identifier: GPL-2.0-only
// privnodectl: private memory nodes and the CXL regions that provide them.
// The only translation unit that includes CLI11.
#include "commands.hpp"
#include "privnode/cxl.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

namespace {

// A node id: the kernel's MAX_NUMNODES is at most 1024 (NODES_SHIFT 10).
const CLI::Range kNodeId(0, 1023, "a node id (0 to 1023)");

} // namespace

int main(int argc, char **argv)
{
	using namespace privnodectl;
	CLI::App app{"privnodectl: list and manage private memory NUMA nodes and CXL regions"};
	app.require_subcommand(1);
	app.fallthrough(); // global flags also after the subcommand
	Global g;
	std::string root;
	app.add_option("--sysfs-root", root, "Prefix for /sys (testing)")->group("");
	app.add_flag("-u,--human", g.human, "Sizes in human units instead of bytes");
	app.add_flag("-v,--verbose", g.verbose, "Print each sysfs step, and libcxl's messages, on stderr");
	app.parse_complete_callback([&] {
		if (!root.empty()) {
			g.sys = privnode::Sysfs(root);
			g.fake_root = true;
		}
	});

	ListOpts lo;
	int node_filter = -1;
	auto *list = app.add_subcommand("list", "List nodes, CXL memdevs and regions (JSON)");
	list->add_flag("-N,--nodes", lo.nodes, "List NUMA nodes");
	list->add_flag("-M,--memdevs", lo.memdevs, "List CXL memory devices");
	list->add_flag("-R,--regions", lo.regions, "List CXL regions");
	list->add_option("-n,--node", node_filter, "Only this node")->check(kNodeId);
	list->add_option("-m,--memdev", lo.memdev, "Only this memdev");
	list->add_option("-r,--region", lo.region, "Only this region");

	int show_node = -1;
	auto *show = app.add_subcommand("show", "Show one NUMA node (JSON)");
	show->add_option("NODE", show_node, "Node id")->required()->check(kNodeId);

	CreateOpts co;
	auto *create = app.add_subcommand("create-region", "Create a CXL ram region and bring it up");
	create->add_option("-m,--memdev", co.memdev, "CXL memdev, e.g. mem0")->required();
	create->add_option("-d,--decoder", co.decoder, "Root decoder (default: first that fits)");
	create->add_option("-s,--size", co.size, "Size: bytes or 256M, 1G... (default: all free)");
	create->add_option("-t,--type", co.type,
			   "private (a private node), cram (a cram node: the device compresses inline) or "
			   "sysram (ordinary node)")
		->capture_default_str()
		->check(CLI::IsMember({"private", "cram", "sysram"}));
	create->add_flag("--dry-run", co.dry_run,
			 "Print the sysfs writes it would make, in order; make none");

	std::string region;
	auto *destroy = app.add_subcommand("destroy-region", "Take a region down and delete it");
	destroy->add_option("REGION", region, "Region, e.g. region0")->required();
	bool destroy_dry_run = false;
	destroy->add_flag("--dry-run", destroy_dry_run,
			  "Print the sysfs writes it would make, in order; make none");

	std::string target;
	auto *online = app.add_subcommand("online", "Online the memory of a region or dax device");
	online->add_option("TARGET", target, "regionN or daxX.Y")->required();
	auto *offline = app.add_subcommand("offline", "Offline the memory of a region or dax device");
	offline->add_option("TARGET", target, "regionN or daxX.Y")->required();

	CpusetOpts cs;
	auto *cpuset = app.add_subcommand("cpuset", "Show or change the nodes a cgroup v2 cpuset may use");
	const char *cgroup_help = "cgroup below /sys/fs/cgroup, e.g. work/db; / is the root, whose grant is "
				  "system-wide";
	cpuset->add_option("CGROUP", cs.cgroup, cgroup_help)->required();
	cpuset->add_option("-a,--add", cs.add, "Let the cgroup use these nodes")->check(kNodeId);
	cpuset->add_option("-r,--remove", cs.remove, "Take these nodes away")->check(kNodeId);

	CLI11_PARSE(app, argc, argv);
	// raw sysfs instead of libcxl/libdaxctl (privnodectl-list(1))
	g.sys.set_raw_only(std::getenv("PRIVNODE_NO_LIBCXL") != nullptr);
	if (g.verbose) // -v: the libraries' messages too
		privnode::set_library_log(
			[](const std::string &m) { std::cerr << "privnodectl: " << m << "\n"; });

	if (node_filter >= 0)
		lo.node = node_filter;
	if (*list)
		return cmd_list(g, lo);
	if (*show)
		return cmd_show(g, show_node);
	if (*create)
		return cmd_create_region(g, co);
	if (*destroy)
		return cmd_destroy_region(g, region, destroy_dry_run);
	if (*online)
		return cmd_online(g, target);
	if (*offline)
		return cmd_offline(g, target);
	if (*cpuset) {
		// "/", "/work/db/" and "work/db" name cgroups the same way
		while (!cs.cgroup.empty() && cs.cgroup.front() == '/')
			cs.cgroup.erase(0, 1);
		while (!cs.cgroup.empty() && cs.cgroup.back() == '/')
			cs.cgroup.pop_back();
		return cmd_cpuset(g, cs);
	}
	return 1;
}
