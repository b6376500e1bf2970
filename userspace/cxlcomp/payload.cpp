// SPDX-License-Identifier: GPL-2.0-only
#include "payload.hpp"

#include <cerrno>

namespace cxlcomp {
namespace {

std::uint64_t get_le64(std::span<const std::uint8_t> p, std::size_t off)
{
	std::uint64_t v = 0;
	for (std::size_t i = 0; i < 8; ++i)
		v |= std::uint64_t{p[off + i]} << (8 * i);
	return v;
}

void put_le64(std::span<std::uint8_t> p, std::size_t off, std::uint64_t v)
{
	for (std::size_t i = 0; i < 8; ++i)
		p[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

} // namespace

std::string_view state_name(State s)
{
	switch (s) {
	case State::normal:
		return "normal";
	case State::high:
		return "high";
	case State::critical:
		return "critical";
	case State::full:
		return "full";
	}
	return "unknown";
}

std::string opcode_name(std::uint16_t opcode)
{
	static constexpr char hex[] = "0123456789abcdef";
	std::string s = "0x";
	for (int shift = 12; shift >= 0; shift -= 4)
		s += hex[(opcode >> shift) & 0xf];
	return s;
}

privnode::Result<Stats> decode_stats(std::span<const std::uint8_t> p)
{
	if (p.size() < stats_min_size)
		return privnode::fail(EPROTO, "",
				      "stats payload is " + std::to_string(p.size()) + " bytes, expected " +
					      std::to_string(stats_min_size) + " or more");
	if (p[0x23] > static_cast<std::uint8_t>(State::full))
		return privnode::fail(EPROTO, "", "stats payload: unknown state " + std::to_string(p[0x23]));
	Stats s;
	s.logical_capacity = get_le64(p, 0x00);
	s.logical_used = get_le64(p, 0x08);
	s.physical_capacity = get_le64(p, 0x10);
	s.physical_used = get_le64(p, 0x18);
	s.watermarks = {p[0x20], p[0x21], p[0x22]};
	s.state = static_cast<State>(p[0x23]);
	s.lost_pages = static_cast<std::uint32_t>(p[0x24] | p[0x25] << 8 | p[0x26] << 16 |
						  std::uint32_t{p[0x27]} << 24);
	if (p.size() >= stats_size)
		s.pending_pages = get_le64(p, 0x28);
	return s;
}

std::array<std::uint8_t, stats_size> encode_stats(const Stats &s)
{
	std::array<std::uint8_t, stats_size> p{};
	put_le64(p, 0x00, s.logical_capacity);
	put_le64(p, 0x08, s.logical_used);
	put_le64(p, 0x10, s.physical_capacity);
	put_le64(p, 0x18, s.physical_used);
	p[0x20] = s.watermarks.low;
	p[0x21] = s.watermarks.high;
	p[0x22] = s.watermarks.critical;
	p[0x23] = static_cast<std::uint8_t>(s.state);
	for (std::size_t i = 0; i < 4; ++i)
		p[0x24 + i] = static_cast<std::uint8_t>(s.lost_pages >> (8 * i));
	put_le64(p, 0x28, s.pending_pages.value_or(0));
	return p;
}

bool watermarks_valid(const Watermarks &w)
{
	return w.low < w.high && w.high < w.critical && w.critical <= 100;
}

std::array<std::uint8_t, watermarks_size> encode_watermarks(const Watermarks &w)
{
	return {w.low, w.high, w.critical, 0};
}

} // namespace cxlcomp
