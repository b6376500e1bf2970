// SPDX-License-Identifier: GPL-2.0-only
// privnode-cram: what the kernel does with pages on a cram node
// (Documentation/mm/cram.rst). Every page carries a checksum that is checked
// at the end; where pages are comes from move_pages(2), their frames from
// /proc/self/pagemap (CAP_SYS_ADMIN), faults from getrusage(2).
//
//   privnode-cram place NODE [--pages N] [--content random|text|zero] [--hold]
//   privnode-cram demote NODE [--pages N] [--content random|text|zero]
//   privnode-cram storm NODE [--pages N] [--seconds S]
//
// place fills N pages and moves them to NODE (move_pages; ENOMEM, a node
// that took only some, is not an error); it prints how many landed there
// ("placed: L of N pages on node NODE"). With --hold it
// then prints "holding" and waits for SIGTERM before it checks the
// contents, so that the caller can change the device meanwhile (a capacity
// cut moves pages off: they must come back intact from wherever they went).
//
// demote must run in a child cgroup: it fills N pages and asks the cgroup's
// memory.reclaim for half of them at a time until at least a quarter are on
// NODE (demoted) or ten rounds pass. Then: a read pass over the pages on
// NODE must take 0 page faults and move nothing; a forked child reads them
// all (intact) and writes half of them (its copies, off NODE), while the
// parent's pages stay on NODE, intact; then the parent writes one byte of
// each page on NODE: each must leave NODE for a new frame, and every
// checksum (with the new byte) must hold.
//
// storm runs, for S seconds and together: a demoter (memory.reclaim of the
// cgroup, as demote), a writer (random pages; a page on NODE before the
// write must be in another frame after it, or have faulted (cram's
// write_faults counter) and come back by demotion: no store reaches the
// node), and
// a forker (children that read random pages and exit, tearing down their
// copies of the page tables). A watchdog fails the run if any of the three
// makes no progress for 30 s (livelock). Every checksum must hold at the
// end.
#include "placement.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <linux/mempolicy.h>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace pn;

namespace {

enum class Content { Random, Text, Zero };

struct Args {
	std::string op;
	int node = -1;
	size_t pages = 4096;
	Content content = Content::Random;
	bool hold = false;
	int seconds = 30;
};

int usage()
{
	std::fprintf(stderr,
		     "usage: privnode-cram place NODE [--pages N] [--content random|text|zero] [--hold]\n"
		     "       privnode-cram demote NODE [--pages N] [--content random|text|zero]\n"
		     "       privnode-cram storm NODE [--pages N] [--seconds S]\n");
	return 2;
}

std::uint64_t fnv(const char *p, size_t n)
{
	std::uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ static_cast<unsigned char>(p[i])) * 0x100000001b3ull;
	return h;
}

// Pages of @content: random words (incompressible), text (words from a
// small vocabulary, about 2:1 or better under lz4), or zeros.
void fill_page(char *p, Content content, std::uint64_t seed)
{
	static const char *const words[] = {"memory ", "private ", "node ", "compressed ", "page ",
					    "device ", "folio ",   "the ",  "of ",	   "demotion "};
	std::mt19937_64 rng(seed);
	const size_t ps = Mapping::page_size();
	switch (content) {
	case Content::Zero:
		std::memset(p, 0, ps);
		break;
	case Content::Random:
		for (size_t off = 0; off < ps; off += sizeof(std::uint64_t)) {
			std::uint64_t v = rng();
			std::memcpy(p + off, &v, sizeof(v));
		}
		break;
	case Content::Text:
		for (size_t off = 0; off < ps;) {
			const char *w = words[rng() % std::size(words)];
			size_t n = std::min(std::strlen(w), ps - off);
			std::memcpy(p + off, w, n);
			off += n;
		}
		break;
	}
}

struct Pages {
	Mapping m;
	std::vector<std::uint64_t> sums;
	explicit Pages(size_t n, Content c) : m(n), sums(n)
	{
		for (size_t i = 0; i < n; i++) {
			fill_page(m.page(i), c, 0x5eed0000 + i);
			sums[i] = fnv(m.page(i), Mapping::page_size());
		}
	}
	size_t corrupt() const
	{
		size_t bad = 0;
		for (size_t i = 0; i < m.pages(); i++)
			bad += fnv(m.page(i), Mapping::page_size()) != sums[i];
		return bad;
	}
	// store one byte into page @i, keeping its checksum
	void write(size_t i)
	{
		volatile char *p = m.page(i);
		p[17] = static_cast<char>(p[17] + 1);
		sums[i] = fnv(m.page(i), Mapping::page_size());
	}
};

size_t count_on(const std::vector<int> &st, int node)
{
	return std::count(st.begin(), st.end(), node);
}

// Ask this cgroup's memory.reclaim for @bytes; false (with a message) if
// the file cannot be written at all (EAGAIN, "not all reclaimed", is fine).
bool reclaim(const std::string &file, size_t bytes)
{
	const std::string v = std::to_string(bytes);
	const int err = write_errno(file, v);
	if (err && err != EAGAIN) {
		errno = err;
		return fail_errno("write " + v + " to " + file), false;
	}
	return true;
}

volatile sig_atomic_t stop;

void on_term(int)
{
	stop = 1;
}

int do_place(const Args &a)
{
	Pages p(a.pages, a.content);
	std::vector<int> status;
	// a full node fails the call with ENOMEM after placing what it took
	if (move_to(p.m, a.node, MPOL_MF_MOVE, status) < 0 && errno != ENOMEM)
		return fail_errno("move_pages to node " + std::to_string(a.node));
	const size_t on = count_on(where(p.m), a.node);
	std::printf("placed: %zu of %zu pages on node %d\n", on, a.pages, a.node);
	if (a.hold) {
		std::signal(SIGTERM, on_term);
		std::printf("holding\n");
		std::fflush(stdout);
		while (!stop)
			pause();
		const size_t still = count_on(where(p.m), a.node);
		std::printf("released: %zu of %zu pages still on node %d\n", still, a.pages, a.node);
	}
	const size_t bad = p.corrupt();
	std::printf("corrupt: %zu\n", bad);
	return bad ? 1 : 0;
}

// memory.reclaim of half of @p at a time (with swap, a larger request would
// go on to reclaim what it just demoted) until a quarter of @p is on @node,
// at most ten rounds
int demote_into(const Args &a, Pages &p, const std::string &file)
{
	size_t on = 0;
	for (int round = 0; round < 10 && on < a.pages / 4; round++) {
		if (!reclaim(file, p.m.bytes() / 2))
			return -1;
		on = count_on(where(p.m), a.node);
	}
	return static_cast<int>(on);
}

int do_demote(const Args &a)
{
	const std::string file = own_reclaim_file();
	if (file.empty())
		return 1;
	// The read pass counts this process's page faults: lock what it has
	// mapped so far (text, libraries, stack, heap), or memory.reclaim of
	// its cgroup swaps some of it out and the pass faults it back in (seen
	// once: 1 fault over 995 pages that all stayed on the node). The pages
	// under test are mapped after this, unlocked.
	if (mlockall(MCL_CURRENT) != 0) {
		std::fprintf(stderr, "privnode-cram: demote: mlockall: %s\n", std::strerror(errno));
		return 1;
	}
	Pages p(a.pages, a.content);
	const int on = demote_into(a, p, file);
	if (on < 0)
		return 1;
	std::printf("demote: %d of %zu pages on node %d after memory.reclaim\n", on, a.pages, a.node);
	if (static_cast<size_t>(on) < a.pages / 4) {
		std::fprintf(stderr,
			     "privnode-cram: demote: fewer than a quarter of the pages were demoted\n");
		return 1;
	}
	// reads of the demoted pages: no fault, nothing moves
	auto st = where(p.m);
	std::vector<size_t> demoted;
	for (size_t i = 0; i < a.pages; i++)
		if (st[i] == a.node)
			demoted.push_back(i);
	const long f0 = faults_so_far();
	std::uint64_t sum = 0;
	for (size_t i : demoted)
		sum += fnv(p.m.page(i), Mapping::page_size());
	const long f1 = faults_so_far();
	const size_t still = count_on(where(p.m), a.node);
	std::printf(
		"demote: reading %zu pages on node %d took %ld page faults (%.3f per page), %zu still there "
		"(sum %llx)\n",
		demoted.size(), a.node, f1 - f0, double(f1 - f0) / double(demoted.size()), still,
		static_cast<unsigned long long>(sum));
	if (f0 < 0 || f1 != f0 || still < demoted.size()) {
		std::fprintf(stderr, "privnode-cram: demote: reads faulted or moved pages\n");
		return 1;
	}
	// bring back what went to swap, so that every page has a frame
	for (size_t i = 0; i < a.pages; i++)
		sum += static_cast<unsigned char>(*static_cast<volatile char *>(p.m.page(i)));
	auto before = frames(p.m);
	if (!before)
		return 1;
	// fork: the child reads everything and writes half of the demoted
	// pages; its copies go to DRAM, the parent's pages stay
	std::fflush(stdout);
	const pid_t pid = fork();
	if (pid < 0)
		return fail_errno("fork");
	if (pid == 0) {
		size_t bad = p.corrupt();
		for (size_t k = 0; k < demoted.size(); k += 2)
			p.write(demoted[k]);
		auto cst = where(p.m);
		size_t left = 0;
		for (size_t k = 0; k < demoted.size(); k += 2)
			left += cst[demoted[k]] != a.node;
		bad += p.corrupt();
		std::printf("demote: a forked child wrote %zu pages, %zu left node %d, %zu corrupt\n",
			    (demoted.size() + 1) / 2, left, a.node, bad);
		_exit(bad || left != (demoted.size() + 1) / 2 ? 1 : 0);
	}
	int status = 0;
	if (waitpid(pid, &status, 0) < 0)
		return fail_errno("waitpid");
	int rc = !WIFEXITED(status) || WEXITSTATUS(status) ? 1 : 0;
	const size_t kept = count_on(where(p.m), a.node);
	std::printf("demote: after the child, %zu of %zu pages on node %d, %zu corrupt\n", kept,
		    demoted.size(), a.node, p.corrupt());
	if (kept != demoted.size())
		rc = 1;
	// the parent's writes: each page leaves the node for a new frame
	for (size_t i : demoted)
		p.write(i);
	auto after = frames(p.m);
	if (!after)
		return 1;
	st = where(p.m);
	size_t moved = 0;
	for (size_t i : demoted)
		moved += st[i] != a.node && (*after)[i] != (*before)[i];
	const size_t bad = p.corrupt();
	std::printf("demote: writing %zu pages on node %d moved %zu to a new frame off it, %zu corrupt\n",
		    demoted.size(), a.node, moved, bad);
	if (moved != demoted.size() || bad)
		rc = 1;
	return rc;
}

// The node and frame of page @i of @m, or -1.
// /sys/kernel/mm/cram/nodeN/NAME, or nullopt with a message
std::optional<long> cram_counter(int node, const char *name)
{
	const std::string path = "/sys/kernel/mm/cram/node" + std::to_string(node) + "/" + name;
	FILE *f = std::fopen(path.c_str(), "re");
	long v;
	const bool ok = f && std::fscanf(f, "%ld", &v) == 1;
	if (f)
		std::fclose(f);
	if (ok)
		return v;
	std::fprintf(stderr, "privnode-cram: %s: %s\n", path.c_str(),
		     f ? "not a number" : std::strerror(errno));
	return std::nullopt;
}

int node_of(const Mapping &m, size_t i)
{
	void *addr = m.page(i);
	int status = -1;
	if (sys_move_pages(1, &addr, nullptr, &status, 0) < 0)
		return -1;
	return status;
}

int do_storm(const Args &a)
{
	const std::string file = own_reclaim_file();
	if (file.empty())
		return 1;
	Pages p(a.pages, Content::Text);
	std::mutex lock; // the writer's pages and checksums against the forker
	std::atomic<long> demotes{0}, writes{0}, forks{0}, stayed{0}, returned{0}, on_node_writes{0};
	std::atomic<bool> done{false}, failed{false};

	std::thread demoter([&] {
		while (!done) {
			if (!reclaim(file, p.m.bytes() / 4))
				failed = true;
			demotes++;
		}
	});
	// The writer is the only thread that stores to the pages (the forker's
	// children only read), so the node's write_faults counter grows across
	// a write to a page on NODE exactly when that write faulted.
	std::thread writer([&] {
		std::mt19937_64 rng(1);
		while (!done) {
			const size_t i = rng() % a.pages;
			std::lock_guard<std::mutex> g(lock);
			if (node_of(p.m, i) != a.node) {
				p.write(i);
				writes++;
				continue;
			}
			// The frame, then the node, then the frame again: the page
			// sat in that frame on the node while the node was read
			// (memory offline or eviction may move it off at any time,
			// and a store to its new frame off the node keeps it).
			const auto wf0 = cram_counter(a.node, "write_faults");
			const auto pfn0 = frame(p.m, i);
			const bool was_on = node_of(p.m, i) == a.node && pfn0 && frame(p.m, i) == pfn0;
			p.write(i);
			writes++;
			if (!was_on)
				continue;
			// the frame after, for this page only
			const auto pfn1 = frame(p.m, i);
			const auto wf1 = cram_counter(a.node, "write_faults");
			if (!pfn0 || !pfn1 || !wf0 || !wf1) {
				failed = true;
				continue;
			}
			on_node_writes++;
			if (!*pfn0 || *pfn0 != *pfn1)
				continue;
			// Same frame. With no fault, the store reached the node.
			// After a fault, the copy in DRAM was demoted back into
			// the frame it left (the node's free lists hand out the
			// frame freed last), unless cram wrote it in place, which
			// it does only when DRAM is short.
			if (*wf1 == *wf0) {
				stayed++;
				std::fprintf(stderr,
					     "privnode-cram: storm: page %zu took a write in frame %#llx on "
					     "node %d "
					     "without a write fault\n",
					     i, static_cast<unsigned long long>(*pfn1), a.node);
			} else {
				returned++;
			}
		}
	});
	std::thread forker([&] {
		while (!done) {
			pid_t pid;
			{
				std::lock_guard<std::mutex> g(lock);
				pid = fork();
			}
			if (pid == 0) {
				std::mt19937_64 rng(getpid());
				size_t bad = 0;
				for (int k = 0; k < 64; k++) {
					size_t i = rng() % a.pages;
					bad += fnv(p.m.page(i), Mapping::page_size()) != p.sums[i];
				}
				_exit(bad ? 1 : 0);
			}
			int status = 0;
			if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
			    WEXITSTATUS(status))
				failed = true;
			forks++;
		}
	});

	// the watchdog: every worker must make progress every 30 s
	long last[3] = {-1, -1, -1};
	auto since = std::chrono::steady_clock::now(), start = since;
	bool livelock = false;
	while (std::chrono::steady_clock::now() - start < std::chrono::seconds(a.seconds)) {
		std::this_thread::sleep_for(std::chrono::seconds(1));
		const long now[3] = {demotes.load(), writes.load(), forks.load()};
		if (now[0] > last[0] && now[1] > last[1] && now[2] > last[2]) {
			std::copy(now, now + 3, last);
			since = std::chrono::steady_clock::now();
		} else if (std::chrono::steady_clock::now() - since > std::chrono::seconds(30)) {
			livelock = true;
			break;
		}
	}
	done = true;
	if (livelock) {
		std::fprintf(
			stderr,
			"privnode-cram: storm: no progress for 30 s (demotes %ld, writes %ld, forks %ld): "
			"livelock\n",
			demotes.load(), writes.load(), forks.load());
		std::fflush(stderr);
		_exit(1);
	}
	demoter.join();
	writer.join();
	forker.join();
	const size_t bad = p.corrupt();
	std::printf(
		"storm: %d s: %ld memory.reclaim rounds, %ld writes (%ld to pages on node %d, %ld of them in "
		"the same frame without a fault, %ld copied and demoted back into it), %ld forks, %zu "
		"corrupt, "
		"%zu pages on node %d at the end\n",
		a.seconds, demotes.load(), writes.load(), on_node_writes.load(), a.node, stayed.load(),
		returned.load(), forks.load(), bad, count_on(where(p.m), a.node), a.node);
	if (failed || bad || stayed || !on_node_writes) {
		std::fprintf(stderr, "privnode-cram: storm: %s\n",
			     failed	      ? "a call or a child failed"
				     : bad    ? "corrupt pages"
				     : stayed ? "a write reached a page on the node without a fault"
					      : "no write hit a page on the node: this test could not tell");
		return 1;
	}
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	Args a;
	a.op = argv[1];
	char *end;
	a.node = static_cast<int>(std::strtol(argv[2], &end, 10));
	if (*end || a.node < 0)
		return usage();
	for (int i = 3; i < argc; i++) {
		std::string opt = argv[i];
		if (opt == "--pages" && i + 1 < argc) {
			a.pages = std::strtoul(argv[++i], &end, 10);
			if (*end || !a.pages)
				return usage();
		} else if (opt == "--seconds" && i + 1 < argc) {
			a.seconds = static_cast<int>(std::strtol(argv[++i], &end, 10));
			if (*end || a.seconds <= 0)
				return usage();
		} else if (opt == "--content" && i + 1 < argc) {
			std::string c = argv[++i];
			if (c == "random")
				a.content = Content::Random;
			else if (c == "text")
				a.content = Content::Text;
			else if (c == "zero")
				a.content = Content::Zero;
			else
				return usage();
		} else if (opt == "--hold") {
			a.hold = true;
		} else {
			return usage();
		}
	}
	if (a.op == "place")
		return do_place(a);
	if (a.op == "demote")
		return do_demote(a);
	if (a.op == "storm")
		return do_storm(a);
	return usage();
}
