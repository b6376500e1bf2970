// SPDX-License-Identifier: GPL-2.0-only
// Helpers for the placement test programs: the NUMA system calls (through
// libnuma's thin numaif.h wrappers; libnuma's own numa_* API works from
// Mems_allowed, which never shows a private node, as privnode-libnuma
// shows), page-by-page node queries and checksummed page contents.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pn {

// A node mask as the syscalls take it: 1024 bits.
struct NodeMask {
	static constexpr unsigned long kBits = 1024;
	unsigned long bits[kBits / (8 * sizeof(unsigned long))] = {};
	void set(int node);
	// maxnode argument: the kernel reads maxnode - 1 bits.
	static constexpr unsigned long maxnode() { return kBits + 1; }
};

long sys_mbind(void *addr, size_t len, int mode, const NodeMask &mask, unsigned flags);
long sys_set_mempolicy(int mode, const NodeMask *mask);
long sys_get_mempolicy(int *mode, NodeMask *mask, void *addr, unsigned long flags);
long sys_move_pages(size_t count, void **pages, const int *nodes, int *status, int flags);
long sys_migrate_pages(int pid, const NodeMask &from, const NodeMask &to);

// An anonymous mapping of @pages pages, private or (@shared) shmem,
// unmapped on destruction.
class Mapping {
public:
	explicit Mapping(size_t pages, bool shared = false);
	~Mapping();
	Mapping(const Mapping &) = delete;
	Mapping &operator=(const Mapping &) = delete;
	char *page(size_t i) const { return base_ + i * page_size(); }
	size_t pages() const { return pages_; }
	size_t bytes() const { return pages_ * page_size(); }
	static size_t page_size();
	std::vector<void *> page_addrs() const;

private:
	char *base_;
	size_t pages_;
};

// Fill every page with a pattern derived from @seed and the page index
// (this also first-touches them); verify returns the pages that differ.
void fill(const Mapping &m, std::uint64_t seed);
std::vector<size_t> verify(const Mapping &m, std::uint64_t seed);

// The node of every page (move_pages with nodes == NULL), or -errno.
std::vector<int> where(const Mapping &m);
// Pages whose node is not @node; prints at most a few of them to stderr.
size_t count_not_on(const std::vector<int> &status, int node, const char *what);

// move_pages(2) of every page of @m to @node with @flags; @status gets
// each page's outcome. Returns the call's result (errno set when < 0).
long move_to(const Mapping &m, int node, int flags, std::vector<int> &status);

// The page frame number of each page of @m (/proc/self/pagemap, which
// shows them to CAP_SYS_ADMIN only), or nullopt with a message. frame()
// reads page @i only, and gives 0 if it is not present (swapped out, or
// being migrated).
std::optional<std::vector<std::uint64_t>> frames(const Mapping &m);
std::optional<std::uint64_t> frame(const Mapping &m, size_t i);

// Page faults of this process so far (minor and major), or -1.
long faults_so_far();

// Write @text to @path: 0, or the errno of the open or write.
int write_errno(const std::string &path, const std::string &text);

// The value of @key in the flat-keyed file @file ("key value" lines, as
// /proc/vmstat and cgroup memory.events), or -1 if it has none.
long flat_key(const std::string &file, const char *key);

// The memory.reclaim file of this task's cgroup (v2), or "" with a message
// if the task is not in a child cgroup.
std::string own_reclaim_file();

// The kB of @field ("MemUsed", "Shmem", ...) in nodeN/meminfo, or nullopt
// (and why, on stderr) when the reading cannot be taken.
std::optional<long> node_meminfo_kb(int node, const std::string &field);

// Node lists from /sys/devices/system/node/FILE ("has_memory", ...).
std::vector<int> node_state(const std::string &file);

// Print "PROGRAM: what: strerror(errno)" and return 1.
int fail_errno(const std::string &what);

// For the benchmarks: seconds since @t0 on the steady clock, and the
// median of @v (the upper one of an even count; @v must not be empty).
double seconds_since(std::chrono::steady_clock::time_point t0);
double median(std::vector<double> v);

} // namespace pn
