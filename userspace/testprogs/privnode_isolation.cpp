// SPDX-License-Identifier: GPL-2.0-only
// privnode-isolation: ordinary memory use must never land on a private
// node. Allocates through malloc, anonymous mmap, THP and tmpfs while the
// private nodes have free memory, then checks every page's node (move_pages
// status) and that each private node's used memory did not change at all.
// Prints TAP (kselftest style); exit 0 pass, 1 fail, 4 skip.
//
//   privnode-isolation [--mb N] [--tmpfs DIR]
#include "placement.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace pn;

namespace {

int tests_run = 0, tests_failed = 0;

void result(bool ok, const std::string &what)
{
	tests_run++;
	if (!ok)
		tests_failed++;
	std::printf("%s %d - %s\n", ok ? "ok" : "not ok", tests_run, what.c_str());
	std::fflush(stdout);
}

// MemUsed of a node in kB, after folding per-CPU vmstat deltas; nullopt
// (and why, on stderr) when the reading cannot be taken.
std::optional<long> mem_used_kb(int node)
{
	if (std::FILE *f = std::fopen("/proc/sys/vm/stat_refresh", "w")) {
		std::fputs("1\n", f);
		std::fclose(f);
	}
	return node_meminfo_kb(node, "MemUsed");
}

// Both readings were taken and are equal.
bool same_reading(const std::optional<long> &a, const std::optional<long> &b)
{
	return a && b && *a == *b;
}

std::string show(const std::optional<long> &kb)
{
	return kb ? std::to_string(*kb) + " kB" : std::string("(no reading)");
}

// Pages of [addr, addr+len) that sit on one of @nodes.
size_t pages_on(char *addr, size_t len, const std::vector<int> &nodes)
{
	const size_t ps = Mapping::page_size();
	std::vector<void *> pages;
	for (size_t off = 0; off < len; off += ps)
		pages.push_back(addr + off);
	std::vector<int> status(pages.size(), -1);
	if (sys_move_pages(pages.size(), pages.data(), nullptr, status.data(), 0) < 0)
		return pages.size(); // cannot tell: count as misplaced
	return std::count_if(status.begin(), status.end(), [&](int s) {
		return s < 0 || std::find(nodes.begin(), nodes.end(), s) != nodes.end();
	});
}

void touch(char *p, size_t len)
{
	for (size_t off = 0; off < len; off += Mapping::page_size())
		p[off] = static_cast<char>(off >> 12);
}

} // namespace

int main(int argc, char **argv)
{
	size_t mb = 64;
	std::string tmpfs = "/dev/shm";
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		if (a == "--mb" && i + 1 < argc)
			mb = std::strtoul(argv[++i], nullptr, 10);
		else if (a == "--tmpfs" && i + 1 < argc)
			tmpfs = argv[++i];
		else {
			std::fprintf(stderr, "usage: privnode-isolation [--mb N] [--tmpfs DIR]\n");
			return 2;
		}
	}
	std::printf("TAP version 13\n");
	const std::vector<int> priv = node_state("has_private_memory");
	if (priv.empty()) {
		std::printf("1..0 # SKIP no private node (has_private_memory missing or empty)\n");
		return 4;
	}
	std::printf("1..6\n");
	std::vector<std::optional<long>> before;
	for (int n : priv)
		before.push_back(mem_used_kb(n));

	const size_t len = mb << 20;
	char *heap = static_cast<char *>(std::malloc(len));
	if (heap)
		touch(heap, len);
	result(heap && pages_on(heap, len, priv) == 0, "malloc'd memory is not on a private node");

	char *anon = static_cast<char *>(
		mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	if (anon != MAP_FAILED)
		touch(anon, len);
	result(anon != MAP_FAILED && pages_on(anon, len, priv) == 0,
	       "anonymous mmap memory is not on a private node");

	const size_t huge = 2u << 20;
	char *raw = static_cast<char *>(
		mmap(nullptr, len + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	char *thp = reinterpret_cast<char *>((reinterpret_cast<uintptr_t>(raw) + huge - 1) & ~(huge - 1));
	if (raw != MAP_FAILED) {
		madvise(thp, len, MADV_HUGEPAGE);
		touch(thp, len);
	}
	result(raw != MAP_FAILED && pages_on(thp, len, priv) == 0,
	       "THP (MADV_HUGEPAGE) memory is not on a private node");

	const std::string path = tmpfs + "/privnode-isolation";
	int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
	bool tmpfs_ok = fd >= 0 && ftruncate(fd, static_cast<off_t>(len)) == 0;
	char *shm = tmpfs_ok
		? static_cast<char *>(mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0))
		: static_cast<char *>(MAP_FAILED);
	if (shm != MAP_FAILED)
		touch(shm, len);
	result(shm != MAP_FAILED && pages_on(shm, len, priv) == 0,
	       "tmpfs pages (" + path + ") are not on a private node");

	// Many small kernel objects: dentries and inodes of empty files.
	const std::string dir = tmpfs + "/privnode-isolation.d";
	mkdir(dir.c_str(), 0700);
	for (int i = 0; i < 20000; i++) {
		int f = open((dir + "/" + std::to_string(i)).c_str(), O_CREAT | O_WRONLY, 0600);
		if (f >= 0)
			close(f);
	}
	bool same = true;
	for (size_t i = 0; i < priv.size(); i++) {
		const auto now = mem_used_kb(priv[i]);
		std::printf("# node %d MemUsed %s before, %s after\n", priv[i], show(before[i]).c_str(),
			    show(now).c_str());
		same = same && same_reading(before[i], now);
	}
	result(same, "private nodes' MemUsed unchanged exactly (slab from 20000 files included)");

	for (int i = 0; i < 20000; i++)
		unlink((dir + "/" + std::to_string(i)).c_str());
	rmdir(dir.c_str());
	if (fd >= 0) {
		munmap(shm, len);
		close(fd);
		unlink(path.c_str());
	}
	bool back = true;
	for (size_t i = 0; i < priv.size(); i++)
		back = back && same_reading(before[i], mem_used_kb(priv[i]));
	result(back, "private nodes' MemUsed unchanged after cleanup");
	std::printf("# %d tests, %d failed\n", tests_run, tests_failed);
	return tests_failed ? 1 : 0;
}
