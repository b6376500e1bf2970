// The raw mailbox path: ioctl(CXL_MEM_SEND_COMMAND, CXL_MEM_COMMAND_ID_RAW)
// on /dev/cxl/memN (needs CONFIG_CXL_MEM_RAW_COMMANDS).
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

namespace cxlcomp {

// Sends @opcode with @in to @memdev ("mem0" or a path); returns the output
// payload, or an error naming the device, the opcode and errno or the
// device's return code.
std::expected<std::vector<std::uint8_t>, std::string>
raw_command(const std::string& memdev, std::uint16_t opcode,
            std::span<const std::uint8_t> in, std::size_t out_size);

} // namespace cxlcomp
