// SPDX-License-Identifier: GPL-2.0-only
// A fake sysfs tree in a temporary directory, shaped like what a 6.12 guest
// with one CXL type-3 device shows, for tests of libprivnode and the CLI.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "privnode/sysfs.hpp"

namespace fs = std::filesystem;

class FakeSysfs {
public:
	FakeSysfs()
	{
		std::string tmpl = (fs::temp_directory_path() / "privnode-fake-XXXXXX").string();
		root_ = mkdtemp(tmpl.data());
	}
	~FakeSysfs()
	{
		std::error_code ec;
		fs::remove_all(root_, ec);
	}
	FakeSysfs(const FakeSysfs &) = delete;
	FakeSysfs &operator=(const FakeSysfs &) = delete;

	const fs::path &root() const { return root_; }

	// Create (or overwrite) a file with @content plus a newline.
	void file(const std::string &path, const std::string &content) const
	{
		fs::path p = root_ / fs::path(path).relative_path();
		fs::create_directories(p.parent_path());
		std::ofstream(p) << content << "\n";
	}
	// Content of a file, without the trailing newline.
	std::string get(const std::string &path) const
	{
		std::ifstream in(root_ / fs::path(path).relative_path());
		std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
		while (!s.empty() && s.back() == '\n')
			s.pop_back();
		return s;
	}
	void link(const std::string &path, const std::string &target) const
	{
		fs::path p = root_ / fs::path(path).relative_path();
		fs::create_directories(p.parent_path());
		fs::remove(p);
		fs::create_directory_symlink(target, p);
	}
	void dir(const std::string &path) const
	{
		fs::create_directories(root_ / fs::path(path).relative_path());
	}
	// Every write libprivnode made under this tree, in order, as
	// "PATH VALUE" (the log Sysfs::write keeps for fake roots).
	std::vector<std::string> writes() const
	{
		std::vector<std::string> out;
		std::ifstream in(root_ / privnode::kFakeWriteLog);
		for (std::string line; std::getline(in, line);)
			out.push_back(line);
		return out;
	}
	// The writes so far are not of interest: start the log afresh.
	void forget_writes() const { fs::remove(root_ / privnode::kFakeWriteLog); }

	// Make writes to @path fail (EISDIR): a file replaced by a directory.
	void break_file(const std::string &path) const
	{
		fs::path p = root_ / fs::path(path).relative_path();
		fs::remove(p);
		fs::create_directories(p);
	}

	// Node 0: 1 GiB, CPUs 0-1. Node 1 private (if @private_nodes), 256 MiB.
	void nodes(bool private_nodes) const
	{
		const std::string n = "/sys/devices/system/node";
		file(n + "/online", private_nodes ? "0-1" : "0");
		file(n + "/possible", "0-2");
		file(n + "/has_memory", "0");
		file(n + "/has_cpu", "0");
		file(n + "/node0/cpulist", "0-1");
		file(n + "/node0/meminfo",
		     "Node 0 MemTotal:        1048576 kB\n"
		     "Node 0 MemFree:          524288 kB\n"
		     "Node 0 MemUsed:          524288 kB");
		if (!private_nodes)
			return;
		file(n + "/has_private_memory", "1");
		file(n + "/node1/cpulist", "");
		file(n + "/node1/meminfo",
		     "Node 1 MemTotal:         262144 kB\n"
		     "Node 1 MemFree:          262144 kB");
		file(n + "/node1/private/ops", "migration mempolicy");
		file(n + "/node1/private/owner", "dax0.0");
	}

	// A 4 GiB RAM root decoder NAME under root0 whose next region is REGION
	// and whose one target is root0's dport TARGET (a host bridge).
	void root_decoder(const std::string &name, const std::string &region,
			  const std::string &target = "12") const
	{
		const std::string c = "/sys/bus/cxl/devices";
		link(c + "/root0/" + name, "../" + name);
		file(c + "/" + name + "/cap_ram", "1");
		file(c + "/" + name + "/cap_pmem", "0");
		file(c + "/" + name + "/size", "0x100000000");
		file(c + "/" + name + "/interleave_granularity", "256");
		file(c + "/" + name + "/target_list", target);
		file(c + "/" + name + "/create_ram_region", region);
	}

	// Host bridge pci0000:BUS as root0's dport ID, where the kernel shows
	// it: root0/dportID links to the bridge's device.
	void host_bridge(const std::string &id, const std::string &bus) const
	{
		dir("/sys/devices/pci0000:" + bus);
		link("/sys/bus/cxl/devices/root0/dport" + id, "../../../../devices/pci0000:" + bus);
	}

	// mem0 (256 MiB ram) on a PCI device below host bridge pci0000:0c
	// (root0's dport12), under endpoint2 with decoders 2.0 and 2.1; root
	// decoder 0.0 (ram capable, 4 GiB window, target dport12), and the
	// files the kernel would create for region0 once it is made. The dax
	// device and its two 128 MiB memory blocks (ids 8 and 9) start offline.
	void cxl(bool private_regions) const
	{
		const std::string c = "/sys/bus/cxl/devices";
		const std::string pci = "/sys/devices/pci0000:0c/0000:0c:00.0/0000:0d:00.0";
		dir(pci + "/mem0");
		link(c + "/mem0", "../../../devices/pci0000:0c/0000:0c:00.0/0000:0d:00.0/mem0");
		file(c + "/mem0/ram/size", "0x10000000");
		file(c + "/mem0/pmem/size", "0x0");
		file(c + "/mem0/serial", "0x0");
		dir(c + "/root0");
		host_bridge("12", "0c");
		root_decoder("decoder0.0", "region0");
		if (private_regions)
			file(c + "/decoder0.0/create_private_region", "region0");
		file(c + "/decoder0.0/delete_region", "");
		dir(c + "/endpoint2");
		link(c + "/endpoint2/uport", "../mem0");
		for (const char *d : {"decoder2.0", "decoder2.1"}) {
			link(c + "/endpoint2/" + d, std::string("../") + d);
			file(c + "/" + d + "/mode", "none");
			file(c + "/" + d + "/dpa_size", "0x0");
		}
		file("/sys/bus/cxl/drivers/cxl_region/bind", "");
		file("/sys/bus/cxl/drivers/cxl_region/unbind", "");
		// What the kernel shows once region0 exists and is enabled.
		const std::string r = c + "/decoder0.0/region0";
		link(c + "/region0", "decoder0.0/region0");
		for (const char *a :
		     {"interleave_ways", "interleave_granularity", "size", "target0", "commit"})
			file(r + "/" + a, "");
		file(r + "/mode", "ram");
		if (private_regions)
			file(r + "/private_type", "");
		dir(r + "/dax_region0/dax0.0");
		file(r + "/dax_region0/dax_region/id", "0");
		const std::string dax = "/sys/bus/dax/devices/dax0.0";
		file(dax + "/resource", "0x400000000");
		file(dax + "/size", "268435456");
		file(dax + "/target_node", "2");
		// kmem for ram regions; kmem_private takes a private region's
		const std::string drv = private_regions ? "kmem_private" : "kmem";
		dir("/sys/bus/dax/drivers/" + drv);
		link(dax + "/driver", "../../drivers/" + drv);
		const std::string m = "/sys/devices/system/memory";
		file(m + "/block_size_bytes", "8000000");
		file(m + "/memory128/state", "offline");
		file(m + "/memory129/state", "offline");
	}

	// region0 is made under root decoder @decoder instead of decoder0.0:
	// its files move there, and @decoder offers it as its next region.
	void region0_under(const std::string &decoder) const
	{
		const std::string c = "sys/bus/cxl/devices/";
		fs::rename(root_ / (c + "decoder0.0/region0"), root_ / (c + decoder + "/region0"));
		link("/" + c + "region0", decoder + "/region0");
		file("/" + c + decoder + "/create_ram_region", "region0");
		file("/" + c + decoder + "/delete_region", "");
	}

	// After enabling: the region's driver link appears.
	void region_enabled() const
	{
		link("/sys/bus/cxl/devices/decoder0.0/region0/driver", "../../drivers/cxl_region");
	}

private:
	fs::path root_;
};
