// SPDX-License-Identifier: GPL-2.0-only
#include "placement.hpp"

#include <algorithm>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <new>
#include <numaif.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

namespace pn {

void NodeMask::set(int node)
{
	bits[node / (8 * sizeof(unsigned long))] |= 1ul << (node % (8 * sizeof(unsigned long)));
}

// libnuma's numaif.h wrappers: the system calls as they are, -1 and errno
// on failure.
long sys_mbind(void *addr, size_t len, int mode, const NodeMask &mask, unsigned flags)
{
	return mbind(addr, len, mode, mask.bits, NodeMask::maxnode(), flags);
}

long sys_set_mempolicy(int mode, const NodeMask *mask)
{
	return set_mempolicy(mode, mask ? mask->bits : nullptr, mask ? NodeMask::maxnode() : 0);
}

long sys_get_mempolicy(int *mode, NodeMask *mask, void *addr, unsigned long flags)
{
	return get_mempolicy(mode, mask ? mask->bits : nullptr, mask ? NodeMask::maxnode() : 0, addr, flags);
}

long sys_move_pages(size_t count, void **pages, const int *nodes, int *status, int flags)
{
	return move_pages(0, count, pages, nodes, status, flags);
}

long sys_migrate_pages(int pid, const NodeMask &from, const NodeMask &to)
{
	return migrate_pages(pid, NodeMask::maxnode(), from.bits, to.bits);
}

size_t Mapping::page_size()
{
	static const size_t ps = static_cast<size_t>(sysconf(_SC_PAGESIZE));
	return ps;
}

Mapping::Mapping(size_t pages, bool shared) : pages_(pages)
{
	void *p = mmap(nullptr, bytes(), PROT_READ | PROT_WRITE,
		       (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		throw std::bad_alloc();
	base_ = static_cast<char *>(p);
}

Mapping::~Mapping()
{
	munmap(base_, bytes());
}

std::vector<void *> Mapping::page_addrs() const
{
	std::vector<void *> v(pages_);
	for (size_t i = 0; i < pages_; i++)
		v[i] = page(i);
	return v;
}

namespace {

std::uint64_t splitmix(std::uint64_t &x)
{
	std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void pattern(char *dst, size_t len, std::uint64_t seed, size_t index)
{
	std::uint64_t x = seed ^ (index * 0x100000001b3ull);
	for (size_t off = 0; off < len; off += sizeof(std::uint64_t)) {
		std::uint64_t v = splitmix(x);
		std::memcpy(dst + off, &v, sizeof(v));
	}
}

} // namespace

void fill(const Mapping &m, std::uint64_t seed)
{
	for (size_t i = 0; i < m.pages(); i++)
		pattern(m.page(i), Mapping::page_size(), seed, i);
}

std::vector<size_t> verify(const Mapping &m, std::uint64_t seed)
{
	std::vector<size_t> bad;
	std::vector<char> want(Mapping::page_size());
	for (size_t i = 0; i < m.pages(); i++) {
		pattern(want.data(), want.size(), seed, i);
		if (std::memcmp(want.data(), m.page(i), want.size()) != 0)
			bad.push_back(i);
	}
	return bad;
}

std::vector<int> where(const Mapping &m)
{
	auto addrs = m.page_addrs();
	std::vector<int> status(m.pages(), -EFAULT);
	if (sys_move_pages(m.pages(), addrs.data(), nullptr, status.data(), 0) < 0)
		std::fill(status.begin(), status.end(), -errno);
	return status;
}

size_t count_not_on(const std::vector<int> &status, int node, const char *what)
{
	size_t n = 0;
	for (size_t i = 0; i < status.size(); i++)
		if (status[i] != node && n++ < 3)
			std::fprintf(stderr, "%s: page %zu is on %s%d, not on node %d\n", what, i,
				     status[i] < 0 ? "error " : "node ", status[i], node);
	return n;
}

std::vector<int> node_state(const std::string &file)
{
	std::vector<int> out;
	std::ifstream in("/sys/devices/system/node/" + file);
	std::string list;
	if (!std::getline(in, list))
		return out;
	size_t pos = 0;
	while (pos < list.size()) {
		size_t end = list.find(',', pos);
		std::string part = list.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
		size_t dash = part.find('-');
		int lo = std::stoi(part.substr(0, dash));
		int hi = dash == std::string::npos ? lo : std::stoi(part.substr(dash + 1));
		for (int n = lo; n <= hi; n++)
			out.push_back(n);
		if (end == std::string::npos)
			break;
		pos = end + 1;
	}
	return out;
}

std::optional<long> node_meminfo_kb(int node, const std::string &field)
{
	const std::string path = "/sys/devices/system/node/node" + std::to_string(node) + "/meminfo";
	std::ifstream in(path);
	std::string line;
	while (std::getline(in, line)) {
		std::istringstream l(line);
		std::string w, n, key;
		long kb;
		if (l >> w >> n >> key >> kb && key == field + ":")
			return kb;
	}
	std::fprintf(stderr, "%s: %s: no %s line%s\n", program_invocation_short_name, path.c_str(),
		     field.c_str(), in.is_open() ? "" : " (cannot open)");
	return std::nullopt;
}

int fail_errno(const std::string &what)
{
	std::fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what.c_str(),
		     std::strerror(errno));
	return 1;
}

// move_pages(2) of every page of @m to @node with @flags; @status gets
// each page's outcome. Returns the call's result (errno set when < 0).
long move_to(const Mapping &m, int node, int flags, std::vector<int> &status)
{
	auto addrs = m.page_addrs();
	std::vector<int> nodes(m.pages(), node);
	status.assign(m.pages(), -1);
	return sys_move_pages(m.pages(), addrs.data(), nodes.data(), status.data(), flags);
}

// The frames of pages [@first, @first + @count) of @m, or nullopt with a
// message; with @absent_ok a page that is not present (swapped out, or
// being migrated) has frame 0.
static std::optional<std::vector<uint64_t>> frames_of(const Mapping &m, size_t first, size_t count,
						      bool absent_ok)
{
	constexpr uint64_t kPresent = 1ULL << 63, kPfnMask = (1ULL << 55) - 1;
	const char *file = "/proc/self/pagemap";
	std::vector<uint64_t> e(count);
	const int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fail_errno(std::string("open ") + file);
		return std::nullopt;
	}
	const off_t at = reinterpret_cast<uintptr_t>(m.page(first)) / Mapping::page_size() * sizeof(uint64_t);
	const ssize_t n = pread(fd, e.data(), e.size() * sizeof(uint64_t), at);
	const int err = errno;
	close(fd);
	if (n != static_cast<ssize_t>(e.size() * sizeof(uint64_t))) {
		errno = n < 0 ? err : EIO;
		fail_errno(std::string("read ") + file);
		return std::nullopt;
	}
	for (size_t i = 0; i < e.size(); i++) {
		if (absent_ok && !(e[i] & kPresent)) {
			e[i] = 0;
			continue;
		}
		if (!(e[i] & kPresent) || !(e[i] & kPfnMask)) {
			std::fprintf(stderr, "%s: page %zu %s\n", file, first + i,
				     e[i] & kPresent ? "has no frame number shown (not CAP_SYS_ADMIN?)"
						     : "is not present");
			return std::nullopt;
		}
		e[i] &= kPfnMask;
	}
	return e;
}

std::optional<std::vector<uint64_t>> frames(const Mapping &m)
{
	return frames_of(m, 0, m.pages(), false);
}

std::optional<uint64_t> frame(const Mapping &m, size_t i)
{
	auto e = frames_of(m, i, 1, true);
	if (!e)
		return std::nullopt;
	return (*e)[0];
}

long faults_so_far()
{
	struct rusage ru = {};
	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return -1;
	return ru.ru_minflt + ru.ru_majflt;
}

int write_errno(const std::string &path, const std::string &text)
{
	const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	const ssize_t n = write(fd, text.data(), text.size());
	const int err = n < 0 ? errno : 0;
	close(fd);
	return err;
}

long flat_key(const std::string &file, const char *key)
{
	FILE *f = std::fopen(file.c_str(), "r");
	char name[64];
	long v, found = -1;
	while (f && std::fscanf(f, "%63s %ld", name, &v) == 2)
		if (!std::strcmp(name, key))
			found = v;
	if (f)
		std::fclose(f);
	return found;
}

// The memory.reclaim file of this task's cgroup (v2), or "" with a message.
std::string own_reclaim_file()
{
	FILE *f = std::fopen("/proc/self/cgroup", "r");
	char line[512];
	std::string path;
	while (f && std::fgets(line, sizeof(line), f))
		if (!std::strncmp(line, "0::", 3)) {
			path = line + 3;
			path.erase(path.find_last_not_of('\n') + 1);
		}
	if (f)
		std::fclose(f);
	if (path.empty() || path == "/") {
		std::fprintf(stderr,
			     "run me in a child cgroup (v2) with the memory "
			     "controller: /proc/self/cgroup says \"%s\"\n",
			     path.c_str());
		return "";
	}
	return "/sys/fs/cgroup" + path + "/memory.reclaim";
}

double seconds_since(std::chrono::steady_clock::time_point t0)
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v)
{
	std::sort(v.begin(), v.end());
	return v[v.size() / 2];
}

} // namespace pn
