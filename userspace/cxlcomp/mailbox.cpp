#include "mailbox.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include "payload.hpp"
#include <linux/cxl_mem.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace cxlcomp {

std::expected<std::vector<std::uint8_t>, std::string>
raw_command(const std::string& memdev, std::uint16_t opcode,
            std::span<const std::uint8_t> in, std::size_t out_size)
{
    std::string path = memdev.find('/') == std::string::npos ? "/dev/cxl/" + memdev : memdev;
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return std::unexpected(path + ": open: " + std::strerror(errno));

    std::vector<std::uint8_t> out(out_size);
    cxl_send_command cmd{};
    cmd.id = CXL_MEM_COMMAND_ID_RAW;
    cmd.raw.opcode = opcode;
    cmd.in.size = static_cast<__u32>(in.size());
    cmd.in.payload = reinterpret_cast<__u64>(in.data());
    cmd.out.size = static_cast<__s32>(out.size());
    cmd.out.payload = reinterpret_cast<__u64>(out.data());
    int rc = ::ioctl(fd, CXL_MEM_SEND_COMMAND, &cmd);
    int err = errno;
    ::close(fd);
    if (rc < 0)
        return std::unexpected(path + ": opcode " + opcode_name(opcode) + ": " + std::strerror(err) +
                               " (errno " + std::to_string(err) + ")");
    if (cmd.retval != 0)
        return std::unexpected(path + ": opcode " + opcode_name(opcode) + ": device returned code " +
                               std::to_string(cmd.retval));
    out.resize(static_cast<std::size_t>(cmd.out.size));
    return out;
}

} // namespace cxlcomp
