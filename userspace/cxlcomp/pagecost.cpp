// SPDX-License-Identifier: GPL-2.0-only
#include "pagecost.hpp"

#include <algorithm>
#include <array>
#include <zlib.h>

namespace cxlcomp {

std::uint32_t page_cost(std::span<const std::uint8_t> page)
{
	std::array<std::uint8_t, page_size> full{};
	std::copy_n(page.begin(), std::min(page.size(), page_size), full.begin());
	if (std::all_of(full.begin(), full.end(), [](std::uint8_t b) { return b == 0; }))
		return 0;
	std::array<std::uint8_t, page_size + 128> out;
	uLongf len = out.size();
	if (compress2(out.data(), &len, full.data(), full.size(), Z_DEFAULT_COMPRESSION) != Z_OK)
		return page_size;
	return static_cast<std::uint32_t>(std::min<uLongf>(len, page_size));
}

Cost data_cost(std::span<const std::uint8_t> data)
{
	Cost c;
	for (std::size_t off = 0; off < data.size(); off += page_size) {
		auto cost = page_cost(data.subspan(off, std::min(page_size, data.size() - off)));
		++c.pages;
		c.zero_pages += cost == 0;
		c.bytes += cost;
	}
	return c;
}

} // namespace cxlcomp
