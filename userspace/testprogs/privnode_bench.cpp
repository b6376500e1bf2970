// SPDX-License-Identifier: GPL-2.0-only
// privnode-bench: write and read throughput of a node's memory as a ratio to
// a base node's (DRAM), measured side by side in one run: buffers bound to
// each node (MPOL_BIND, placement checked page by page), then rounds that
// alternate between the nodes, so drift of the machine hits both alike. The
// median of the rounds is reported. Works on private nodes too (raw mbind).
//
//   privnode-bench NODE [--base NODE] [--mb N] [--rounds N]
//
// Output: one line per node and pass, then one JSON object, e.g.
//   {"node":3,"base":0,"mb":16,"rounds":5,"write_mbps":..,"read_mbps":..,
//    "base_write_mbps":..,"base_read_mbps":..,"write_ratio":..,"read_ratio":..}
// Exit 0 when measured, 1 when a buffer could not be placed, 2 on bad usage.
#include "placement.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <linux/mempolicy.h>
#include <string>
#include <vector>

using namespace pn;

namespace {

int usage()
{
	std::fprintf(stderr, "usage: privnode-bench NODE [--base NODE] [--mb N] [--rounds N]\n");
	return 2;
}

// Sequential 8-byte stores of a round-dependent pattern: MB/s.
double write_pass(const Mapping &m, std::uint64_t round)
{
	auto *p = reinterpret_cast<volatile std::uint64_t *>(m.page(0));
	const size_t n = m.bytes() / sizeof(std::uint64_t);
	auto t0 = std::chrono::steady_clock::now();
	for (size_t i = 0; i < n; i++)
		p[i] = (i * 0x9e3779b97f4a7c15ull) ^ round;
	return static_cast<double>(m.bytes()) / (1 << 20) / seconds_since(t0);
}

// Sequential 8-byte loads: MB/s; the sum is checked so the loads stay.
double read_pass(const Mapping &m, std::uint64_t round, bool &ok)
{
	auto *p = reinterpret_cast<const volatile std::uint64_t *>(m.page(0));
	const size_t n = m.bytes() / sizeof(std::uint64_t);
	std::uint64_t sum = 0, want = 0;
	auto t0 = std::chrono::steady_clock::now();
	for (size_t i = 0; i < n; i++)
		sum += p[i];
	double mbps = static_cast<double>(m.bytes()) / (1 << 20) / seconds_since(t0);
	for (size_t i = 0; i < n; i++)
		want += (i * 0x9e3779b97f4a7c15ull) ^ round;
	ok = ok && sum == want;
	return mbps;
}

bool place(const Mapping &m, int node)
{
	NodeMask mask;
	mask.set(node);
	if (sys_mbind(m.page(0), m.bytes(), MPOL_BIND, mask, 0) < 0) {
		std::fprintf(stderr, "privnode-bench: mbind(MPOL_BIND) to node %d: %s\n", node,
			     std::strerror(errno));
		return false;
	}
	std::memset(m.page(0), 1, m.bytes());
	size_t off = count_not_on(where(m), node, "after first touch");
	if (off) {
		std::fprintf(stderr, "privnode-bench: %zu pages not on node %d\n", off, node);
		return false;
	}
	return true;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	char *end;
	long node = std::strtol(argv[1], &end, 10);
	if (*end || node < 0)
		return usage();
	long base = 0, mb = 16, rounds = 5;
	for (int i = 2; i < argc; i++) {
		std::string opt = argv[i];
		long *dst = opt == "--base" ? &base
			: opt == "--mb"	    ? &mb
			: opt == "--rounds" ? &rounds
					    : nullptr;
		if (!dst || i + 1 >= argc)
			return usage();
		*dst = std::strtol(argv[++i], &end, 10);
		if (*end || *dst < 0 || (dst != &base && *dst == 0))
			return usage();
	}

	const size_t pages = static_cast<size_t>(mb) * (1 << 20) / Mapping::page_size();
	Mapping on_node(pages), on_base(pages);
	if (!place(on_node, static_cast<int>(node)) || !place(on_base, static_cast<int>(base)))
		return 1;

	std::vector<double> w, r, bw, br;
	bool ok = true;
	for (long i = 0; i < rounds; i++) {
		const auto round = static_cast<std::uint64_t>(i + 1);
		bw.push_back(write_pass(on_base, round));
		w.push_back(write_pass(on_node, round));
		br.push_back(read_pass(on_base, round, ok));
		r.push_back(read_pass(on_node, round, ok));
	}
	if (!ok) {
		std::fprintf(stderr, "privnode-bench: read back different data\n");
		return 1;
	}
	const double mw = median(w), mr = median(r), mbw = median(bw), mbr = median(br);
	std::printf("node %ld: write %.1f MB/s, read %.1f MB/s\n", node, mw, mr);
	std::printf("node %ld (base): write %.1f MB/s, read %.1f MB/s\n", base, mbw, mbr);
	std::printf("{\"node\":%ld,\"base\":%ld,\"mb\":%ld,\"rounds\":%ld,"
		    "\"write_mbps\":%.1f,\"read_mbps\":%.1f,"
		    "\"base_write_mbps\":%.1f,\"base_read_mbps\":%.1f,"
		    "\"write_ratio\":%.4f,\"read_ratio\":%.4f}\n",
		    node, base, mb, rounds, mw, mr, mbw, mbr, mw / mbw, mr / mbr);
	return 0;
}
