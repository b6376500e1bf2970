// SPDX-License-Identifier: GPL-2.0-only
// The memory of a dax device: the memory blocks its range covers, onlined
// and offlined with their state files, each change undone on a failure.
#include "cxl_detail.hpp"

#include "privnode/parse.hpp"

#include <cerrno>

namespace privnode {

namespace detail {

namespace {

Result<std::uint64_t> block_size(const Sysfs &sys)
{
	const std::string path = std::string(kMemoryDir) + "/block_size_bytes";
	auto s = sys.read(path);
	if (!s)
		return std::unexpected(s.error());
	// Printed as hex without a 0x prefix.
	auto v = parse_u64("0x" + *s);
	if (!v || *v == 0)
		return fail(EINVAL, path, "malformed block size '" + *s + "'");
	return *v;
}

} // namespace

Result<std::vector<std::uint64_t>> dax_blocks(const Sysfs &sys, const std::string &dax)
{
	const std::string base = std::string(kDaxDevices) + "/" + dax;
	if (!sys.exists(base))
		return fail(ENODEV, base, "no such dax device");
	const std::string driver = sys.link_name(base + "/driver");
	if (driver != "kmem" && driver != kDaxPrivateDriver && driver != kDaxCramDriver)
		return fail(EINVAL, base + "/driver",
			    "bound to '" + (driver.empty() ? std::string("nothing") : driver) +
				    "', not kmem, " + kDaxPrivateDriver + " or " + kDaxCramDriver +
				    ": its memory is not hot-added");
	auto start = sys.read_u64(base + "/resource");
	auto size = sys.read_u64(base + "/size");
	auto bs = block_size(sys);
	if (!start)
		return std::unexpected(start.error());
	if (!size)
		return std::unexpected(size.error());
	if (!bs)
		return std::unexpected(bs.error());
	std::vector<std::uint64_t> ids;
	for (std::uint64_t a = *start / *bs * *bs; a < *start + *size; a += *bs)
		ids.push_back(a / *bs);
	return ids;
}

std::string block_state(std::uint64_t id)
{
	return std::string(kMemoryDir) + "/memory" + std::to_string(id) + "/state";
}

} // namespace detail

using detail::block_state;
using detail::dax_blocks;
using detail::Undo;
using detail::with_rollback;

namespace {

// Move every memory block of @dax that is not @to already to @to; on a
// failure, the blocks moved so far go back to @back.
Status move_dax_blocks(const Sysfs &sys, const std::string &dax, const std::string &to,
		       const std::string &back)
{
	auto ids = dax_blocks(sys, dax);
	if (!ids)
		return std::unexpected(ids.error());
	Undo undo;
	for (auto id : *ids) {
		auto state = sys.read(block_state(id));
		if (!state)
			return with_rollback(state.error(), undo);
		if (*state == (to == "offline" ? "offline" : "online"))
			continue;
		if (auto st = sys.write(block_state(id), to); !st)
			return with_rollback(st.error(), undo);
		undo.push((to == "offline" ? "offline " : "online ") + block_state(id),
			  [&sys, id, back] { return sys.write(block_state(id), back); });
	}
	undo.done();
	return {};
}

} // namespace

Status online_dax_memory(const Sysfs &sys, const std::string &dax, const std::string &how)
{
	return move_dax_blocks(sys, dax, how, "offline");
}

Status offline_dax_memory(const Sysfs &sys, const std::string &dax)
{
	return move_dax_blocks(sys, dax, "offline", "online_movable");
}

} // namespace privnode
