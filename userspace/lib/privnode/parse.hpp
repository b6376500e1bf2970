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
// As ndctl's -u prints a size (its util/json.c display_size): "256.00 MiB
// (268.44 MB)", in MiB below 2 GiB, GiB below 2 TiB, TiB above; below
// 5000 KiB just the decimal number of bytes ("4096"), which cxl list
// prints as a JSON number.
[[nodiscard]] std::string format_size_human(std::uint64_t bytes);
// Whether format_size_human() gives more than the number of bytes.
[[nodiscard]] bool size_is_human(std::uint64_t bytes);

} // namespace privnode
