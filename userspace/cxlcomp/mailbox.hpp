// SPDX-License-Identifier: GPL-2.0-only
// The compressed device's vendor commands through libcxl's raw command
// path (cxl_cmd_new_raw(), cxl_cmd_submit(): the kernel's
// CXL_MEM_COMMAND_ID_RAW, which needs CONFIG_CXL_MEM_RAW_COMMANDS). A debug
// path: the cxl_cram driver reads the same figures in the kernel and shows
// them in sysfs.
#pragma once

#include "privnode/error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace cxlcomp {

// Sends @opcode with @in to @memdev ("mem0", or its /dev/cxl path) and
// returns the output payload (at most @out_size bytes). The error names
// /dev/cxl/MEMDEV, the opcode, and the errno, or the device's return code
// (EIO then). libcxl's own messages are kept out of stderr and added to
// the error's text.
[[nodiscard]] privnode::Result<std::vector<std::uint8_t>> raw_command(const std::string &memdev,
								      std::uint16_t opcode,
								      std::span<const std::uint8_t> in,
								      std::size_t out_size);

} // namespace cxlcomp
