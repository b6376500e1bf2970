// SPDX-License-Identifier: GPL-2.0-only
#include "mailbox.hpp"

#include "payload.hpp"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <memory>

#define HAVE_UUID 1
#include <uuid/uuid.h>
#include <cxl/libcxl.h>

namespace cxlcomp {

namespace {

struct CtxUnref {
	void operator()(cxl_ctx *c) const { cxl_unref(c); }
};
struct CmdUnref {
	void operator()(cxl_cmd *c) const { cxl_cmd_unref(c); }
};

// libcxl's last message: the library never prints, the error tells it.
std::string &last_message()
{
	static std::string msg;
	return msg;
}

void keep_message(cxl_ctx *, int, const char *, int, const char *, const char *format, va_list args)
{
	char buf[512];
	std::vsnprintf(buf, sizeof(buf), format, args);
	std::string &msg = last_message();
	msg = buf;
	while (!msg.empty() && msg.back() == '\n')
		msg.pop_back();
}

std::unexpected<privnode::Error> fail(int err, const std::string &path, std::string what)
{
	if (!last_message().empty())
		what += " (libcxl: " + last_message() + ")";
	return privnode::fail(err, path, std::move(what));
}

} // namespace

privnode::Result<std::vector<std::uint8_t>> raw_command(const std::string &memdev, std::uint16_t opcode,
							std::span<const std::uint8_t> in,
							std::size_t out_size)
{
	const std::string name = std::filesystem::path(memdev).filename().string();
	const std::string path = "/dev/cxl/" + name;
	const std::string op = "opcode " + opcode_name(opcode);
	last_message().clear();

	cxl_ctx *c = nullptr;
	if (int rc = cxl_new(&c); rc < 0)
		return fail(-rc, path, "libcxl: cxl_new");
	const std::unique_ptr<cxl_ctx, CtxUnref> ctx(c);
	cxl_set_log_fn(c, keep_message);

	cxl_memdev *m = nullptr;
	cxl_memdev_foreach(c, m)
		if (name == cxl_memdev_get_devname(m))
			break;
	if (!m)
		return fail(ENODEV, path, "no such CXL memdev");

	const std::unique_ptr<cxl_cmd, CmdUnref> cmd(cxl_cmd_new_raw(m, opcode));
	if (!cmd)
		return fail(errno ? errno : ENOMEM, path, op + ": libcxl: cxl_cmd_new_raw");
	// libcxl takes the buffers as they are; it reads @in and writes @out
	if (!in.empty())
		if (int rc = cxl_cmd_set_input_payload(cmd.get(), const_cast<std::uint8_t *>(in.data()),
						       static_cast<int>(in.size()));
		    rc < 0)
			return fail(-rc, path, op + ": libcxl: cxl_cmd_set_input_payload");
	std::vector<std::uint8_t> out(out_size);
	if (out_size)
		if (int rc = cxl_cmd_set_output_payload(cmd.get(), out.data(), static_cast<int>(out.size()));
		    rc < 0)
			return fail(-rc, path, op + ": libcxl: cxl_cmd_set_output_payload");
	if (int rc = cxl_cmd_submit(cmd.get()); rc < 0)
		return fail(-rc, path, op);
	if (int status = cxl_cmd_get_mbox_status(cmd.get()); status != 0)
		return fail(EIO, path, op + ": device returned code " + std::to_string(status));
	const int got = cxl_cmd_get_out_size(cmd.get());
	if (got >= 0 && static_cast<std::size_t>(got) < out.size())
		out.resize(static_cast<std::size_t>(got));
	return out;
}

} // namespace cxlcomp
