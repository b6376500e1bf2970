// SPDX-License-Identifier: GPL-2.0-only
// privnodectl create-region / destroy-region / online / offline.
#include "commands.hpp"
#include "json.hpp"

#include "privnode/cxl.hpp"
#include "privnode/parse.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <optional>
#include <sys/file.h>
#include <unistd.h>

namespace privnodectl {

namespace {

// -v: each sysfs step on stderr
privnode::StepLog progress(const Global &g)
{
	return [&g](const std::string &step) {
		if (g.verbose)
			std::cerr << "privnodectl: " << step << "\n";
	};
}

// One privnodectl at a time creates or destroys regions: two would race
// for the same free capacity and endpoint decoders. The lock is an
// flock(2) on /run/privnodectl.lock (ROOT/run/privnodectl.lock under
// --sysfs-root), held until the process exits; a second one fails at once
// rather than wait behind a command that may take minutes.
class RegionLock {
public:
	explicit RegionLock(const Global &g) : path_(g.sys.real("/run/privnodectl.lock"))
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
	~RegionLock()
	{
		if (fd_ >= 0)
			::close(fd_);
	}
	RegionLock(const RegionLock &) = delete;
	RegionLock &operator=(const RegionLock &) = delete;

	// 0, or the reason on stderr and 1
	int check(const std::string &cmd) const
	{
		if (fd_ >= 0)
			return 0;
		if (err_ == EWOULDBLOCK)
			return error(cmd, "another privnodectl is creating or destroying a region (it holds " +
						  path_.string() + "); nothing was changed, try again when it is done");
		return error(cmd, path_.string() + ": " + std::strerror(err_));
	}

private:
	std::filesystem::path path_;
	int fd_ = -1;
	int err_ = 0;
};

// --dry-run: the plan as JSON on stdout (nothing was written)
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

} // namespace

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

int cmd_create_region(const Global &g, const CreateOpts &o)
{
	// a dry run only reads: no root, no lock
	if (!o.dry_run && !require_root(g, "create-region"))
		return 1;
	std::optional<RegionLock> lock;
	if (!o.dry_run) {
		lock.emplace(g);
		if (int rc = lock->check("create-region"); rc)
			return rc;
	}
	privnode::CreateRegion req;
	req.memdev = o.memdev;
	req.decoder = o.decoder;
	if (o.type == "private")
		req.type = privnode::RegionType::private_;
	else if (o.type == "cram")
		req.type = privnode::RegionType::cram;
	else if (o.type == "sysram")
		req.type = privnode::RegionType::sysram;
	else
		return error("create-region", "--type '" + o.type + "': must be private, cram or sysram");
	if (!o.size.empty()) {
		auto sz = privnode::parse_size(o.size);
		if (!sz)
			return error("create-region", "--size '" + o.size +
							      "': not a size (bytes, or a number with K, M, G, T)");
		req.size = *sz;
	}
	if (o.dry_run) {
		auto plan = privnode::plan_create_region(g.sys, req);
		if (!plan)
			return error("create-region", to_string(plan.error()));
		print_plan(*plan);
		return 0;
	}
	auto r = privnode::create_region(g.sys, req, progress(g));
	if (!r)
		return error("create-region", to_string(r.error()));
	print_json(to_json(*r, g.human));
	return 0;
}

int cmd_destroy_region(const Global &g, const std::string &region, bool dry_run)
{
	if (dry_run) { // only reads: no root, no lock
		auto plan = privnode::plan_destroy_region(g.sys, region);
		if (!plan)
			return error("destroy-region", to_string(plan.error()));
		print_plan(*plan);
		return 0;
	}
	if (!require_root(g, "destroy-region"))
		return 1;
	const RegionLock lock(g);
	if (int rc = lock.check("destroy-region"); rc)
		return rc;
	if (auto st = privnode::destroy_region(g.sys, region, progress(g)); !st)
		return error("destroy-region", to_string(st.error()));
	std::cerr << "privnodectl: destroyed " << region << "\n";
	return 0;
}

int cmd_online(const Global &g, const std::string &target, bool online)
{
	const char *cmd = online ? "online" : "offline";
	if (!require_root(g, cmd))
		return 1;
	std::string dax = target;
	if (target.rfind("region", 0) == 0) {
		auto r = privnode::read_region(g.sys, target);
		if (!r)
			return error(cmd, to_string(r.error()));
		if (r->dax.empty())
			return error(cmd, target + ": region has no dax device (not enabled?)");
		dax = r->dax;
	}
	auto st = online ? privnode::online_dax_memory(g.sys, dax) : privnode::offline_dax_memory(g.sys, dax);
	if (!st)
		return error(cmd, to_string(st.error()));
	std::cerr << "privnodectl: " << cmd << " " << dax << "\n";
	return 0;
}

} // namespace privnodectl
