// SPDX-License-Identifier: GPL-2.0-only
// Reading and writing sysfs (and cgroupfs) attributes under an injectable
// root, so tests can run against a fake tree in a temporary directory.
#pragma once

#include "privnode/error.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace privnode {

// The log of writes under a fake root (see Sysfs::write), relative to it.
inline constexpr const char *kFakeWriteLog = ".privnode-writes";

class Sysfs {
public:
	// @root is prepended to every absolute path ("/" on a real system).
	explicit Sysfs(std::filesystem::path root = "/") : root_(std::move(root)) {}

	[[nodiscard]] std::filesystem::path real(const std::string &path) const;
	// True on a real system (root "/"), false for a fake tree.
	[[nodiscard]] bool is_real_root() const { return root_ == "/"; }
	// Enumerate CXL and dax objects through raw sysfs even on the real root,
	// not libcxl/libdaxctl (use_libcxl()), so that the two can be compared.
	void set_raw_only(bool raw) { raw_only_ = raw; }
	[[nodiscard]] bool raw_only() const { return raw_only_; }

	// The attribute's content without the trailing newline.
	[[nodiscard]] Result<std::string> read(const std::string &path) const;
	// An integer attribute, decimal or 0x-prefixed hex.
	[[nodiscard]] Result<std::uint64_t> read_u64(const std::string &path) const;
	// One write(2) of @value, as a shell "echo value > path" would do.
	// Under a fake root, every write is also appended, in order, to
	// ROOT/.privnode-writes as "PATH VALUE", so tests see the exact sequence
	// (a fake attribute only keeps its last value).
	[[nodiscard]] Status write(const std::string &path, const std::string &value) const;
	[[nodiscard]] bool exists(const std::string &path) const;
	// Names of the entries of @dir starting with @prefix, in natural order
	// (region2 before region10).
	[[nodiscard]] std::vector<std::string> list(const std::string &dir,
						    const std::string &prefix = "") const;
	// @path with every symlink resolved, relative to the root ("/sys/devices/
	// pci0000:0c/..." for "/sys/bus/cxl/devices/mem0"); "" if it does not exist.
	[[nodiscard]] std::string resolve(const std::string &path) const;
	// The last component of the symlink target, or "" if @path is no link.
	[[nodiscard]] std::string link_name(const std::string &path) const;

private:
	std::filesystem::path root_;
	bool raw_only_ = false;
};

// Natural order: compare embedded numbers by value.
[[nodiscard]] bool natural_less(const std::string &a, const std::string &b);

} // namespace privnode
