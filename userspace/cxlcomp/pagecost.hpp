// SPDX-License-Identifier: GPL-2.0-only
// What the compressed device charges for data: per 4 KiB page, 0 for a zero
// page, else the zlib (compress2, default level) size capped at 4 KiB. The
// same rule as qemu/hw/cxl/cxl-compress.c, so tests can predict the device.
#pragma once

#include <cstdint>
#include <span>

namespace cxlcomp {

inline constexpr std::size_t page_size = 4096;

struct Cost {
	std::uint64_t pages = 0; // pages looked at (a short tail counts as a page)
	std::uint64_t zero_pages = 0;
	std::uint64_t bytes = 0; // physical bytes charged
};

std::uint32_t page_cost(std::span<const std::uint8_t> page);
Cost data_cost(std::span<const std::uint8_t> data);

} // namespace cxlcomp
