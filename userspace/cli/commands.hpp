// SPDX-License-Identifier: GPL-2.0-only
// privnodectl subcommands. main.cpp parses the command line (the only TU
// that includes CLI11) into these plain structs; each command lives in its
// own source file, prints its result on stdout and its errors on stderr,
// and returns the process exit status.
#pragma once

#include "privnode/sysfs.hpp"

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
int cmd_online(const Global &g, const std::string &target, bool online);

// "privnodectl: CMD: message" on stderr; returns 1.
int error(const std::string &cmd, const std::string &message);
// Mutating commands need root on a real system.
bool require_root(const Global &g, const std::string &cmd);

} // namespace privnodectl
