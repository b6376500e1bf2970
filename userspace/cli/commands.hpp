// SPDX-License-Identifier: GPL-2.0-only
// privnodectl subcommands. main.cpp parses the command line (the only TU
// that includes CLI11) into these plain structs; each command lives in its
// own source file, prints its result on stdout and its errors on stderr,
// and returns the process exit status.
#pragma once

#include "privnode/cxl.hpp"
#include "privnode/sysfs.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace privnodectl {

struct Global {
	privnode::Sysfs sys{"/"};
	bool human = false; // -u: sizes as "256.00 MiB"
	bool verbose = false;
	bool fake_root = false; // --sysfs-root given: skip the root-user check
};

struct ListOpts {
	bool nodes = false, memdevs = false, regions = false; // none = all
	std::optional<int> node;
	std::string memdev, region;
};

struct CreateOpts {
	std::string memdev, decoder, size, type = "private";
	bool dry_run = false; // print the writes, make none
};

struct CpusetOpts {
	std::string cgroup; // below /sys/fs/cgroup
	std::vector<int> add, remove;
};

int cmd_list(const Global &g, const ListOpts &o);
int cmd_cpuset(const Global &g, const CpusetOpts &o);
int cmd_show(const Global &g, int node);
int cmd_create_region(const Global &g, const CreateOpts &o);
int cmd_destroy_region(const Global &g, const std::string &region, bool dry_run);
int cmd_online(const Global &g, const std::string &target);
int cmd_offline(const Global &g, const std::string &target);

// What they share (common.cpp):

// "privnodectl: CMD: message" on stderr; returns 1.
int error(const std::string &cmd, const std::string &message);
// Mutating commands need root on a real system.
bool require_root(const Global &g, const std::string &cmd);
// -v: each sysfs step on stderr
privnode::StepLog progress(const Global &g);
// --dry-run: the plan as JSON on stdout (nothing was written)
void print_plan(const privnode::RegionPlan &p);
// The dax device of @target (a region, or a dax device itself); nullopt
// after saying why on stderr.
std::optional<std::string> dax_of(const Global &g, const std::string &cmd, const std::string &target);

// One privnodectl at a time creates or destroys regions: two would race
// for the same free capacity and endpoint decoders. The lock is an
// flock(2) on /run/privnodectl.lock (ROOT/run/privnodectl.lock under
// --sysfs-root), held until the process exits; a second one fails at once
// rather than wait behind a command that may take minutes.
class RegionLock {
public:
	explicit RegionLock(const Global &g);
	~RegionLock();
	RegionLock(const RegionLock &) = delete;
	RegionLock &operator=(const RegionLock &) = delete;
	// 0, or the reason on stderr and 1
	int check(const std::string &cmd) const;

private:
	std::filesystem::path path_;
	int fd_ = -1;
	int err_ = 0;
};

} // namespace privnodectl
