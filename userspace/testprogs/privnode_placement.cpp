// SPDX-License-Identifier: GPL-2.0-only
// privnode-placement: put memory on a NUMA node with one of the kernel's
// placement interfaces and verify, page by page, where it landed and that
// its contents survived. Works on any node; meant for private nodes.
//
//   privnode-placement mbind|set-mempolicy|move-pages|migrate-pages NODE
//                      [--pages N] [--expect-errno NAME]
//   privnode-placement hot-remove NODE --remove-file PATH|--remove-cmd CMD
//                      [--pages N]
//   privnode-placement mbind-spread NODE,NODE[,...] [--pages N]
//   privnode-placement hold NODE [--pages N]
//   privnode-placement fork NODE [--pages N]
//   privnode-placement mbind-move NODE [--pages N]
//   privnode-placement with-policy NODE,NODE[,...] CMD [ARG...]
//   privnode-placement collapse NODE
//   privnode-placement split NODE
//   privnode-placement hwpoison NODE [--soft] [--pages N]
//   privnode-placement stale NODE --remove-cmd CMD [--pages N]
//   privnode-placement home-node NODE,OTHER [--pages N]
//   privnode-placement overfill NODE [--pages N]
//   privnode-placement pageout NODE [--pages N]
//   privnode-placement ksm NODE [--pages N]
//   privnode-placement numa-balance NODE [--pages N]
//   privnode-placement move-shared NODE [--pages N]
//   privnode-placement swap-readahead NODE [--pages N]
//   privnode-placement capture NODE --alloc-file PATH [--pages N]
//   privnode-placement demote NODE [--demotes [--then-max BYTES]] [--pressure|--limit]
//                      [--pages N]
//   privnode-placement foreign-fault NODE --remove-cmd CMD [--pages N]
//   privnode-placement protect-write NODE [--stays|--in-place|--sigbus] [--pin-file PATH] [--pages N]
//   privnode-placement protect-write-nomem NODE --cgroup NAME [--pages N]
//   privnode-placement move-shmem NODE [--stays] [--pages N]
//
// hot-remove binds pages to NODE, fills and verifies them there, then writes
// NODE to PATH (a driver's remove file) or runs CMD (sh -c, e.g.
// "privnodectl destroy-region region0") while they are in use. Either that
// succeeds and every page has left NODE, or it fails (a write with EBUSY,
// a command with a non-zero status) and every page is still on NODE; in
// both cases the contents must be intact.
//
// mbind-spread binds pages to several nodes (MPOL_BIND) and passes when every
// page is on one of them, each of them holds some, and the contents are
// intact: give it more pages than the first node has free.
//
// stale binds pages to NODE (mbind, not touched yet), runs CMD (sh -c),
// which takes the node's mempolicy opt-in away (ops cleared, or the node
// removed and added again with other ops), then touches the pages: none may
// land on NODE, and all must be intact.
//
// collapse binds 4 MiB to NODE as small pages (MADV_NOHUGEPAGE while they
// are touched), then asks MADV_COLLAPSE for the 2 MiB inside: on a private
// node that must fail with EINVAL, and every page must still be on NODE and
// intact.
//
// split binds 4 MiB with MADV_HUGEPAGE to NODE and fills it, which must make
// a huge page there (AnonHugePages, or the test could not tell), then has
// the kernel split the 2 MiB inside through the split_huge_pages debugfs
// file: AnonHugePages must drop, and every page must still be on NODE and
// intact. The caller sees from the owner's count that folio_split ran.
//
// hwpoison binds one page and N more to NODE, fills them, and poisons the
// one with madvise(MADV_HWPOISON) (memory_failure(), which needs
// CONFIG_MEMORY_FAILURE and CAP_SYS_ADMIN). It prints the page's frame
// number (pfn=, from /proc/self/pagemap) for the caller to compare with
// what the node's owner was told; reading the page again must raise SIGBUS
// (BUS_MCEERR_AR), and the N others must stay on NODE, intact. With
// --soft it soft-offlines the page instead (MADV_SOFT_OFFLINE): the data
// must move off NODE, intact, with no signal.
//
// with-policy sets the task policy MPOL_BIND of the nodes and executes
// CMD under it (the policy is inherited across exec).
//
// mbind-move fills pages where they first land (an ordinary node), then
// mbind(MPOL_BIND, NODE, MPOL_MF_MOVE) migrates them: every page must be on
// NODE and intact.
//
// hold binds pages to NODE, fills them, checks they are there, prints
// "holding N pages on node NODE" and waits to be killed: a bystander.
//
// home-node binds pages to private NODE and asks for private node OTHER,
// which the policy does not name, as their home node
// (set_mempolicy_home_node(2)): that must fail with EINVAL, NODE itself must
// be accepted, and every page must then land on NODE.
//
// overfill binds more pages to NODE than it has and writes them one by one.
// Running out of the node must fail this task's fault (SIGBUS), not kill
// others: it exits 0 on SIGBUS, after printing how many pages it wrote, and
// 1 if every page was written (the node was not full).
//
// pageout first checks that MADV_PAGEOUT works at all: pages bound to an
// ordinary node must mostly leave memory (swap; the caller sets it up).
// Then it binds pages to NODE, fills them, and asks MADV_COLD and
// MADV_PAGEOUT for them: a private node without the reclaim opt-in keeps
// every page, resident and intact.
//
// ksm fills three mappings with the same contents page for page: A bound to
// NODE, B and C on an ordinary node, all MADV_MERGEABLE, and waits for four
// full KSM scans (the caller starts ksmd). B and C must merge (pages_sharing
// grows by at least half the pages, or the test could not tell), A never:
// every page of A still on NODE and intact, no page of B or C on NODE.
//
// numa-balance moves pages to NODE (move_pages, no policy) and reads them,
// and as many ordinary pages, in a busy loop for 20 s while NUMA balancing
// runs (the caller turns it on; it scans by CPU time): the ordinary pages must take hinting faults (or the
// test could not tell), the pages on NODE must stay there.
//
// numa-promote is numa-balance for a node that opted in: the pages on NODE
// are read in a busy loop until NUMA balancing has moved them all to this
// CPU's node (30 s at most). At least 90% must have left, intact, and
// numa_pages_migrated must have grown by as many.
//
// With --reclaims (the node's owner opened reclaim), pageout expects most of
// NODE's pages to go to swap and every one to come back to NODE, intact, when
// read; overfill expects every page to be written (pages go to swap instead
// of a SIGBUS), intact when read back, each on NODE or in swap.
//
// compact binds pages to NODE, frees every other one, writes 1 to
// nodeNODE/compact and checks that the pages left are still on NODE,
// intact; the caller sees from the owner's folio_migrate count whether
// compaction moved them.
//
// pin moves pages to NODE and pins them all with FOLL_LONGTERM (io_uring
// fixed buffer registration). While pinned, every page must have left NODE
// for an ordinary node (or, with --stays, every page must still be on NODE),
// intact.
//
// demote fills pages on the first ordinary node, then has them reclaimed:
// through its cgroup's memory.reclaim (half of them; run it in a child
// cgroup; memcg reclaim may then page some of the demoted pages out again),
// or with --pressure by filling that node past its free memory,
// so its kswapd and direct reclaim run, or with --limit by its cgroup's
// memory.max (set by the caller) while it fills them. Every page must read
// back intact,
// wherever it went. With --demotes pgdemote_kswapd + pgdemote_direct must
// have grown by at least a quarter of the pages, and some must be on NODE;
// without,
// none may be on NODE and at least a quarter must have gone to swap (or the
// test could not tell). With --then-max, after demotion through
// memory.reclaim it sets its cgroup's memory.max to BYTES: the cgroup's
// limit reclaim must take some of its pages on NODE (to swap), not fail
// and OOM-kill it, and every page must read back intact.
//
// foreign-fault pages out its pages (no policy), then runs CMD (sh -c),
// which faults them in from another task whose task policy names NODE,
// e.g. "privnode-placement with-policy NODE swapoff /dev/zram0": a task's
// private policy covers its own memory only, so every page must come back
// off NODE, intact.
//
// protect-write first makes a huge page (MADV_HUGEPAGE) and moves it to
// NODE: on a node that write-protects it must arrive split (AnonHugePages
// 0). Then it moves eight sets of N pages to NODE (move_pages) and reads
// them all: that must take no page fault (getrusage) and leave every page
// where it is. Then it writes each set a different way: plain stores;
// stores after mprotect() took write permission away and gave it back;
// process_vm_writev() into its own pages (GUP, FOLL_WRITE); a write to
// /proc/self/mem while the pages are PROT_READ (GUP, FOLL_FORCE); read(2)
// from a pipe (copy_to_user); after a forked child wrote its copies (which
// always leave NODE, copy-on-write) and the parent's pages were checked
// unchanged on NODE, stores by the parent while the child lives; stores by
// the parent while a child shares the pages (copy-on-write), then by the
// child; and, with --pin-file (the test driver's pin file), stores to pages
// the driver pinned read-only. On a node that write-protects (protect_write,
// copying), every page written must have left NODE for a new frame
// (/proc/self/pagemap, so it needs CAP_SYS_ADMIN) with the new contents,
// except pinned pages, which cannot be copied: those writes land in place.
// With --stays (no protect_write, or an owner that writes in place) every
// write must land in place: same frame, still on NODE, new contents (but
// copy-on-write copies pages still shared). --in-place (an owner whose
// handle_fault writes in place) is --stays, except that the /proc/self/mem
// write must still leave NODE: FOLL_FORCE into a read-only mapping always
// copies. It prints "pages written in place or promoted: M" and "pages
// written while pinned: K" for the caller to compare with the owner's counts
// of write faults.
//
// protect-write --sigbus (an owner that fails every write): stores must
// raise SIGBUS and read(2) into the pages fail, every page keeping its frame
// and contents; a /proc/self/mem write (FOLL_FORCE, not asked) still copies.
//
// protect-write-nomem moves N pages to NODE, then moves itself into the
// child cgroup NAME (no swap), sets its memory.max a few pages above its
// memory.current and writes them all. The copies, charged there, find no
// memory: the writes must land in place, with no OOM kill (memory.events),
// and the contents must be the new ones.
//
// move-shmem moves the pages of a shared anonymous mapping (shmem) to NODE
// with move_pages(2): a node that write-protects takes anonymous memory
// only, so every page must stay where it was, with a status of -EINVAL;
// with --stays (a node that does not) every page must land on NODE. The
// contents must be intact.
//
// capture moves more small pages to NODE than it holds, frees those that
// landed there in every other run of 32 page frames (/proc/self/pagemap,
// so it needs CAP_SYS_ADMIN), and checks that no free pageblock is left on NODE
// (/proc/buddyinfo). It then asks the test driver (PATH, its alloc file)
// for a pageblock-order page with __GFP_THISNODE on NODE: without
// __GFP_PRIVATE ("huge-plain") that must fail with ENOMEM, 4 times out of
// 4, as direct compaction may not hand it a page it freed on NODE; with it
// ("huge-private") it must then succeed within 4 tries (compaction of NODE
// made the page: the caller gave NODE the compaction opt-in). Free
// pageblocks on NODE are first taken by the driver (huge-private). If
// huge-private fails, nodeNODE/compact is written and the round repeated,
// up to 3 rounds; if it never succeeds, the test could not tell. The kept
// pages must be intact; the caller frees the driver's pages.
//
// swap-readahead pages out, alternately, one page of Y, bound to NODE, and
// one of X, which has no policy, so that they sit side by side on swap; a
// child keeps every entry shared, so swap-in goes through the swap cache.
// Reading a priming range sequentially must read pages ahead (the caller
// turns vma_ra_enabled off, so the readahead is swap_cluster_readahead()),
// or the test could not tell. Then reading Y back must not read X's pages
// ahead onto NODE (its neighbour's policy is not its own), and Y's pages
// must come back to NODE, all but the few the priming range read ahead.
//
// move-shared fills pages, forks a child that keeps them mapped (so every
// page is shared), then asks move_pages(MPOL_MF_MOVE_ALL) and migrate_pages
// (as root: move all) to put them on NODE: pages other tasks map never move
// onto a private node, so every page must stay where it was, intact.
//
// Exit status 0 when everything was verified (or, with --expect-errno, when
// the placement call failed with exactly that errno and nothing moved), 1
// otherwise, 2 on bad usage.
#include "placement.hpp"

#include <algorithm>
#include <memory>
#include <atomic>
#include <cerrno>
#include <csetjmp>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/mempolicy.h>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sched.h>
#include <unistd.h>

using namespace pn;

namespace {

const std::map<std::string, int> kErrnos = {
	{"EINVAL", EINVAL}, {"ENODEV", ENODEV}, {"EPERM", EPERM},   {"EACCES", EACCES},
	{"ENOMEM", ENOMEM}, {"EBUSY", EBUSY},	{"ENOENT", ENOENT}, {"EXDEV", EXDEV},
};

constexpr std::uint64_t kSeed = 0x70726976ull; // arbitrary, fixed: reruns compare alike

struct Args {
	std::string op;
	int node = -1;
	size_t pages = 256;
	int expect_errno = 0;
	std::string remove_file;
	std::string remove_cmd;
	std::string alloc_file; // capture: the test driver's alloc file
	std::vector<int> nodes; // mbind-spread
	bool stays = false; // pin: the pinned pages stay on the node; protect-write: writes land in place
	bool reclaims = false; // pageout, overfill: the node's owner opened reclaim
	bool demotes = false; // demote: reclaim must demote to the node
	bool pressure = false; // demote: by filling the ordinary node, not memory.reclaim
	bool limit = false; // demote: by the cgroup's memory.max, while filling
	bool soft = false; // hwpoison: MADV_SOFT_OFFLINE instead
	bool in_place = false; // protect-write: the owner writes in place (but FOLL_FORCE copies)
	bool sigbus = false; // protect-write: the owner fails every write
	std::string pin_file; // protect-write: the test driver's pin file
	std::string cgroup; // protect-write-nomem: the cgroup to write from
	unsigned long then_max = 0; // demote --demotes: then set memory.max to this

	// The same request, for a check that expects success.
	Args expecting_success() const
	{
		Args b = *this;
		b.expect_errno = 0;
		return b;
	}
};

int usage()
{
	std::fprintf(
		stderr,
		"usage: privnode-placement mbind|set-mempolicy|move-pages|migrate-pages NODE "
		"[--pages N] [--expect-errno NAME]\n"
		"       privnode-placement hot-remove NODE --remove-file PATH|--remove-cmd CMD "
		"[--pages N]\n"
		"       privnode-placement mbind-spread NODE,NODE[,...] [--pages N]\n"
		"       privnode-placement hold|overfill|mbind-move|collapse|split|fork NODE [--pages N]\n"
		"       privnode-placement hwpoison NODE [--soft] [--pages N]\n"
		"       privnode-placement home-node NODE,OTHER [--pages N]\n"
		"       privnode-placement with-policy NODE,NODE[,...] CMD [ARG...]\n"
		"       privnode-placement stale NODE --remove-cmd CMD [--pages N]\n"
		"       privnode-placement pageout|ksm|numa-balance|numa-promote|move-shared NODE "
		"[--pages N]\n"
		"       privnode-placement pin NODE [--stays] [--pages N]\n"
		"       privnode-placement pageout|overfill NODE --reclaims [--pages N]\n"
		"       privnode-placement compact|swap-readahead NODE [--pages N]\n"
		"       privnode-placement capture NODE --alloc-file PATH [--pages N]\n"
		"       privnode-placement demote NODE [--demotes [--then-max BYTES]] [--pressure|--limit] "
		"[--pages N]\n"
		"       privnode-placement foreign-fault NODE --remove-cmd CMD [--pages N]\n"
		"       privnode-placement protect-write NODE [--stays|--in-place|--sigbus] [--pin-file "
		"PATH] "
		"[--pages N]\n"
		"       privnode-placement protect-write-nomem NODE --cgroup NAME [--pages N]\n"
		"       privnode-placement move-shmem NODE [--stays] [--pages N]\n");
	return 2;
}

// The placement call failed: fine if that failure was expected.
int refused(const Args &a, const char *call)
{
	int err = errno;
	if (a.expect_errno && err == a.expect_errno) {
		std::printf("%s: %s onto node %d refused with %s, as expected\n", a.op.c_str(), call, a.node,
			    std::strerror(err));
		return 0;
	}
	std::fprintf(stderr, "privnode-placement: %s: %s onto node %d: %s\n", a.op.c_str(), call, a.node,
		     std::strerror(err));
	return 1;
}

// After a successful placement: the pages must be on the node, intact.
int check(const Args &a, const Mapping &m, int node, const char *phase)
{
	if (a.expect_errno) {
		std::fprintf(stderr, "privnode-placement: %s: expected %s but the call succeeded\n",
			     a.op.c_str(), std::strerror(a.expect_errno));
		return 1;
	}
	size_t off = count_not_on(where(m), node, phase);
	auto bad = verify(m, kSeed);
	if (off || !bad.empty()) {
		std::fprintf(stderr,
			     "privnode-placement: %s: %s: %zu of %zu pages not on node %d, %zu corrupt\n",
			     a.op.c_str(), phase, off, m.pages(), node, bad.size());
		return 1;
	}
	std::printf("%s: %s: %zu pages on node %d, contents intact\n", a.op.c_str(), phase, m.pages(), node);
	return 0;
}

// Bind all of @m to @node alone (MPOL_BIND, nothing touched); false, with
// errno set, if the kernel refused.
bool bind_to(const Mapping &m, int node)
{
	NodeMask mask;
	mask.set(node);
	return sys_mbind(m.page(0), m.bytes(), MPOL_BIND, mask, 0) == 0;
}

// Bind @m to the node, fill it and check it is all there, intact: 0, or
// the exit status of the failure.
int place_bound(const Args &a, const Mapping &m)
{
	if (!bind_to(m, a.node))
		return refused(a, "mbind(MPOL_BIND)");
	fill(m, kSeed);
	return check(a, m, a.node, "bound there");
}

// The node the first page of @m is on now.
int home_of(const Mapping &m)
{
	return where(m)[0];
}

int do_mbind(const Args &a)
{
	Mapping m(a.pages);
	if (!bind_to(m, a.node))
		return refused(a, "mbind(MPOL_BIND)");
	fill(m, kSeed);
	int mode = -1, node = -1;
	if (sys_get_mempolicy(&node, nullptr, m.page(m.pages() - 1), MPOL_F_NODE | MPOL_F_ADDR) < 0)
		return fail_errno("get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR)");
	if (node != a.node) {
		std::fprintf(stderr, "privnode-placement: get_mempolicy says the last page is on node %d\n",
			     node);
		return 1;
	}
	NodeMask got;
	if (sys_get_mempolicy(&mode, &got, m.page(0), MPOL_F_ADDR) < 0)
		return fail_errno("get_mempolicy(MPOL_F_ADDR)");
	if (mode != MPOL_BIND) {
		std::fprintf(stderr, "privnode-placement: the VMA policy reads back as mode %d\n", mode);
		return 1;
	}
	return check(a, m, a.node, "first touch after mbind");
}

int do_set_mempolicy(const Args &a)
{
	NodeMask mask;
	mask.set(a.node);
	if (sys_set_mempolicy(MPOL_BIND, &mask) < 0)
		return refused(a, "set_mempolicy(MPOL_BIND)");
	Mapping m(a.pages);
	fill(m, kSeed);
	if (sys_set_mempolicy(MPOL_DEFAULT, nullptr) < 0)
		return fail_errno("set_mempolicy(MPOL_DEFAULT)");
	return check(a, m, a.node, "first touch under set_mempolicy");
}

int do_move_pages(const Args &a)
{
	Mapping m(a.pages);
	fill(m, kSeed);
	const int home = home_of(m);
	std::vector<int> status;
	if (move_to(m, a.node, MPOL_MF_MOVE, status) < 0)
		return refused(a, "move_pages");
	// move_pages succeeds as a call even when single pages cannot move.
	if (a.expect_errno) {
		size_t ok = 0;
		for (int s : status)
			ok += s == a.node;
		if (ok == 0 && status[0] == -a.expect_errno) {
			std::printf("%s: every page refused with %s, as expected\n", a.op.c_str(),
				    std::strerror(a.expect_errno));
			return check(a.expecting_success(), m, home, "pages left at home");
		}
		std::fprintf(stderr, "privnode-placement: move-pages: %zu pages moved, status[0]=%d\n", ok,
			     status[0]);
		return 1;
	}
	if (int rc = check(a, m, a.node, "moved there"); rc)
		return rc;
	if (move_to(m, home, MPOL_MF_MOVE, status) < 0)
		return fail_errno("move_pages back");
	return check(a, m, home, "moved back");
}

int do_migrate_pages(const Args &a)
{
	Mapping m(a.pages);
	fill(m, kSeed);
	const int home = home_of(m);
	NodeMask from, to;
	from.set(home);
	to.set(a.node);
	long left = sys_migrate_pages(0, from, to);
	if (left < 0)
		return refused(a, "migrate_pages");
	if (left > 0)
		std::fprintf(stderr, "privnode-placement: migrate_pages left %ld pages behind\n", left);
	if (int rc = check(a, m, a.node, "migrated there"); rc)
		return rc;
	if (sys_migrate_pages(0, to, from) < 0)
		return fail_errno("migrate_pages back");
	return check(a, m, home, "migrated back");
}

int do_mbind_spread(const Args &a)
{
	Mapping m(a.pages);
	NodeMask mask;
	for (int n : a.nodes)
		mask.set(n);
	if (sys_mbind(m.page(0), m.bytes(), MPOL_BIND, mask, 0) < 0)
		return refused(a, "mbind(MPOL_BIND) of several nodes");
	fill(m, kSeed);
	std::map<int, size_t> per_node;
	for (int st : where(m))
		per_node[st]++;
	auto bad = verify(m, kSeed);
	int rc = bad.empty() ? 0 : 1;
	for (const auto &[node, count] : per_node) {
		bool listed = std::find(a.nodes.begin(), a.nodes.end(), node) != a.nodes.end();
		std::printf("mbind-spread: %zu pages on node %d%s\n", count, node,
			    listed ? "" : " (not in the policy!)");
		if (!listed)
			rc = 1;
	}
	for (int n : a.nodes)
		if (!per_node.count(n)) {
			std::fprintf(stderr, "privnode-placement: mbind-spread: no page on node %d\n", n);
			rc = 1;
		}
	if (!bad.empty())
		std::fprintf(stderr, "privnode-placement: mbind-spread: %zu pages corrupt\n", bad.size());
	return rc;
}

int do_hot_remove(const Args &a)
{
	if (a.remove_file.empty() == a.remove_cmd.empty())
		return usage();
	Mapping m(a.pages);
	if (int rc = place_bound(a, m); rc)
		return rc;

	// refused: what the removal said when it failed, "" when it worked
	std::string refused_how;
	bool refusal_ok = true; // a refusal of the expected kind
	if (!a.remove_file.empty()) {
		int fd = open(a.remove_file.c_str(), O_WRONLY);
		if (fd < 0)
			return fail_errno("open " + a.remove_file);
		std::string val = std::to_string(a.node) + "\n";
		ssize_t n = write(fd, val.data(), val.size());
		int err = errno;
		close(fd);
		if (n < 0) {
			refused_how = a.remove_file + ": write " + std::to_string(a.node) + ": " +
				std::strerror(err);
			refusal_ok = err == EBUSY;
		}
	} else {
		std::fflush(stdout);
		int st = std::system(a.remove_cmd.c_str());
		if (st != 0)
			refused_how = "'" + a.remove_cmd + "' exited with status " + std::to_string(st);
	}

	auto bad = verify(m, kSeed);
	if (!refused_how.empty()) {
		std::printf("hot-remove: refused: %s\n", refused_how.c_str());
		size_t off = count_not_on(where(m), a.node, "after a refused removal");
		if (off || !bad.empty() || !refusal_ok) {
			std::fprintf(
				stderr,
				"privnode-placement: hot-remove refused (%s): %zu pages moved, %zu corrupt\n",
				refused_how.c_str(), off, bad.size());
			return 1;
		}
		return 0;
	}
	size_t still = 0;
	for (int st : where(m))
		still += st == a.node;
	if (still || !bad.empty()) {
		std::fprintf(stderr,
			     "privnode-placement: hot-remove: %zu pages still on node %d, %zu corrupt\n",
			     still, a.node, bad.size());
		return 1;
	}
	std::printf("hot-remove: node %d removed; %zu pages migrated off it, contents intact\n", a.node,
		    m.pages());
	return 0;
}

int do_stale(const Args &a)
{
	if (a.remove_cmd.empty())
		return usage();
	Mapping m(a.pages);
	if (!bind_to(m, a.node))
		return refused(a, "mbind(MPOL_BIND)");
	std::fflush(stdout);
	if (int st = std::system(a.remove_cmd.c_str()); st != 0) {
		std::fprintf(stderr, "privnode-placement: stale: '%s' exited with status %d\n",
			     a.remove_cmd.c_str(), st);
		return 1;
	}
	fill(m, kSeed);
	size_t on = 0;
	for (int st : where(m))
		on += st == a.node;
	auto bad = verify(m, kSeed);
	if (on || !bad.empty()) {
		std::fprintf(stderr, "privnode-placement: stale: %zu of %zu pages on node %d, %zu corrupt\n",
			     on, m.pages(), a.node, bad.size());
		return 1;
	}
	std::printf("stale: no page on node %d after its opt-in went, contents intact\n", a.node);
	return 0;
}

constexpr size_t kHuge = 2u << 20; // a PMD-sized huge page on x86-64

// The first kHuge-aligned address in @m (which must span 2 * kHuge).
char *huge_aligned(const Mapping &m)
{
	auto base = reinterpret_cast<std::uintptr_t>(m.page(0));
	return reinterpret_cast<char *>((base + kHuge - 1) & ~(kHuge - 1));
}

int do_collapse(const Args &a)
{
	Mapping m(2 * kHuge / Mapping::page_size());
	char *huge = huge_aligned(m);
	if (madvise(m.page(0), m.bytes(), MADV_NOHUGEPAGE) < 0)
		return fail_errno("madvise(MADV_NOHUGEPAGE)");
	if (!bind_to(m, a.node))
		return refused(a, "mbind(MPOL_BIND)");
	fill(m, kSeed);
	if (int rc = check(a, m, a.node, "bound there as small pages"); rc)
		return rc;
	if (madvise(m.page(0), m.bytes(), MADV_HUGEPAGE) < 0)
		return fail_errno("madvise(MADV_HUGEPAGE)");
	constexpr int kMadvCollapse = 25; // MADV_COLLAPSE, newer than some libc headers
	if (madvise(huge, kHuge, kMadvCollapse) == 0) {
		std::fprintf(stderr,
			     "privnode-placement: collapse: MADV_COLLAPSE of pages on node %d worked\n",
			     a.node);
		return 1;
	}
	int err = errno;
	std::printf("collapse: MADV_COLLAPSE failed with %s\n", std::strerror(err));
	if (err != EINVAL) {
		std::fprintf(stderr, "privnode-placement: collapse: want EINVAL, got %s\n",
			     std::strerror(err));
		return 1;
	}
	return check(a, m, a.node, "after the refused collapse");
}

// kB of AnonHugePages in this task (/proc/self/smaps_rollup), or -1.
long anon_huge_kb()
{
	FILE *f = std::fopen("/proc/self/smaps_rollup", "r");
	char line[256];
	long kb = -1;
	while (f && std::fgets(line, sizeof(line), f))
		if (std::sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	if (f)
		std::fclose(f);
	return kb;
}

int do_split(const Args &a)
{
	Mapping m(2 * kHuge / Mapping::page_size());
	char *huge = huge_aligned(m);
	if (madvise(m.page(0), m.bytes(), MADV_HUGEPAGE) < 0)
		return fail_errno("madvise(MADV_HUGEPAGE)");
	if (!bind_to(m, a.node))
		return refused(a, "mbind(MPOL_BIND)");
	fill(m, kSeed);
	if (int rc = check(a, m, a.node, "bound there"); rc)
		return rc;
	const long before = anon_huge_kb();
	if (before < static_cast<long>(kHuge >> 10)) {
		std::fprintf(stderr,
			     "privnode-placement: split: AnonHugePages %ld kB: no huge page was made on node "
			     "%d (THP madvise mode?): this test could not tell\n",
			     before, a.node);
		return 1;
	}
	char cmd[128];
	std::snprintf(cmd, sizeof(cmd), "%d,%#lx,%#lx\n", static_cast<int>(getpid()),
		      static_cast<unsigned long>(reinterpret_cast<std::uintptr_t>(huge)),
		      static_cast<unsigned long>(reinterpret_cast<std::uintptr_t>(huge) + kHuge));
	const std::string file = "/sys/kernel/debug/split_huge_pages";
	if (int err = write_errno(file, cmd); err) {
		errno = err;
		return fail_errno("write " + std::string(cmd, std::strlen(cmd) - 1) + " to " + file);
	}
	const long after = anon_huge_kb();
	std::printf("split: AnonHugePages %ld kB before, %ld kB after writing to %s\n", before, after,
		    file.c_str());
	if (after < 0 || after >= before) {
		std::fprintf(stderr, "privnode-placement: split: the huge page was not split\n");
		return 1;
	}
	return check(a, m, a.node, "after the split");
}

#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101 // <asm-generic/mman-common.h>; glibc's <sys/mman.h> lacks it
#endif

// SIGBUS from memory_failure(): its si_code, and where hwpoison_access()
// resumes.
sigjmp_buf sigbus_jmp;
volatile sig_atomic_t sigbus_code;

void on_sigbus(int, siginfo_t *info, void *)
{
	sigbus_code = info->si_code;
	siglongjmp(sigbus_jmp, 1);
}

// Runs @touch with SIGBUS caught: the signal's si_code, or 0 if none came.
template <typename F> int hwpoison_access(F touch)
{
	struct sigaction sa = {}, old = {};
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	sigbus_code = 0;
	if (!sigsetjmp(sigbus_jmp, 1))
		touch();
	sigaction(SIGBUS, &old, nullptr);
	return sigbus_code;
}

int do_hwpoison(const Args &a)
{
	Mapping victim(1), kept(a.pages);
	if (!bind_to(victim, a.node) || !bind_to(kept, a.node))
		return refused(a, "mbind(MPOL_BIND)");
	fill(victim, kSeed);
	fill(kept, kSeed);
	if (int rc = check(a, victim, a.node, "the page to poison, bound there"); rc)
		return rc;
	auto pfns = frames(victim);
	if (!pfns)
		return 1;
	const unsigned long pfn = (*pfns)[0];
	if (a.soft) {
		// Soft offline moves the data off the node, then retires the
		// page: no signal, and the contents stay.
		if (madvise(victim.page(0), Mapping::page_size(), MADV_SOFT_OFFLINE) < 0)
			return fail_errno("madvise(MADV_SOFT_OFFLINE) of a page of node " +
					  std::to_string(a.node));
		const int now = where(victim)[0];
		const bool intact = verify(victim, kSeed).empty();
		std::printf("hwpoison: pfn=%#lx on node %d soft-offlined; the page is now on node %d, %s\n",
			    pfn, a.node, now, intact ? "intact" : "corrupt");
		if (now < 0 || now == a.node || !intact) {
			std::fprintf(stderr,
				     "privnode-placement: hwpoison: soft offline did not move the data off "
				     "node %d intact\n",
				     a.node);
			return 1;
		}
		return check(a, kept, a.node, "the other pages");
	}
	// MF_ACTION_REQUIRED: the poisoning task, which maps the page, gets
	// SIGBUS (BUS_MCEERR_AR) at once.
	int err = 0;
	const int code = hwpoison_access([&] {
		if (madvise(victim.page(0), Mapping::page_size(), MADV_HWPOISON) < 0)
			err = errno;
	});
	if (err) {
		errno = err;
		return fail_errno("madvise(MADV_HWPOISON) of a page of node " + std::to_string(a.node));
	}
	const int again = hwpoison_access([&] { (void)*static_cast<volatile char *>(victim.page(0)); });
	std::printf(
		"hwpoison: pfn=%#lx on node %d poisoned; SIGBUS si_code %d at madvise, %d when read again "
		"(BUS_MCEERR_AR is %d)\n",
		pfn, a.node, code, again, BUS_MCEERR_AR);
	if (again != BUS_MCEERR_AR) {
		std::fprintf(stderr, "privnode-placement: hwpoison: reading the poisoned page gave %s\n",
			     again ? "another SIGBUS" : "no SIGBUS");
		return 1;
	}
	return check(a, kept, a.node, "the other pages");
}

int do_mbind_move(const Args &a)
{
	Mapping m(a.pages);
	fill(m, kSeed);
	const int home = home_of(m);
	if (home == a.node) {
		std::fprintf(stderr, "privnode-placement: mbind-move: the pages are on node %d already\n",
			     a.node);
		return 1;
	}
	NodeMask mask;
	mask.set(a.node);
	if (sys_mbind(m.page(0), m.bytes(), MPOL_BIND, mask, MPOL_MF_MOVE | MPOL_MF_STRICT) < 0)
		return refused(a, "mbind(MPOL_BIND, MPOL_MF_MOVE|MPOL_MF_STRICT)");
	return check(a, m, a.node, "moved there by mbind");
}

int do_home_node(const Args &a)
{
	if (a.nodes.size() != 2)
		return usage();
	const int other = a.nodes[1];
	Mapping m(a.pages);
	if (!bind_to(m, a.node))
		return refused(a, "mbind(MPOL_BIND)");
	auto home = [&](int node) {
		return syscall(SYS_set_mempolicy_home_node, reinterpret_cast<unsigned long>(m.page(0)),
			       m.bytes(), static_cast<unsigned long>(node), 0UL);
	};
	if (home(other) == 0) {
		std::fprintf(stderr,
			     "privnode-placement: home-node: node %d, which the policy does not name, was "
			     "accepted as home node\n",
			     other);
		return 1;
	}
	if (errno != EINVAL)
		return fail_errno("set_mempolicy_home_node(" + std::to_string(other) + ") (want EINVAL)");
	std::printf("home-node: node %d refused with EINVAL, as expected\n", other);
	if (home(a.node) < 0)
		return fail_errno("set_mempolicy_home_node(" + std::to_string(a.node) + ")");
	fill(m, kSeed);
	return check(a, m, a.node, "first touch with the named node as home node");
}

// fork binds pages to NODE and fills them, then forks: the child checks
// it sees them on NODE, intact, writes every other page (copy-on-write:
// its copies are bound to NODE too) and exits; then the parent checks its
// own pages are still on NODE with their old contents. Fork, COW and two
// exits: what the per-process count of pages on a private node follows.
int do_fork(const Args &a)
{
	Mapping m(a.pages);
	if (int rc = place_bound(a, m); rc)
		return rc;
	std::fflush(nullptr);
	pid_t pid = fork();
	if (pid < 0)
		return fail_errno("fork");
	if (pid == 0) {
		int rc = check(a, m, a.node, "the child sees them");
		for (size_t i = 0; i < m.pages(); i += 2)
			m.page(i)[0] ^= 1;
		size_t off = count_not_on(where(m), a.node, "the child's copies");
		if (off)
			rc = 1;
		std::printf("fork: the child wrote %zu pages, %zu not on node %d\n", (m.pages() + 1) / 2, off,
			    a.node);
		std::fflush(nullptr);
		_exit(rc);
	}
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return fail_errno("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		std::fprintf(stderr, "privnode-placement: fork: the child failed (status %#x)\n", status);
		return 1;
	}
	return check(a, m, a.node, "the parent's after the child wrote and exited");
}

int do_hold(const Args &a)
{
	Mapping m(a.pages);
	if (int rc = place_bound(a, m); rc)
		return rc;
	std::printf("holding %zu pages on node %d\n", m.pages(), a.node);
	std::fflush(stdout);
	for (;;)
		pause();
}

volatile sig_atomic_t written; // pages of overfill written so far

void on_sigbus(int)
{
	// async-signal-safe: a fixed message, then the count digit by digit
	char buf[64] = "overfill: SIGBUS after ";
	size_t n = std::strlen(buf);
	char digits[24];
	int d = 0;
	for (unsigned long v = written; d == 0 || v; v /= 10)
		digits[d++] = static_cast<char>('0' + v % 10);
	while (d && n < sizeof(buf) - 16)
		buf[n++] = digits[--d];
	const char tail[] = " pages\n";
	std::memcpy(buf + n, tail, sizeof(tail) - 1);
	n += sizeof(tail) - 1;
	if (write(STDOUT_FILENO, buf, n) < 0)
		_exit(1);
	_exit(0);
}

int do_overfill(const Args &a)
{
	Mapping m(a.pages);
	if (!bind_to(m, a.node))
		return refused(a, "mbind(MPOL_BIND)");
	struct sigaction sa = {};
	sa.sa_handler = on_sigbus;
	if (sigaction(SIGBUS, &sa, nullptr) < 0)
		return fail_errno("sigaction(SIGBUS)");
	std::fflush(stdout);
	for (size_t i = 0; i < m.pages(); i++) {
		m.page(i)[0] = 1;
		written = static_cast<sig_atomic_t>(i + 1);
	}
	std::fprintf(stderr, "privnode-placement: overfill: all %zu pages written onto node %d\n", m.pages(),
		     a.node);
	return 1;
}

// The first node of has_memory: an ordinary node for the controls.
int ordinary_node()
{
	auto nodes = node_state("has_memory");
	return nodes.empty() ? -1 : nodes[0];
}

int do_pageout(const Args &a)
{
	const int ord = ordinary_node();
	if (ord < 0) {
		std::fprintf(stderr, "privnode-placement: pageout: no node in has_memory\n");
		return 1;
	}
	{
		Mapping ctl(a.pages);
		if (!bind_to(ctl, ord))
			return fail_errno("mbind(MPOL_BIND) of the control to node " + std::to_string(ord));
		fill(ctl, kSeed);
		if (madvise(ctl.page(0), ctl.bytes(), MADV_PAGEOUT) < 0)
			return fail_errno("madvise(MADV_PAGEOUT) of the control");
		auto st = where(ctl);
		size_t out = std::count(st.begin(), st.end(), -ENOENT);
		std::printf("pageout: control on node %d: %zu of %zu pages paged out\n", ord, out,
			    ctl.pages());
		if (out < ctl.pages() / 2) {
			std::fprintf(stderr,
				     "privnode-placement: pageout: only %zu of %zu pages on node %d were "
				     "paged out "
				     "(is there swap?): this test could not tell\n",
				     out, ctl.pages(), ord);
			return 1;
		}
		if (!verify(ctl, kSeed).empty()) {
			std::fprintf(stderr, "privnode-placement: pageout: the control came back corrupt\n");
			return 1;
		}
	}
	Mapping m(a.pages);
	if (int rc = place_bound(a, m); rc)
		return rc;
	if (madvise(m.page(0), m.bytes(), MADV_COLD) < 0)
		return fail_errno("madvise(MADV_COLD)");
	if (madvise(m.page(0), m.bytes(), MADV_PAGEOUT) < 0)
		return fail_errno("madvise(MADV_PAGEOUT)");
	if (!a.reclaims)
		return check(a, m, a.node, "after MADV_COLD and MADV_PAGEOUT");
	// The owner opened reclaim: most pages must have gone to swap, and
	// reading them must bring every one back to the node, intact.
	auto st = where(m);
	const size_t out = std::count(st.begin(), st.end(), -ENOENT);
	std::printf("pageout: %zu of %zu pages on node %d paged out\n", out, m.pages(), a.node);
	if (out < m.pages() / 2) {
		std::fprintf(stderr,
			     "privnode-placement: pageout: only %zu of %zu pages on node %d were paged out\n",
			     out, m.pages(), a.node);
		return 1;
	}
	auto bad = verify(m, kSeed); // reads every page: swaps them all in
	const size_t off = count_not_on(where(m), a.node, "read back after MADV_PAGEOUT");
	if (off || !bad.empty()) {
		std::fprintf(stderr,
			     "privnode-placement: pageout: read back: %zu of %zu pages not on node %d, %zu "
			     "corrupt\n",
			     off, m.pages(), a.node, bad.size());
		return 1;
	}
	std::printf("pageout: read back: %zu pages on node %d, contents intact\n", m.pages(), a.node);
	return 0;
}

// Read every page of @m once; the sum keeps the loads.
unsigned long touch_all(const Mapping &m)
{
	unsigned long sum = 0;
	for (size_t i = 0; i < m.pages(); i++)
		sum += static_cast<unsigned char>(*static_cast<volatile char *>(m.page(i)));
	return sum;
}

// A counter of /proc/vmstat, or -1 (with a message) if it is not there.
long vmstat(const char *name)
{
	// fold the per-CPU deltas of node counters (pgdemote_*) in first: the
	// global values lag by up to the per-CPU thresholds otherwise
	if (int err = write_errno("/proc/sys/vm/stat_refresh", "1\n"); err)
		std::fprintf(stderr, "privnode-placement: /proc/sys/vm/stat_refresh: %s\n",
			     std::strerror(err));
	const long found = flat_key("/proc/vmstat", name);
	if (found < 0)
		std::fprintf(stderr, "privnode-placement: no %s in /proc/vmstat\n", name);
	return found;
}

// Move every page of @m to a.node (move_pages) and check that they are
// there, intact: nothing if so, else the status the op must return.
std::optional<int> place_on_node(const Args &a, const Mapping &m)
{
	std::vector<int> status;
	if (move_to(m, a.node, MPOL_MF_MOVE, status) < 0)
		return refused(a, "move_pages");
	if (int rc = check(a, m, a.node, "moved there"); rc)
		return rc;
	return std::nullopt;
}

// Call @pass in a busy loop until it returns true or @seconds are over.
// Busy, not sleeping: NUMA balancing scans by the task's CPU time. A second
// thread, idle, makes the scan mark local pages too (a single-threaded
// task's pages on its own node are left alone).
template <typename F> void busy_loop(int seconds, F pass)
{
	std::atomic<bool> done{false};
	std::thread idle([&done] {
		while (!done)
			usleep(100000);
	});
	const time_t end = time(nullptr) + seconds;
	while (time(nullptr) < end && !pass()) {
	}
	done = true;
	idle.join();
}

int do_numa_balance(const Args &a)
{
	Mapping ctl(a.pages), m(a.pages);
	fill(ctl, kSeed);
	fill(m, kSeed);
	if (auto rc = place_on_node(a, m))
		return *rc;
	const long faults0 = vmstat("numa_hint_faults");
	if (faults0 < 0)
		return 1;
	unsigned long sum = 0;
	busy_loop(20, [&] {
		sum += touch_all(ctl) + touch_all(m);
		return false;
	});
	const long faults = vmstat("numa_hint_faults");
	if (faults < 0)
		return 1;
	std::printf("numa-balance: %ld NUMA hinting faults in 20 s (sum %lu)\n", faults - faults0, sum);
	if (faults - faults0 < static_cast<long>(ctl.pages() / 2)) {
		std::fprintf(
			stderr,
			"privnode-placement: numa-balance: %ld hinting faults for %zu ordinary pages: NUMA "
			"balancing did not scan them, this test could not tell\n",
			faults - faults0, ctl.pages());
		return 1;
	}
	return check(a, m, a.node, "after 20 s of NUMA balancing");
}

int do_numa_promote(const Args &a)
{
	Mapping m(a.pages);
	fill(m, kSeed);
	if (auto rc = place_on_node(a, m))
		return *rc;
	const long migrated0 = vmstat("numa_pages_migrated");
	if (migrated0 < 0)
		return 1;
	unsigned long sum = 0;
	size_t left = 0;
	busy_loop(30, [&] {
		sum += touch_all(m);
		auto st = where(m);
		left = m.pages() - std::count(st.begin(), st.end(), a.node);
		return left == m.pages();
	});
	const long migrated = vmstat("numa_pages_migrated");
	if (migrated < 0)
		return 1;
	auto bad = verify(m, kSeed);
	std::printf("numa-promote: %zu of %zu pages left node %d, numa_pages_migrated +%ld, %zu corrupt "
		    "(sum %lu)\n",
		    left, m.pages(), a.node, migrated - migrated0, bad.size(), sum);
	if (left < m.pages() * 9 / 10 || migrated - migrated0 < static_cast<long>(left) || !bad.empty()) {
		std::fprintf(
			stderr,
			"privnode-placement: numa-promote: NUMA balancing moved %zu of %zu pages off node %d "
			"(numa_pages_migrated +%ld), %zu corrupt\n",
			left, m.pages(), a.node, migrated - migrated0, bad.size());
		return 1;
	}
	return 0;
}

// Pin every page of @m with FOLL_LONGTERM, as io_uring does for fixed
// buffers; returns the ring's fd (close it to unpin), or -1 with errno set.
int pin_longterm(const Mapping &m)
{
	io_uring_params p{};
	int fd = static_cast<int>(syscall(__NR_io_uring_setup, 4, &p));
	if (fd < 0)
		return -1;
	iovec iov{m.page(0), m.bytes()};
	if (syscall(__NR_io_uring_register, fd, IORING_REGISTER_BUFFERS, &iov, 1) < 0) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int do_pin(const Args &a)
{
	Mapping m(a.pages);
	fill(m, kSeed);
	if (auto rc = place_on_node(a, m))
		return *rc;
	int ring = pin_longterm(m);
	if (ring < 0)
		return fail_errno("io_uring buffer registration (FOLL_LONGTERM pin)");
	auto st = where(m);
	close(ring);
	const size_t on = std::count(st.begin(), st.end(), a.node);
	const size_t gone = std::count_if(st.begin(), st.end(), [](int n) { return n < 0; });
	auto bad = verify(m, kSeed);
	std::printf("pin: with the pin held, %zu of %zu pages on node %d, %zu unmapped or unreadable, "
		    "%zu corrupt\n",
		    on, m.pages(), a.node, gone, bad.size());
	const bool ok = (a.stays ? on == m.pages() : on == 0) && !gone && bad.empty();
	if (!ok)
		std::fprintf(stderr,
			     "privnode-placement: pin: expected %s node %d while pinned: %zu of %zu there, "
			     "%zu unaccounted, %zu corrupt\n",
			     a.stays ? "every page on" : "no page on", a.node, on, m.pages(), gone,
			     bad.size());
	return ok ? 0 : 1;
}

// overfill --reclaims: the node's owner opened reclaim, so filling more
// than the node holds must swap pages out instead of failing: every page
// written (no SIGBUS), intact when read back, each one on the node or in
// swap, never elsewhere, and pswpout grown.
int do_overfill_reclaim(const Args &a)
{
	Mapping m(a.pages);
	if (!bind_to(m, a.node))
		return refused(a, "mbind(MPOL_BIND)");
	const long out0 = vmstat("pswpout");
	if (out0 < 0)
		return 1;
	fill(m, kSeed); // a SIGBUS here kills the test: the fill must fit
	auto bad = verify(m, kSeed);
	auto st = where(m);
	const long out = vmstat("pswpout");
	if (out < 0)
		return 1;
	const size_t on = std::count(st.begin(), st.end(), a.node);
	const size_t swapped = std::count(st.begin(), st.end(), -ENOENT);
	std::printf("overfill: %zu pages written and read back, %zu on node %d, %zu in swap, pswpout +%ld, "
		    "%zu corrupt\n",
		    m.pages(), on, a.node, swapped, out - out0, bad.size());
	if (!bad.empty() || on + swapped != m.pages() || out - out0 <= 0) {
		std::fprintf(
			stderr,
			"privnode-placement: overfill: %zu corrupt, %zu of %zu pages neither on node %d nor "
			"in swap, pswpout +%ld\n",
			bad.size(), m.pages() - on - swapped, m.pages(), a.node, out - out0);
		return 1;
	}
	return 0;
}

// compact: pages bound to NODE, every other one freed again, then
// nodeN/compact: the pages left must still be on NODE, intact. Whether
// compaction moved them is the caller's to see (the owner's folio_migrate
// count).
int do_compact(const Args &a)
{
	Mapping m(a.pages);
	// small pages: compaction skips large folios
	if (madvise(m.page(0), m.bytes(), MADV_NOHUGEPAGE) < 0)
		return fail_errno("madvise(MADV_NOHUGEPAGE)");
	if (!bind_to(m, a.node))
		return refused(a, "mbind(MPOL_BIND)");
	fill(m, kSeed);
	for (size_t i = 1; i < m.pages(); i += 2)
		if (madvise(m.page(i), m.bytes() / m.pages(), MADV_DONTNEED) < 0)
			return fail_errno("madvise(MADV_DONTNEED)");
	const std::string file = "/sys/devices/system/node/node" + std::to_string(a.node) + "/compact";
	FILE *f = std::fopen(file.c_str(), "w");
	if (!f || std::fputs("1\n", f) < 0 || std::fclose(f) != 0)
		return fail_errno("write 1 to " + file);
	auto st = where(m);
	size_t off = 0;
	for (size_t i = 0; i < m.pages(); i += 2)
		off += st[i] != a.node;
	size_t bad = 0;
	for (size_t i : verify(m, kSeed))
		bad += i % 2 == 0;
	std::printf("compact: after %s, %zu of %zu kept pages off node %d, %zu corrupt\n", file.c_str(), off,
		    (m.pages() + 1) / 2, a.node, bad);
	return off || bad ? 1 : 0;
}

// Free blocks of @order or more on @node, all zones (/proc/buddyinfo), or -1.
long free_blocks_from(int node, int order)
{
	FILE *f = std::fopen("/proc/buddyinfo", "r");
	if (!f)
		return -1;
	long sum = 0;
	bool seen = false;
	char line[512];
	while (std::fgets(line, sizeof(line), f)) {
		int n, used;
		char zone[32];
		if (std::sscanf(line, "Node %d, zone %31s%n", &n, zone, &used) != 2 || n != node)
			continue;
		seen = true;
		std::istringstream counts(line + used);
		long c;
		for (int o = 0; counts >> c; o++)
			if (o >= order)
				sum += c;
	}
	std::fclose(f);
	return seen ? sum : -1;
}

int do_capture(const Args &a)
{
	constexpr int kOrder = 9; // a pageblock on x86-64: the driver's huge-* order
	const std::string nid = std::to_string(a.node);
	if (a.alloc_file.empty())
		return usage();
	Mapping m(a.pages);
	if (madvise(m.page(0), m.bytes(), MADV_NOHUGEPAGE) < 0)
		return fail_errno("madvise(MADV_NOHUGEPAGE)");
	fill(m, kSeed);
	std::vector<int> status;
	// ENOMEM: the node is full, which is the point
	if (move_to(m, a.node, MPOL_MF_MOVE, status) < 0 && errno != ENOMEM)
		return refused(a, "move_pages");
	auto st = where(m);
	const size_t on = std::count(st.begin(), st.end(), a.node);
	if (on == m.pages()) {
		std::fprintf(stderr,
			     "privnode-placement: capture: all %zu pages fit on node %d: give more "
			     "pages than the node has\n",
			     on, a.node);
		return 1;
	}
	// Every other run of kRun page frames on the node freed: plenty of
	// free memory there, none of it in a free pageblock. The runs go by
	// frame number, not by virtual page: compaction's free scanner widens
	// its stride up to 32 frames while it finds nothing, so with every
	// other frame free it can step over all of them and fail.
	constexpr uint64_t kRun = 32;
	auto pfns = frames(m);
	if (!pfns)
		return 1;
	std::vector<bool> gone(m.pages());
	size_t freed = 0;
	for (size_t i = 0; i < m.pages(); i++)
		if (st[i] == a.node && (*pfns)[i] / kRun % 2) {
			if (madvise(m.page(i), Mapping::page_size(), MADV_DONTNEED) < 0)
				return fail_errno("madvise(MADV_DONTNEED)");
			gone[i] = true;
			freed++;
		}
	std::printf("capture: %zu pages moved to node %d, %zu of them freed again\n", on, a.node, freed);
	// Each round: the driver takes the free pageblocks of the node (the
	// watermark gap may hold a few, and a free block would serve
	// huge-private without compaction), then asks for huge-plain, which
	// compaction of the node must never serve (one page would be a leak),
	// then for huge-private, which it may (the caller gave the node the
	// compaction opt-in): that shows the refusals were compaction's rule
	// and not a lack of movable pages. Direct compaction can fail every
	// try of a round (it is asynchronous first, and deferred after
	// failures), so the next round follows a full compaction of the node
	// (nodeN/compact).
	constexpr int kTries = 4, kRounds = 3;
	const std::string compact = "/sys/devices/system/node/node" + nid + "/compact";
	int err = 0;
	for (int round = 1; round <= kRounds; round++) {
		long blocks = free_blocks_from(a.node, kOrder);
		const long left = blocks;
		for (int i = 0; blocks > 0 && i < 64; i++) {
			if ((err = write_errno(a.alloc_file, nid + " 1 huge-private\n"))) {
				errno = err;
				return fail_errno("take a free pageblock of node " + nid + " (" +
						  a.alloc_file + ")");
			}
			blocks = free_blocks_from(a.node, kOrder);
		}
		std::printf(
			"capture: round %d: free blocks of order >= %d on node %d: %ld, %ld after the driver "
			"took some\n",
			round, kOrder, a.node, left, blocks);
		if (blocks != 0) {
			std::fprintf(stderr, "privnode-placement: capture: %s: this test could not tell\n",
				     blocks < 0 ? "node not in /proc/buddyinfo"
						: "a free pageblock is left on the node");
			return 1;
		}
		for (int i = 0; i < kTries; i++) {
			err = write_errno(a.alloc_file, nid + " 1 huge-plain\n");
			if (err != ENOMEM) {
				std::fprintf(stderr,
					     "privnode-placement: capture: %s: \"%s 1 huge-plain\": %s (want "
					     "ENOMEM)\n",
					     a.alloc_file.c_str(), nid.c_str(),
					     err ? std::strerror(err) : "a page was allocated");
				return 1;
			}
		}
		for (int i = 0; i < kTries; i++)
			if (!(err = write_errno(a.alloc_file, nid + " 1 huge-private\n")))
				break;
		std::printf("capture: round %d: huge-plain refused with ENOMEM %d times; huge-private: %s\n",
			    round, kTries, err ? std::strerror(err) : "allocated");
		if (!err)
			break;
		if (round < kRounds && (err = write_errno(compact, "1\n"))) {
			errno = err;
			return fail_errno("write " + compact);
		}
	}
	if (err) {
		std::fprintf(stderr,
			     "privnode-placement: capture: huge-private failed in all %d rounds: compaction "
			     "of node %d "
			     "made no page, so this test could not tell\n",
			     kRounds, a.node);
		return 1;
	}
	size_t bad = 0;
	for (size_t i : verify(m, kSeed))
		bad += !gone[i]; // the freed pages read back as zeros
	std::printf("capture: %zu kept pages corrupt\n", bad);
	return bad ? 1 : 0;
}

// A child that keeps this task's memory mapped, so every page (and swap
// entry) is shared, until release() or destruction.
class SharingChild {
public:
	SharingChild() = default;
	SharingChild(const SharingChild &) = delete;
	SharingChild &operator=(const SharingChild &) = delete;
	~SharingChild() { release(); }
	// false (errno set) if the pipe or the fork failed
	bool start()
	{
		if (pipe(fds_) < 0)
			return false;
		std::fflush(nullptr);
		pid_ = fork();
		if (pid_ < 0)
			return false;
		if (pid_ == 0) {
			char c;
			close(fds_[1]);
			_exit(read(fds_[0], &c, 1) < 0);
		}
		close(fds_[0]);
		return true;
	}
	void release()
	{
		if (pid_ <= 0)
			return;
		close(fds_[1]);
		waitpid(pid_, nullptr, 0);
		pid_ = -1;
	}

private:
	int fds_[2] = {-1, -1};
	pid_t pid_ = -1;
};

// Pages of @m in memory or in the swap cache (mincore), or -1.
long resident(const Mapping &m)
{
	std::vector<unsigned char> vec(m.pages());
	if (mincore(m.page(0), m.bytes(), vec.data()) < 0)
		return -1;
	return std::count_if(vec.begin(), vec.end(), [](unsigned char c) { return c & 1; });
}

int do_swap_readahead(const Args &a)
{
	// One CPU: its swap slot cache hands out consecutive slots, so the
	// pages paged out alternately from Y and X sit side by side on swap.
	cpu_set_t cpus;
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) < 0)
		return fail_errno("sched_setaffinity(CPU 0)");
	Mapping prime(64), x(a.pages), y(a.pages);
	for (const Mapping *m : {&prime, &x, &y})
		if (madvise(m->page(0), m->bytes(), MADV_NOHUGEPAGE) < 0)
			return fail_errno("madvise(MADV_NOHUGEPAGE)");
	fill(prime, kSeed);
	fill(x, kSeed);
	fill(y, kSeed);
	// Y's policy names the node; its pages stay where they are until they
	// are faulted in again. X, the other task's memory, has no policy.
	if (!bind_to(y, a.node))
		return refused(a, "mbind(MPOL_BIND) of Y");
	const size_t psz = Mapping::page_size();
	if (madvise(prime.page(0), prime.bytes(), MADV_PAGEOUT) < 0)
		return fail_errno("madvise(MADV_PAGEOUT) of the priming range");
	for (size_t i = 0; i < a.pages; i++)
		if (madvise(y.page(i), psz, MADV_PAGEOUT) < 0 || madvise(x.page(i), psz, MADV_PAGEOUT) < 0)
			return fail_errno("madvise(MADV_PAGEOUT) of page " + std::to_string(i));
	auto sx = where(x), sy = where(y);
	const size_t out =
		std::count(sx.begin(), sx.end(), -ENOENT) + std::count(sy.begin(), sy.end(), -ENOENT);
	if (out < a.pages) {
		std::fprintf(stderr,
			     "privnode-placement: swap-readahead: only %zu of %zu pages were paged out "
			     "(is there swap?): this test could not tell\n",
			     out, 2 * a.pages);
		return 1;
	}
	// A child shares every swap entry: swap-in then goes through the swap
	// cache and its readahead, even from a synchronous device (zram).
	SharingChild child;
	if (!child.start())
		return fail_errno("fork a child that shares the pages");
	const long ra0 = vmstat("swap_ra");
	touch_all(prime); // sequential faults: cluster readahead reads ahead
	const long ra1 = vmstat("swap_ra");
	touch_all(y); // faults under Y's policy; their neighbours are X's
	const long x_cached = resident(x);
	touch_all(x);
	sx = where(x);
	sy = where(y);
	const size_t x_on = std::count(sx.begin(), sx.end(), a.node);
	const size_t y_on = std::count(sy.begin(), sy.end(), a.node);
	const size_t bad = verify(x, kSeed).size() + verify(y, kSeed).size();
	child.release();
	std::printf("swap-readahead: swap_ra +%ld over the priming range; %ld of %zu pages of X in the swap "
		    "cache after Y was faulted in; %zu of X and %zu of Y on node %d; %zu corrupt\n",
		    ra1 - ra0, x_cached, a.pages, x_on, y_on, a.node, bad);
	if (ra0 < 0 || ra1 < 0 || x_cached < 0) {
		std::fprintf(stderr, "privnode-placement: swap-readahead: a reading failed\n");
		return 1;
	}
	if (ra1 == ra0) {
		std::fprintf(stderr,
			     "privnode-placement: swap-readahead: sequential faults read nothing ahead "
			     "(vma_ra_enabled must be false): this test could not tell\n");
		return 1;
	}
	// Y's own pages follow its policy: only the priming range's last
	// readahead may have taken one or two of them first.
	if (x_on || y_on + 8 < a.pages || bad) {
		std::fprintf(
			stderr,
			"privnode-placement: swap-readahead: %zu pages of X (no policy) on node %d, %zu of "
			"Y (bound there) elsewhere, %zu corrupt\n",
			x_on, a.node, a.pages - y_on, bad);
		return 1;
	}
	return 0;
}

// kB of MemFree of @node (nodeN/meminfo), or -1.
long node_free_kb(int node)
{
	const std::string file = "/sys/devices/system/node/node" + std::to_string(node) + "/meminfo";
	FILE *f = std::fopen(file.c_str(), "r");
	char line[256];
	long kb = -1;
	while (f && std::fgets(line, sizeof(line), f)) {
		int n;
		long v;
		if (std::sscanf(line, "Node %d MemFree: %ld kB", &n, &v) == 2)
			kb = v;
	}
	if (f)
		std::fclose(f);
	return kb;
}

// After demotion through memory.reclaim put @on pages of @m on a.node: set
// the cgroup's memory.max to a.then_max. The demoted pages are charged to
// the cgroup, so its limit reclaim must reach them there (to swap) rather
// than fail and OOM-kill this task; then every page must read back intact.
int limit_after_demotion(const Args &a, const Mapping &m, const std::string &reclaim, size_t on)
{
	const std::string max = reclaim.substr(0, reclaim.rfind('/')) + "/memory.max";
	const std::string value = std::to_string(a.then_max) + "\n";
	if (int err = write_errno(max, value); err) {
		errno = err;
		return fail_errno("write " + std::to_string(a.then_max) + " to " + max);
	}
	auto st = where(m);
	const size_t still = std::count(st.begin(), st.end(), a.node);
	const size_t bad = verify(m, kSeed).size(); // under the limit: swaps
	std::printf("demote: %s <- %lu: %zu of the %zu pages on node %d left there, %zu corrupt\n",
		    max.c_str(), a.then_max, still, on, a.node, bad);
	if (int err = write_errno(max, "max\n"); err) {
		errno = err;
		return fail_errno("write max to " + max);
	}
	if (still >= on || bad) {
		std::fprintf(stderr,
			     "privnode-placement: demote: the cgroup's limit reclaim did not reach its "
			     "pages on node %d\n",
			     a.node);
		return 1;
	}
	return 0;
}

int do_demote(const Args &a)
{
	const int ord = ordinary_node();
	const bool by_file = !a.pressure && !a.limit;
	const std::string reclaim = by_file ? own_reclaim_file() : "";
	if (ord < 0 || (by_file && reclaim.empty()))
		return 1;
	Mapping m(a.pages);
	if (madvise(m.page(0), m.bytes(), MADV_NOHUGEPAGE) < 0)
		return fail_errno("madvise(MADV_NOHUGEPAGE)");
	// before the fill: filling may already make kswapd demote some of m
	const long k0 = vmstat("pgdemote_kswapd"), d0 = vmstat("pgdemote_direct");
	fill(m, kSeed);
	if (a.limit) {
		// the cgroup's memory.max made reclaim run during fill()
	} else if (a.pressure) {
		// Fill node ord past its free memory: its kswapd and direct
		// reclaim take the oldest pages first, which are m's.
		// Up to three rounds, each sized from MemFree then: memory freed
		// after a reading (early in boot, say) can leave a round short
		// of pressure.
		std::vector<std::unique_ptr<Mapping>> ballast;
		for (int round = 0; round < 3; round++) {
			const long free_kb = node_free_kb(ord);
			if (free_kb < 0)
				return fail_errno("read MemFree of node " + std::to_string(ord));
			Mapping &b = *ballast.emplace_back(
				std::make_unique<Mapping>(static_cast<size_t>(free_kb) / 4 + a.pages / 2));
			if (madvise(b.page(0), b.bytes(), MADV_NOHUGEPAGE) < 0)
				return fail_errno("madvise(MADV_NOHUGEPAGE) of the ballast");
			// one repeated byte: zram stores such pages in no memory,
			// so paging them out relieves the node even if m's pages
			// cannot go anywhere but zram
			for (size_t i = 0; i < b.pages(); i++)
				std::memset(b.page(i), 0x5a, Mapping::page_size());
			std::printf("demote: %zu pages of ballast filled (node %d had %ld kB free)\n",
				    b.pages(), ord, free_kb);
			const auto now = where(m);
			const size_t moved =
				m.pages() - static_cast<size_t>(std::count(now.begin(), now.end(), ord));
			if (moved >= m.pages() / 4)
				break;
		}
	} else {
		const std::string bytes = std::to_string(m.bytes() / 2) + "\n";
		int err = write_errno(reclaim, bytes);
		std::printf("demote: %s <- %s", reclaim.c_str(), bytes.c_str());
		if (err && err != EAGAIN) {
			errno = err;
			return fail_errno("write to " + reclaim);
		}
	}
	// where the pages are, then the counters: kswapd may go on demoting
	// meanwhile, and every page found on NODE must be counted
	auto st = where(m);
	const long k1 = vmstat("pgdemote_kswapd"), d1 = vmstat("pgdemote_direct");
	const size_t on = std::count(st.begin(), st.end(), a.node);
	const size_t out = std::count(st.begin(), st.end(), -ENOENT);
	// Reads back every page, wherever it went. Not yet with --then-max:
	// reading makes the pages young, and the limit reclaim would find
	// every one on node 0 referenced and move it to the active list.
	const size_t bad = a.then_max ? 0 : verify(m, kSeed).size();
	std::printf("demote: of %zu pages, %zu on node %d, %zu swapped out; pgdemote_kswapd +%ld, "
		    "pgdemote_direct +%ld; %zu corrupt\n",
		    m.pages(), on, a.node, out, k1 - k0, d1 - d0, bad);
	if (k0 < 0 || d0 < 0 || k1 < 0 || d1 < 0)
		return 1;
	if (bad)
		return 1;
	if (a.demotes) {
		// memcg reclaim may page some of them out again from NODE
		const long demoted = (k1 - k0) + (d1 - d0);
		if (on == 0 || demoted < static_cast<long>(m.pages() / 4) ||
		    demoted < static_cast<long>(on)) {
			std::fprintf(
				stderr,
				"privnode-placement: demote: %ld pages demoted, %zu of them on node %d (want "
				"%zu or more demoted, some still there)\n",
				demoted, on, a.node, m.pages() / 4);
			return 1;
		}
		return a.then_max ? limit_after_demotion(a, m, reclaim, on) : 0;
	}
	if (on) {
		std::fprintf(stderr, "privnode-placement: demote: %zu pages landed on node %d\n", on, a.node);
		return 1;
	}
	if (out < m.pages() / 4) {
		std::fprintf(stderr,
			     "privnode-placement: demote: only %zu pages were reclaimed (to swap): this test "
			     "could not tell\n",
			     out);
		return 1;
	}
	return 0;
}

int do_foreign_fault(const Args &a)
{
	if (a.remove_cmd.empty())
		return usage();
	Mapping m(a.pages);
	if (madvise(m.page(0), m.bytes(), MADV_NOHUGEPAGE) < 0)
		return fail_errno("madvise(MADV_NOHUGEPAGE)");
	fill(m, kSeed);
	if (madvise(m.page(0), m.bytes(), MADV_PAGEOUT) < 0)
		return fail_errno("madvise(MADV_PAGEOUT)");
	auto st = where(m);
	const size_t out = std::count(st.begin(), st.end(), -ENOENT);
	if (out < m.pages() / 2) {
		std::fprintf(stderr,
			     "privnode-placement: foreign-fault: only %zu of %zu pages paged out (is there "
			     "swap?): this test could not tell\n",
			     out, m.pages());
		return 1;
	}
	std::fflush(stdout);
	const int rc = std::system(a.remove_cmd.c_str());
	st = where(m); // before verify() reads the pages: where CMD put them
	const size_t on = std::count(st.begin(), st.end(), a.node);
	const size_t still = std::count(st.begin(), st.end(), -ENOENT);
	const size_t bad = verify(m, kSeed).size();
	std::printf("foreign-fault: %zu pages paged out; after '%s' (status %d): %zu on node %d, %zu still "
		    "out; %zu corrupt\n",
		    out, a.remove_cmd.c_str(), rc, on, a.node, still, bad);
	if (rc != 0 || still == out) {
		std::fprintf(stderr,
			     "privnode-placement: foreign-fault: the command failed or faulted nothing "
			     "in: this test could not tell\n");
		return 1;
	}
	return on || bad ? 1 : 0;
}

int do_move_shared(const Args &a)
{
	Mapping m(a.pages);
	fill(m, kSeed);
	const int home = home_of(m);
	SharingChild child; // keeps the pages mapped (and shared) until done
	if (!child.start())
		return fail_errno("fork a child that shares the pages");
	std::vector<int> status;
	long r1 = move_to(m, a.node, MPOL_MF_MOVE_ALL, status);
	int e1 = errno;
	NodeMask from, to;
	for (int n : node_state("has_memory"))
		from.set(n);
	to.set(a.node);
	long r2 = sys_migrate_pages(0, from, to);
	int e2 = errno;
	auto st = where(m);
	size_t on = std::count(st.begin(), st.end(), a.node);
	child.release();
	std::printf(
		"move-shared: move_pages(MOVE_ALL) = %ld%s, status[0] %d; migrate_pages = %ld%s; %zu of %zu "
		"pages on node %d\n",
		r1, r1 < 0 ? (std::string(" ") + std::strerror(e1)).c_str() : "", status[0], r2,
		r2 < 0 ? (std::string(" ") + std::strerror(e2)).c_str() : "", on, m.pages(), a.node);
	if (r1 < 0 || r2 < 0) {
		std::fprintf(stderr, "privnode-placement: move-shared: a call failed as a whole\n");
		return 1;
	}
	return check(a.expecting_success(), m, home, "shared pages after MOVE_ALL onto the node");
}

// A counter of /sys/kernel/mm/ksm, or -1 (with a message) if unreadable.
long ksm_counter(const char *name)
{
	std::string path = std::string("/sys/kernel/mm/ksm/") + name;
	FILE *f = std::fopen(path.c_str(), "r");
	long v = -1;
	if (!f || std::fscanf(f, "%ld", &v) != 1 || v < 0) {
		std::fprintf(stderr, "privnode-placement: ksm: cannot read %s\n", path.c_str());
		v = -1;
	}
	if (f)
		std::fclose(f);
	return v;
}

int do_ksm(const Args &a)
{
	const int ord = ordinary_node();
	if (ord < 0) {
		std::fprintf(stderr, "privnode-placement: ksm: no node in has_memory\n");
		return 1;
	}
	Mapping pa(a.pages), pb(a.pages), pc(a.pages);
	if (!bind_to(pa, a.node))
		return refused(a, "mbind(MPOL_BIND)");
	if (!bind_to(pb, ord) || !bind_to(pc, ord))
		return fail_errno("mbind(MPOL_BIND) to node " + std::to_string(ord));
	fill(pa, kSeed);
	fill(pb, kSeed);
	fill(pc, kSeed);
	if (int rc = check(a, pa, a.node, "A bound there"); rc)
		return rc;
	const long sharing0 = ksm_counter("pages_sharing"), scans0 = ksm_counter("full_scans");
	if (sharing0 < 0 || scans0 < 0)
		return 1;
	for (const Mapping *m : {&pa, &pb, &pc})
		if (madvise(m->page(0), m->bytes(), MADV_MERGEABLE) < 0)
			return fail_errno("madvise(MADV_MERGEABLE)");
	long scans = scans0;
	for (int t = 0; t < 1800 && scans >= 0 && scans < scans0 + 4; t++) {
		usleep(100000);
		scans = ksm_counter("full_scans");
	}
	const long sharing = ksm_counter("pages_sharing");
	if (scans < 0 || sharing < 0)
		return 1;
	std::printf("ksm: %ld full scans, pages_sharing %ld -> %ld\n", scans - scans0, sharing0, sharing);
	if (scans < scans0 + 4) {
		std::fprintf(
			stderr,
			"privnode-placement: ksm: ksmd did not finish 4 scans in 180 s (is it running?)\n");
		return 1;
	}
	if (sharing - sharing0 < static_cast<long>(a.pages / 2)) {
		std::fprintf(
			stderr,
			"privnode-placement: ksm: pages_sharing grew by %ld, want >= %zu: B and C did not "
			"merge, this test could not tell\n",
			sharing - sharing0, a.pages / 2);
		return 1;
	}
	size_t on_node = 0;
	for (const Mapping *m : {&pb, &pc}) {
		auto st = where(*m);
		on_node += std::count(st.begin(), st.end(), a.node);
	}
	if (on_node) {
		std::fprintf(stderr, "privnode-placement: ksm: %zu pages of B and C are on node %d\n",
			     on_node, a.node);
		return 1;
	}
	if (!verify(pb, kSeed).empty() || !verify(pc, kSeed).empty()) {
		std::fprintf(stderr, "privnode-placement: ksm: B or C corrupt\n");
		return 1;
	}
	return check(a, pa, a.node, "A after KSM merged B and C");
}

// After @how wrote new contents (@seed) to @m, whose pages had frames
// @before on a.node: with a.stays every page must still be on a.node in
// the same frame; otherwise every page must have left a.node for another
// frame. The contents must be the new ones either way.
int check_written(const Args &a, const Mapping &m, const std::vector<uint64_t> &before, std::uint64_t seed,
		  const char *how)
{
	auto after = frames(m);
	if (!after)
		return 1;
	const auto nodes = where(m);
	size_t on = 0, same = 0;
	for (size_t i = 0; i < m.pages(); i++) {
		on += nodes[i] == a.node;
		same += (*after)[i] == before[i];
	}
	const size_t bad = verify(m, seed).size();
	std::printf("protect-write: %s: %zu of %zu pages still on node %d, %zu in the same frame, %zu with "
		    "wrong contents\n",
		    how, on, m.pages(), a.node, same, bad);
	const size_t want = a.stays ? m.pages() : 0;
	if (on != want || same != want || bad) {
		std::fprintf(stderr, "privnode-placement: protect-write: %s: expected every write %s\n", how,
			     a.stays ? "in place, on the node" : "to fault and move the page off the node");
		return 1;
	}
	return 0;
}

// Make @m PROT_READ and write @from's contents into it through
// /proc/self/mem (GUP with FOLL_FORCE): 0, or 1 with a message.
int force_write(const Mapping &m, const Mapping &from)
{
	if (mprotect(m.page(0), m.bytes(), PROT_READ) < 0)
		return fail_errno("mprotect(PROT_READ)");
	const int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail_errno("open /proc/self/mem");
	const ssize_t n = pwrite(fd, from.page(0), m.bytes(), reinterpret_cast<uintptr_t>(m.page(0)));
	close(fd);
	if (n != static_cast<ssize_t>(m.bytes()))
		return fail_errno("write /proc/self/mem");
	return 0;
}

// Write the new contents (@seed) into @m with read(2) from a pipe, a page
// at a time: the kernel stores through copy_to_user(). The number of pages
// read whole; the others fail (EFAULT) or come short.
size_t read_into(const Mapping &m, const Mapping &from)
{
	int p[2];
	if (pipe(p) < 0)
		return 0;
	size_t whole = 0;
	const size_t ps = Mapping::page_size();
	for (size_t i = 0; i < m.pages(); i++) {
		if (write(p[1], from.page(i), ps) != static_cast<ssize_t>(ps))
			break;
		const ssize_t n = read(p[0], m.page(i), ps);
		if (n == static_cast<ssize_t>(ps)) {
			whole++;
			continue;
		}
		char sink[256]; // drain what the failed read left
		for (size_t left = ps; left;) {
			const ssize_t r = read(p[0], sink, std::min(left, sizeof(sink)));
			if (r <= 0)
				break;
			left -= r;
		}
	}
	close(p[0]);
	close(p[1]);
	return whole;
}

// Write @text to the test driver's file @path, or print why not.
bool driver_write(const std::string &path, const std::string &text)
{
	if (int err = write_errno(path, text); err) {
		errno = err;
		fail_errno("write \"" + text + "\" to " + path);
		return false;
	}
	return true;
}

// A huge-page-aligned 2 MiB run of @m made a huge page (MADV_HUGEPAGE),
// filled with @seed, and moved to a.node: on a node that write-protects it
// must arrive split (no AnonHugePages left), every page on the node.
int thp_arrives_split(const Args &a, const Mapping &m)
{
	if (madvise(m.page(0), m.bytes(), MADV_HUGEPAGE) < 0)
		return fail_errno("madvise(MADV_HUGEPAGE)");
	fill(m, kSeed);
	const long before = anon_huge_kb();
	if (before < static_cast<long>(kHuge >> 10)) {
		std::fprintf(stderr,
			     "privnode-placement: protect-write: AnonHugePages %ld kB: no huge page was "
			     "made (THP madvise mode?): this test could not tell\n",
			     before);
		return 1;
	}
	if (auto rc = place_on_node(a, m))
		return *rc;
	const long after = anon_huge_kb();
	std::printf(
		"protect-write: a huge page moved to node %d: AnonHugePages %ld kB before, %ld kB after\n",
		a.node, before, after);
	if (after < 0 || (!a.stays && after != 0)) {
		std::fprintf(stderr,
			     "privnode-placement: protect-write: the huge page was not split on its way "
			     "to node %d\n",
			     a.node);
		return 1;
	}
	return 0;
}

int do_protect_write(const Args &a)
{
	constexpr std::uint64_t kNew = kSeed + 1;
	Mapping stores(a.pages), reprotected(a.pages), vm_write(a.pages), proc_mem(a.pages), forked(a.pages),
		both(a.pages), read_in(a.pages), pinned(a.pin_file.empty() ? 1 : a.pages);
	Mapping thp(2 * kHuge / Mapping::page_size());
	if (int rc = thp_arrives_split(a, thp); rc)
		return rc;
	const Mapping *sets[] = {&stores, &reprotected, &vm_write, &proc_mem,
				 &forked, &both,	&read_in,  &pinned};
	std::vector<std::vector<uint64_t>> pfns;
	for (const Mapping *m : sets) {
		fill(*m, kSeed);
		if (auto rc = place_on_node(a, *m))
			return *rc;
		auto f = frames(*m);
		if (!f)
			return 1;
		pfns.push_back(*f);
	}
	// The owner is asked once for each page of six sets: stores, stores
	// after mprotect, process_vm_writev, read(2), the parent's stores after
	// the child's copies, and the child's after the parent's copies. Not
	// for FOLL_FORCE (always copies), nor for a page still shared (plain
	// copy-on-write), nor for the pinned set (counted apart).
	std::printf("pages written in place or promoted: %zu\n", a.pages * 6);

	// Reads go straight to the node: no fault, nothing moves.
	const long f0 = faults_so_far();
	unsigned long sum = touch_all(thp);
	for (const Mapping *m : sets)
		sum += touch_all(*m);
	const long f1 = faults_so_far();
	if (f0 < 0 || f1 < 0)
		return fail_errno("getrusage");
	std::printf("protect-write: reading %zu pages took %ld page faults (sum %lu)\n",
		    a.pages * std::size(sets) + thp.pages(), f1 - f0, sum);
	if (f1 != f0) {
		std::fprintf(stderr, "privnode-placement: protect-write: reads faulted\n");
		return 1;
	}
	for (const Mapping *m : sets)
		if (int rc = check(a, *m, a.node, "after the reads"); rc)
			return rc;

	int rc = 0;
	fill(stores, kNew);
	rc |= check_written(a, stores, pfns[0], kNew, "stores");

	if (mprotect(reprotected.page(0), reprotected.bytes(), PROT_READ) < 0 ||
	    mprotect(reprotected.page(0), reprotected.bytes(), PROT_READ | PROT_WRITE) < 0)
		return fail_errno("mprotect");
	fill(reprotected, kNew);
	rc |= check_written(a, reprotected, pfns[1], kNew,
			    "stores after mprotect(PROT_READ), mprotect(PROT_WRITE)");

	// The new contents come from a scratch mapping filled alike.
	Mapping scratch(a.pages);
	fill(scratch, kNew);
	struct iovec local = {scratch.page(0), scratch.bytes()},
		     remote = {vm_write.page(0), vm_write.bytes()};
	if (process_vm_writev(getpid(), &local, 1, &remote, 1, 0) != static_cast<ssize_t>(vm_write.bytes()))
		return fail_errno("process_vm_writev");
	rc |= check_written(a, vm_write, pfns[2], kNew, "process_vm_writev");

	if (int rc2 = force_write(proc_mem, scratch); rc2)
		return rc2;
	// FOLL_FORCE into a read-only mapping always copies a protected page
	Args forced = a;
	forced.stays = a.stays && !a.in_place;
	rc |= check_written(forced, proc_mem, pfns[3], kNew,
			    "/proc/self/mem into PROT_READ pages (FOLL_FORCE)");

	const size_t whole = read_into(read_in, scratch);
	if (whole != read_in.pages()) {
		std::fprintf(stderr, "privnode-placement: protect-write: read(2) filled %zu of %zu pages\n",
			     whole, read_in.pages());
		rc = 1;
	}
	rc |= check_written(a, read_in, pfns[6], kNew, "read(2) into the pages (copy_to_user)");

	// After fork the pages are shared: the child's stores copy them
	// (copy-on-write, to ordinary memory either way), the parent's pages
	// stay. Then the parent's pages are its own again, and its stores are
	// as above; the child waits for them, so that both sides write while
	// both live.
	int wrote[2], done[2];
	if (pipe(wrote) < 0 || pipe(done) < 0)
		return fail_errno("pipe");
	std::fflush(stdout); // the child must not print the parent's output again
	pid_t pid = fork();
	if (pid < 0)
		return fail_errno("fork");
	if (pid == 0) {
		close(wrote[0]);
		close(done[1]);
		fill(forked, kNew);
		const auto nodes = where(forked);
		const size_t on = std::count(nodes.begin(), nodes.end(), a.node);
		const size_t bad = verify(forked, kNew).size();
		std::printf(
			"protect-write: a forked child's stores: %zu of %zu pages on node %d, %zu with wrong "
			"contents\n",
			on, forked.pages(), a.node, bad);
		std::fflush(stdout);
		(void)!write(wrote[1], "x", 1);
		char c;
		(void)!read(done[0], &c, 1); // the parent has written too
		_exit(on || bad || verify(forked, kNew).size() ? 1 : 0);
	}
	close(wrote[1]);
	close(done[0]);
	char c;
	if (read(wrote[0], &c, 1) != 1)
		rc = 1;
	if (int r = check(a, forked, a.node, "the forked parent's pages, after the child wrote its copies");
	    r)
		rc = 1;
	fill(forked, kNew);
	rc |= check_written(a, forked, pfns[4], kNew,
			    "the parent's stores, after the child wrote its copies");
	close(done[1]);
	close(wrote[0]);
	int status = 0;
	if (waitpid(pid, &status, 0) < 0)
		return fail_errno("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		rc = 1;

	// The other order: the parent writes first (copy-on-write: its pages
	// leave the node, the owner is not asked), then the child, whose pages
	// are its own by then.
	int go[2];
	if (pipe(go) < 0)
		return fail_errno("pipe");
	std::fflush(stdout);
	pid = fork();
	if (pid < 0)
		return fail_errno("fork");
	if (pid == 0) {
		close(go[1]);
		char c;
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		fill(both, kNew);
		_exit(check_written(a, both, pfns[5], kNew, "a forked child's stores, after the parent's"));
	}
	close(go[0]);
	fill(both, kNew);
	Args cow = a;
	cow.stays = false;
	rc |= check_written(cow, both, pfns[5], kNew, "the parent's stores while a child shares the pages");
	(void)!write(go[1], "x", 1);
	close(go[1]);
	if (waitpid(pid, &status, 0) < 0)
		return fail_errno("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		rc = 1;

	// A page that may be pinned (the test driver holds a read-only pin, as
	// an O_DIRECT write from it would) cannot be copied: the writes land in
	// place, and the owner is told why.
	if (!a.pin_file.empty()) {
		char cmd[64];
		std::snprintf(cmd, sizeof(cmd), "%lx %zu",
			      static_cast<unsigned long>(reinterpret_cast<std::uintptr_t>(pinned.page(0))),
			      pinned.pages());
		if (!driver_write(a.pin_file, cmd))
			return 1;
		std::printf("pages written while pinned: %zu\n", pinned.pages());
		fill(pinned, kNew);
		Args in_place = a;
		in_place.stays = true;
		rc |= check_written(in_place, pinned, pfns[7], kNew, "stores to pinned pages");
		const std::string unpin = a.pin_file.substr(0, a.pin_file.rfind('/') + 1) + "unpin";
		if (!driver_write(unpin, "1"))
			return 1;
	}
	return rc;
}

// An owner that fails every write: stores raise SIGBUS, read(2) into the
// pages fails with EFAULT, and every page keeps its frame on the node and
// its contents. /proc/self/mem into PROT_READ pages (FOLL_FORCE) does not
// ask the owner: it copies.
int do_protect_write_sigbus(const Args &a)
{
	constexpr std::uint64_t kNew = kSeed + 1;
	Mapping m(a.pages), scratch(a.pages);
	fill(m, kSeed);
	fill(scratch, kNew);
	if (auto rc = place_on_node(a, m))
		return *rc;
	auto before = frames(m);
	if (!before)
		return 1;
	size_t sigbus = 0;
	for (size_t i = 0; i < m.pages(); i++) {
		char *p = m.page(i);
		sigbus += hwpoison_access([p] { *reinterpret_cast<volatile char *>(p) = 1; }) != 0;
	}
	const size_t whole = read_into(m, scratch);
	std::printf("pages written in place or promoted: %zu\n", 2 * m.pages());
	std::printf("protect-write: %zu of %zu stores raised SIGBUS, read(2) filled %zu pages\n", sigbus,
		    m.pages(), whole);
	if (sigbus != m.pages() || whole) {
		std::fprintf(stderr, "privnode-placement: protect-write: a write went through\n");
		return 1;
	}
	Args stays = a;
	stays.stays = true;
	if (int rc = check_written(stays, m, *before, kSeed, "after the failed writes"); rc)
		return rc;
	if (int rc = force_write(m, scratch); rc)
		return rc;
	Args copied = a;
	copied.stays = false;
	return check_written(copied, m, *before, kNew, "/proc/self/mem into PROT_READ pages (FOLL_FORCE)");
}

// Stores to pages on a node that write-protects, from a cgroup at its
// memory.max: the pages are placed (and charged) where this task starts;
// then it moves itself into a.cgroup (a child cgroup without swap, made by
// the caller), whose memory.max it sets a few pages above its usage, and
// writes them all. The copies, charged there, soon find no memory (the old
// pages uncharge the first cgroup, not this one): the writes must land in
// place rather than OOM-kill the task (memory.events oom_kill unchanged),
// with the new contents. Some pages written in place, or this test could
// not tell.
int do_protect_write_nomem(const Args &a)
{
	constexpr std::uint64_t kNew = kSeed + 1;
	if (a.cgroup.empty())
		return usage();
	const std::string dir = "/sys/fs/cgroup/" + a.cgroup + "/";
	Mapping m(a.pages);
	fill(m, kSeed);
	if (auto rc = place_on_node(a, m))
		return *rc;
	auto before = frames(m);
	if (!before || !driver_write(dir + "cgroup.procs", std::to_string(getpid())))
		return 1;
	const long kills0 = flat_key(dir + "memory.events", "oom_kill");
	FILE *f = std::fopen((dir + "memory.current").c_str(), "r");
	long current = -1;
	if (f && std::fscanf(f, "%ld", &current) != 1)
		current = -1;
	if (f)
		std::fclose(f);
	if (kills0 < 0 || current < 0) {
		std::fprintf(stderr,
			     "privnode-placement: protect-write-nomem: cannot read %smemory.current or "
			     "memory.events\n",
			     dir.c_str());
		return 1;
	}
	// room for a few copies, not for all; the file is opened before, as
	// opening it at the limit would charge (and OOM-kill) this task
	const long max = current + 8 * static_cast<long>(Mapping::page_size());
	const std::string maxfile = dir + "memory.max", limit = std::to_string(max);
	const int fd = open(maxfile.c_str(), O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_errno("open " + maxfile);
	if (pwrite(fd, limit.data(), limit.size(), 0) < 0) {
		close(fd);
		return fail_errno("write " + limit + " to " + maxfile);
	}
	fill(m, kNew);
	const bool lifted = pwrite(fd, "max", 3, 0) == 3;
	close(fd);
	if (!lifted)
		return fail_errno("write max to " + maxfile);
	auto after = frames(m);
	if (!after)
		return 1;
	const auto nodes = where(m);
	size_t in_place = 0;
	for (size_t i = 0; i < m.pages(); i++)
		in_place += nodes[i] == a.node && (*after)[i] == (*before)[i];
	const size_t bad = verify(m, kNew).size();
	const long kills = flat_key(dir + "memory.events", "oom_kill");
	std::printf("protect-write-nomem: memory.max %ld: %zu of %zu pages written in place, %zu copied, %zu "
		    "with wrong contents, oom_kill %ld -> %ld\n",
		    max, in_place, m.pages(), m.pages() - in_place, bad, kills0, kills);
	if (bad || kills != kills0) {
		std::fprintf(stderr, "privnode-placement: protect-write-nomem: lost writes or an OOM kill\n");
		return 1;
	}
	if (!in_place) {
		std::fprintf(stderr,
			     "privnode-placement: protect-write-nomem: every copy found memory under "
			     "memory.max: this test could not tell\n");
		return 1;
	}
	return 0;
}

int do_move_shmem(const Args &a)
{
	Mapping m(a.pages, true);
	fill(m, kSeed);
	const int home = home_of(m);
	std::vector<int> status;
	const long r = move_to(m, a.node, MPOL_MF_MOVE, status);
	if (r < 0)
		return fail_errno("move_pages of shmem pages to node " + std::to_string(a.node));
	const size_t einval = std::count(status.begin(), status.end(), -EINVAL);
	std::printf("move-shmem: move_pages = %ld, status[0] %d, %zu of %zu statuses -EINVAL\n", r, status[0],
		    einval, status.size());
	if (!a.stays && (r != 0 || einval != status.size())) {
		std::fprintf(stderr,
			     "privnode-placement: move-shmem: want 0 and a status of -EINVAL for every "
			     "page\n");
		return 1;
	}
	return check(a.expecting_success(), m, a.stays ? a.node : home,
		     a.stays ? "shmem pages moved to the node" : "shmem pages refused by the node");
}

} // namespace

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	Args a;
	a.op = argv[1];
	char *end;
	std::stringstream list(argv[2]);
	for (std::string item; std::getline(list, item, ',');) {
		long n = std::strtol(item.c_str(), &end, 10);
		if (item.empty() || *end || n < 0 || n >= static_cast<long>(NodeMask::kBits))
			return usage();
		a.nodes.push_back(static_cast<int>(n));
	}
	if (a.op == "with-policy") {
		if (argc < 4)
			return usage();
		NodeMask mask;
		for (int n : a.nodes)
			mask.set(n);
		if (sys_set_mempolicy(MPOL_BIND, &mask) < 0)
			return fail_errno(std::string("set_mempolicy(MPOL_BIND, ") + argv[2] + ")");
		execvp(argv[3], argv + 3);
		return fail_errno(std::string("exec ") + argv[3]);
	}
	if (a.nodes.empty() || (a.nodes.size() > 1 && a.op != "mbind-spread" && a.op != "home-node"))
		return usage();
	a.node = a.nodes[0];
	for (int i = 3; i < argc; i++) {
		std::string opt = argv[i];
		if (opt == "--pages" && i + 1 < argc) {
			a.pages = std::strtoul(argv[++i], &end, 10);
			if (*end || a.pages == 0)
				return usage();
		} else if (opt == "--expect-errno" && i + 1 < argc) {
			auto it = kErrnos.find(argv[++i]);
			if (it == kErrnos.end())
				return usage();
			a.expect_errno = it->second;
		} else if (opt == "--stays") {
			a.stays = true;
		} else if (opt == "--reclaims") {
			a.reclaims = true;
		} else if (opt == "--demotes") {
			a.demotes = true;
		} else if (opt == "--pressure") {
			a.pressure = true;
		} else if (opt == "--limit") {
			a.limit = true;
		} else if (opt == "--soft") {
			a.soft = true;
		} else if (opt == "--in-place") {
			a.in_place = a.stays = true;
		} else if (opt == "--sigbus") {
			a.sigbus = true;
		} else if (opt == "--pin-file" && i + 1 < argc) {
			a.pin_file = argv[++i];
		} else if (opt == "--cgroup" && i + 1 < argc) {
			a.cgroup = argv[++i];
		} else if (opt == "--then-max" && i + 1 < argc) {
			a.then_max = std::strtoul(argv[++i], &end, 10);
			if (*end || a.then_max == 0)
				return usage();
		} else if (opt == "--remove-cmd" && i + 1 < argc) {
			a.remove_cmd = argv[++i];
		} else if (opt == "--alloc-file" && i + 1 < argc) {
			a.alloc_file = argv[++i];
		} else if (opt == "--remove-file" && i + 1 < argc) {
			a.remove_file = argv[++i];
		} else {
			return usage();
		}
	}
	if (a.op == "mbind")
		return do_mbind(a);
	if (a.op == "set-mempolicy")
		return do_set_mempolicy(a);
	if (a.op == "move-pages")
		return do_move_pages(a);
	if (a.op == "migrate-pages")
		return do_migrate_pages(a);
	if (a.op == "hot-remove")
		return do_hot_remove(a);
	if (a.op == "mbind-spread")
		return do_mbind_spread(a);
	if (a.op == "hold")
		return do_hold(a);
	if (a.op == "fork")
		return do_fork(a);
	if (a.op == "home-node")
		return do_home_node(a);
	if (a.op == "mbind-move")
		return do_mbind_move(a);
	if (a.op == "collapse")
		return do_collapse(a);
	if (a.op == "split")
		return do_split(a);
	if (a.op == "hwpoison")
		return do_hwpoison(a);
	if (a.op == "stale")
		return do_stale(a);
	if (a.op == "overfill")
		return a.reclaims ? do_overfill_reclaim(a) : do_overfill(a);
	if (a.op == "pageout")
		return do_pageout(a);
	if (a.op == "ksm")
		return do_ksm(a);
	if (a.op == "numa-balance")
		return do_numa_balance(a);
	if (a.op == "numa-promote")
		return do_numa_promote(a);
	if (a.op == "pin")
		return do_pin(a);
	if (a.op == "compact")
		return do_compact(a);
	if (a.op == "move-shared")
		return do_move_shared(a);
	if (a.op == "foreign-fault")
		return do_foreign_fault(a);
	if (a.op == "demote")
		return do_demote(a);
	if (a.op == "capture")
		return do_capture(a);
	if (a.op == "swap-readahead")
		return do_swap_readahead(a);
	if (a.op == "protect-write")
		return a.sigbus ? do_protect_write_sigbus(a) : do_protect_write(a);
	if (a.op == "protect-write-nomem")
		return do_protect_write_nomem(a);
	if (a.op == "move-shmem")
		return do_move_shmem(a);
	return usage();
}
