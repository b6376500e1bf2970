// SPDX-License-Identifier: GPL-2.0-only
#include "privnode/sysfs.hpp"

#include "privnode/parse.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace privnode {

std::string to_string(const Error &e)
{
	std::string s = e.path;
	if (!e.what.empty())
		s += (s.empty() ? "" : ": ") + e.what;
	if (e.err)
		s += (s.empty() ? "" : ": ") + std::string(std::strerror(e.err));
	return s;
}

fs::path Sysfs::real(const std::string &path) const
{
	return root_ / fs::path(path).relative_path();
}

Result<std::string> Sysfs::read(const std::string &path) const
{
	int fd = ::open(real(path).c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, path, "open for reading");
	std::string out;
	char buf[4096];
	for (;;) {
		ssize_t n = ::read(fd, buf, sizeof(buf));
		if (n < 0) {
			int err = errno;
			::close(fd);
			return fail(err, path, "read");
		}
		if (n == 0)
			break;
		out.append(buf, static_cast<size_t>(n));
	}
	::close(fd);
	while (!out.empty() && (out.back() == '\n' || out.back() == '\0'))
		out.pop_back();
	return out;
}

Result<std::uint64_t> Sysfs::read_u64(const std::string &path) const
{
	auto s = read(path);
	if (!s)
		return std::unexpected(s.error());
	auto v = parse_u64(*s);
	if (!v)
		return fail(EINVAL, path, "not a number: '" + *s + "'");
	return *v;
}

Status Sysfs::write(const std::string &path, const std::string &value) const
{
	// O_TRUNC as a shell redirection does; sysfs ignores it.
	int fd = ::open(real(path).c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, path, "open for writing '" + value + "'");
	const std::string data = value + "\n";
	ssize_t n = ::write(fd, data.data(), data.size());
	int err = errno;
	if (::close(fd) < 0 && n >= 0) {
		n = -1;
		err = errno;
	}
	if (n < 0)
		return fail(err, path, "write '" + value + "'");
	if (!is_real_root()) {
		std::ofstream log(root_ / kFakeWriteLog, std::ios::app);
		log << path << " " << value << "\n";
		if (!log)
			return fail(EIO, (root_ / kFakeWriteLog).string(),
				    "record the write of '" + value + "' to " + path);
	}
	return {};
}

bool Sysfs::exists(const std::string &path) const
{
	std::error_code ec;
	return fs::exists(real(path), ec);
}

std::vector<std::string> Sysfs::list(const std::string &dir, const std::string &prefix) const
{
	std::vector<std::string> names;
	std::error_code ec;
	for (const auto &e : fs::directory_iterator(real(dir), ec)) {
		std::string name = e.path().filename().string();
		if (name.compare(0, prefix.size(), prefix) == 0)
			names.push_back(std::move(name));
	}
	std::sort(names.begin(), names.end(), natural_less);
	return names;
}

std::string Sysfs::resolve(const std::string &path) const
{
	std::error_code ec;
	const fs::path abs = fs::canonical(real(path), ec);
	if (ec)
		return "";
	const fs::path root = fs::canonical(root_, ec);
	if (ec)
		return "";
	const fs::path rel = abs.lexically_relative(root);
	if (rel.empty() || *rel.begin() == "..")
		return "";
	return rel == "." ? "/" : "/" + rel.string();
}

std::string Sysfs::link_name(const std::string &path) const
{
	std::error_code ec;
	fs::path target = fs::read_symlink(real(path), ec);
	if (ec)
		return "";
	return target.filename().string();
}

bool natural_less(const std::string &a, const std::string &b)
{
	size_t i = 0, j = 0;
	while (i < a.size() && j < b.size()) {
		if (std::isdigit(static_cast<unsigned char>(a[i])) &&
		    std::isdigit(static_cast<unsigned char>(b[j]))) {
			size_t ie = i, je = j;
			while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie])))
				ie++;
			while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je])))
				je++;
			std::string na = a.substr(i, ie - i), nb = b.substr(j, je - j);
			na.erase(0, std::min(na.find_first_not_of('0'), na.size()));
			nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size()));
			if (na.size() != nb.size())
				return na.size() < nb.size();
			if (na != nb)
				return na < nb;
			i = ie;
			j = je;
		} else {
			if (a[i] != b[j])
				return a[i] < b[j];
			i++;
			j++;
		}
	}
	return a.size() - i < b.size() - j;
}

} // namespace privnode
