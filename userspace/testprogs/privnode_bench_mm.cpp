// SPDX-License-Identifier: GPL-2.0-only
// privnode-bench-mm: what the private node series costs ordinary memory.
// Three workloads on node 0, run in alternating rounds so that drift of the
// machine hits all alike; the median of the rounds is reported:
//   fault  anonymous 4 KiB page faults (allocate, zero, map): mmap MB,
//          write one byte per page, munmap; faults per second
//   alloc  page allocation without zeroing: fallocate() of MB into a
//          memfd (shmem allocates the folios and does not clear them);
//          pages per second
//   free   the memfd's ftruncate() to 0 that frees those pages again (the
//          page-free path, where the series calls a node's free_folio);
//          pages per second
// The first pass of each checks that its pages were on node 0 (move_pages
// for the faults, node 0's Shmem for the memfd) and fails otherwise.
// make bench-mm runs it on the unpatched kernel and the patched one with
// 0, 1 and 8 private nodes and reports the ratios.
//
//   privnode-bench-mm [--mb N] [--iters N] [--rounds N]
//
// Output: one line per round, then one JSON object:
//   {"mb":..,"iters":..,"rounds":..,"fault_per_s":..,"alloc_pages_per_s":..,
//    "free_pages_per_s":..,"fault_rounds":[..],"alloc_rounds":[..],
//    "free_rounds":[..]}
// Exit 0 when measured, 1 on a failed system call or misplaced pages,
// 2 on bad usage.
#include "placement.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

using namespace pn;

namespace {

int usage()
{
	std::fprintf(stderr, "usage: privnode-bench-mm [--mb N] [--iters N] [--rounds N]\n");
	return 2;
}

// One fault pass: the faults per second, or a negative value on failure.
double fault_pass(size_t pages, bool check)
{
	Mapping m(pages);
	const size_t ps = Mapping::page_size();
	auto t0 = std::chrono::steady_clock::now();
	for (size_t i = 0; i < pages; i++)
		*reinterpret_cast<volatile char *>(m.page(0) + i * ps) = 1;
	double rate = static_cast<double>(pages) / seconds_since(t0);
	if (check) {
		std::vector<int> status = where(m);
		if (count_not_on(status, 0, "fault pass"))
			return -1;
	}
	return rate;
}

struct Rates {
	double alloc, free;
};

// One allocation and free pass over @fd: pages per second each, or
// nothing on failure.
std::optional<Rates> alloc_pass(int fd, size_t pages, bool check)
{
	const off_t bytes = static_cast<off_t>(pages * Mapping::page_size());
	std::optional<long> before;
	if (check && !(before = node_meminfo_kb(0, "Shmem")))
		return std::nullopt;
	auto t0 = std::chrono::steady_clock::now();
	if (fallocate(fd, 0, 0, bytes) < 0) {
		fail_errno("fallocate(memfd, " + std::to_string(bytes) + ")");
		return std::nullopt;
	}
	Rates rates{};
	rates.alloc = static_cast<double>(pages) / seconds_since(t0);
	if (check) {
		std::optional<long> after = node_meminfo_kb(0, "Shmem");
		if (!after)
			return std::nullopt;
		// Other tasks' shmem may come and go a little; ours is all of it.
		if (*after - *before < bytes / 1024 * 98 / 100) {
			std::fprintf(
				stderr,
				"privnode-bench-mm: alloc pass: node 0's Shmem grew by %ld kB, not %ld kB: "
				"the pages are not on node 0\n",
				*after - *before, static_cast<long>(bytes / 1024));
			return std::nullopt;
		}
	}
	t0 = std::chrono::steady_clock::now();
	if (ftruncate(fd, 0) < 0) {
		fail_errno("ftruncate(memfd, 0)");
		return std::nullopt;
	}
	rates.free = static_cast<double>(pages) / seconds_since(t0);
	return rates;
}

} // namespace

int main(int argc, char **argv)
{
	size_t mb = 64, iters = 4, rounds = 7;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		if (i + 1 >= argc)
			return usage();
		char *end;
		unsigned long v = std::strtoul(argv[++i], &end, 10);
		if (*end || v == 0) {
			std::fprintf(stderr, "privnode-bench-mm: %s: bad value '%s'\n", a.c_str(), argv[i]);
			return 2;
		}
		if (a == "--mb")
			mb = v;
		else if (a == "--iters")
			iters = v;
		else if (a == "--rounds")
			rounds = v;
		else
			return usage();
	}
	const size_t pages = (mb << 20) / Mapping::page_size();
	int fd = memfd_create("privnode-bench-mm", MFD_CLOEXEC);
	if (fd < 0)
		return fail_errno("memfd_create");

	std::vector<double> fault, alloc, freed;
	for (size_t r = 0; r < rounds; r++) {
		double f = 0, a = 0, fr = 0;
		for (size_t i = 0; i < iters; i++) {
			double v = fault_pass(pages, r == 0 && i == 0);
			if (v < 0)
				return 1;
			f += v;
			std::optional<Rates> ar = alloc_pass(fd, pages, r == 0 && i == 0);
			if (!ar)
				return 1;
			a += ar->alloc;
			fr += ar->free;
		}
		fault.push_back(f / static_cast<double>(iters));
		alloc.push_back(a / static_cast<double>(iters));
		freed.push_back(fr / static_cast<double>(iters));
		std::printf("round %zu: %.0f faults/s, %.0f pages/s allocated, %.0f pages/s freed\n", r + 1,
			    fault.back(), alloc.back(), freed.back());
	}
	auto list = [](const std::vector<double> &v) {
		std::string s;
		for (double x : v)
			s += (s.empty() ? "" : ",") + std::to_string(static_cast<long long>(x));
		return "[" + s + "]";
	};
	std::printf(
		"{\"mb\":%zu,\"iters\":%zu,\"rounds\":%zu,\"fault_per_s\":%.0f,\"alloc_pages_per_s\":%.0f,"
		"\"free_pages_per_s\":%.0f,\"fault_rounds\":%s,\"alloc_rounds\":%s,\"free_rounds\":%s}\n",
		mb, iters, rounds, median(fault), median(alloc), median(freed), list(fault).c_str(),
		list(alloc).c_str(), list(freed).c_str());
	return 0;
}
