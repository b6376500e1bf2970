// SPDX-License-Identifier: GPL-2.0-only
// Parsers and formatters for what sysfs and users write: node lists in the
// kernel's %*pbl format, sizes with binary suffixes, integers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace privnode {

// "0-2,5" -> {0,1,2,5}; "" -> {}; nullopt on malformed input.
[[nodiscard]] std::optional<std::vector<int>> parse_nodelist(const std::string &s);
// {0,1,2,5} -> "0-2,5" (the kernel's %*pbl format).
[[nodiscard]] std::string format_nodelist(const std::vector<int> &nodes);

// Decimal or 0x-prefixed hex, surrounding whitespace allowed.
[[nodiscard]] std::optional<std::uint64_t> parse_u64(const std::string &s);

// "268435456", "256M", "256MiB", "1G", "0x10000000": binary (1024-based)
// suffixes K, M, G, T. nullopt on malformed input or overflow.
[[nodiscard]] std::optional<std::uint64_t> parse_size(const std::string &s);
// 268435456 -> "256.00 MiB" (as ndctl's -u does).
[[nodiscard]] std::string format_size_human(std::uint64_t bytes);

} // namespace privnode
