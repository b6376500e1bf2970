// SPDX-License-Identifier: GPL-2.0-only
// What the subcommands share: error and progress output, the root check,
// the region lock, the dry-run plan and the dax device of a target.
#include "commands.hpp"
#include "json.hpp"

#include "privnode/cxl.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <sys/file.h>
#include <unistd.h>

namespace privnodectl {

int error(const std::string &cmd, const std::string &message)
{
	std::cerr << "privnodectl: " << cmd << ": " << message << "\n";
	return 1;
}

bool require_root(const Global &g, const std::string &cmd)
{
	if (g.fake_root || geteuid() == 0)
		return true;
	error(cmd, "must be run as root: it writes to /sys (" + std::string(strerror(EPERM)) + ")");
	return false;
}

privnode::StepLog progress(const Global &g)
{
	return [&g](const std::string &step) {
		if (g.verbose)
			std::cerr << "privnodectl: " << step << "\n";
	};
}

RegionLock::RegionLock(const Global &g) : path_(g.sys.real("/run/privnodectl.lock"))
{
	std::error_code ec; // /run is there on a real system; a fake tree may lack it
	std::filesystem::create_directories(path_.parent_path(), ec);
	fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd_ < 0) {
		err_ = errno;
		return;
	}
	if (::flock(fd_, LOCK_EX | LOCK_NB) < 0) {
		err_ = errno;
		::close(fd_);
		fd_ = -1;
	}
}

RegionLock::~RegionLock()
{
	if (fd_ >= 0)
		::close(fd_);
}

int RegionLock::check(const std::string &cmd) const
{
	if (fd_ >= 0)
		return 0;
	if (err_ == EWOULDBLOCK)
		return error(cmd,
			     "another privnodectl is creating or destroying a region (it holds " +
				     path_.string() + "); nothing was changed, try again when it is done");
	return error(cmd, path_.string() + ": " + std::strerror(err_));
}

void print_plan(const privnode::RegionPlan &p)
{
	nlohmann::ordered_json j;
	j["region"] = p.region;
	j["dry_run"] = true;
	auto writes = nlohmann::ordered_json::array();
	for (const auto &w : p.writes)
		writes.push_back({{"path", w.path}, {"value", w.value}});
	j["writes"] = writes;
	if (!p.then.empty())
		j["then"] = p.then;
	print_json(j);
}

std::optional<std::string> dax_of(const Global &g, const std::string &cmd, const std::string &target)
{
	if (target.rfind("region", 0) != 0)
		return target;
	auto r = privnode::read_region(g.sys, target);
	if (!r) {
		error(cmd, to_string(r.error()));
		return std::nullopt;
	}
	if (r->dax.empty()) {
		error(cmd, target + ": region has no dax device (not enabled?)");
		return std::nullopt;
	}
	return r->dax;
}

} // namespace privnodectl
