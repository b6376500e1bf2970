// SPDX-License-Identifier: GPL-2.0-only
// What the CXL sources of lib/ share and do not export: sysfs paths of CXL
// devices, the undo log of a transaction, the memory blocks of a dax
// device. topology.cpp reads the CXL topology, region.cpp runs the region
// state machine, dax_memory.cpp onlines and offlines a dax device's memory.
#pragma once

#include "privnode/cxl.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace privnode::detail {

// /sys/bus/cxl/devices/NAME[/ATTR]
inline std::string dev(const std::string &name, const std::string &attr = "")
{
	std::string p = std::string(kCxlDevices) + "/" + name;
	return attr.empty() ? p : p + "/" + attr;
}

// Steps to take back, newest first, unless the transaction completes.
// Each step taken back is logged ("undo ...") to @log, as each write was.
class Undo {
public:
	explicit Undo(StepLog log = {}) : log_(std::move(log)) {}
	void push(std::string what, std::function<Status()> f)
	{
		steps_.emplace_back(std::move(what), std::move(f));
	}
	void done() { steps_.clear(); }
	// Undo everything; the errors of steps that could not be undone.
	std::string rollback()
	{
		std::string failed;
		for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) {
			if (log_)
				log_("undo " + it->first);
			if (auto st = it->second(); !st) {
				failed +=
					"; rollback of '" + it->first + "' failed: " + to_string(st.error());
				if (log_)
					log_("undo " + it->first + " failed: " + to_string(st.error()));
			}
		}
		steps_.clear();
		return failed;
	}
	~Undo() { rollback(); }

private:
	StepLog log_;
	std::vector<std::pair<std::string, std::function<Status()>>> steps_;
};

inline std::unexpected<Error> with_rollback(Error e, Undo &undo)
{
	e.what += undo.rollback();
	return std::unexpected(std::move(e));
}

// Memory block ids covering a dax device's range; EINVAL unless it is
// bound to a driver that hot-adds its memory.
[[nodiscard]] Result<std::vector<std::uint64_t>> dax_blocks(const Sysfs &sys, const std::string &dax);
// /sys/devices/system/memory/memoryID/state
[[nodiscard]] std::string block_state(std::uint64_t id);

} // namespace privnode::detail
