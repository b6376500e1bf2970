// SPDX-License-Identifier: GPL-2.0-only
// Payloads of the compressed device's vendor mailbox commands (layout in
// qemu/README.md). Pure encoding and decoding; no I/O.
#pragma once

#include "privnode/error.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cxlcomp {

inline constexpr std::uint16_t opcode_get_stats = 0xC000;
inline constexpr std::uint16_t opcode_set_watermarks = 0xC001;
// Get Compression Stats: 48 bytes; a device without the pending count
// (28h) returns the first 40.
inline constexpr std::size_t stats_size = 48;
inline constexpr std::size_t stats_min_size = 40;
inline constexpr std::size_t watermarks_size = 4;

enum class State : std::uint8_t { normal = 0, high = 1, critical = 2, full = 3 };

struct Watermarks {
	std::uint8_t low = 0, high = 0, critical = 0;
	bool operator==(const Watermarks &) const = default;
};

struct Stats {
	std::uint64_t logical_capacity = 0;
	std::uint64_t logical_used = 0;
	std::uint64_t physical_capacity = 0;
	std::uint64_t physical_used = 0;
	Watermarks watermarks;
	State state = State::normal;
	std::uint32_t lost_pages = 0; // writes the device dropped: media full
	// Pages written but not compressed yet; while not 0, logical and
	// physical used count them at the most they can cost (upper bounds).
	// Empty: the device's payload has no such count (40 bytes).
	std::optional<std::uint64_t> pending_pages;
	bool operator==(const Stats &) const = default;
};

std::string_view state_name(State s);
// "0xc000"
std::string opcode_name(std::uint16_t opcode);

// Decode a Get Compression Stats output payload (40 or more bytes; the
// pending count from 48); EPROTO if it is short or its state unknown (the error's path is left to the caller).
[[nodiscard]] privnode::Result<Stats> decode_stats(std::span<const std::uint8_t> payload);
// Encode for tests and for symmetry.
std::array<std::uint8_t, stats_size> encode_stats(const Stats &s);

// low < high < critical <= 100, as the device requires.
bool watermarks_valid(const Watermarks &w);
std::array<std::uint8_t, watermarks_size> encode_watermarks(const Watermarks &w);

} // namespace cxlcomp
