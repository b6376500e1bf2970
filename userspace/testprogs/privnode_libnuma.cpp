// SPDX-License-Identifier: GPL-2.0-only
// privnode-libnuma: what a program built on libnuma sees when private nodes
// exist, and that its ordinary use keeps working. A private node looks to
// libnuma like a node outside the task's cpuset: configured, with memory and
// a size (numa_num_configured_nodes, numa_node_size64, numactl -H), but
// never among the nodes the task may use (numa_get_mems_allowed,
// numa_all_nodes_ptr, numa_parse_nodestring), granted or not.
//
//   privnode-libnuma NODE[,NODE...] refused|moved
//
// NODE: the private nodes that exist now; refused or moved: what
// numa_move_pages onto them must do (refused: ENODEV without the migration
// opt-in, EACCES without the grant; moved: every page there).
//
// TAP on stdout. For every node libnuma says the task may use, 64 pages
// allocated there (numa_alloc_onnode with numa_set_strict) and 64 pages
// moved there (numa_move_pages) must be there, page by page, intact. Every
// private node must be configured with memory but not usable, and
// numa_move_pages onto it does what the second argument says. Exit 0 when every test passed,
// 1 otherwise, 2 on bad usage.
#include <numa.h>
#include <numaif.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

int tests = 0, failed = 0;

void result(bool ok, const std::string &what)
{
	tests++;
	if (!ok)
		failed++;
	std::printf("%s %d - %s\n", ok ? "ok" : "not ok", tests, what.c_str());
}

constexpr int kPages = 64;

// Fill @pages pages at @p with a pattern of @seed; true if they read back.
void fill(char *p, long ps, int seed)
{
	for (int i = 0; i < kPages; i++)
		std::memset(p + i * ps, (i * 13 + seed) & 0xff, ps);
}
bool intact(const char *p, long ps, int seed)
{
	for (int i = 0; i < kPages; i++)
		for (long j = 0; j < ps; j += 256)
			if (static_cast<unsigned char>(p[i * ps + j]) != ((i * 13 + seed) & 0xff))
				return false;
	return true;
}

// How many of the pages at @p are not on @node (move_pages query), or -1.
int not_on(char *p, long ps, int node)
{
	std::vector<void *> addrs(kPages);
	std::vector<int> status(kPages, -1);
	for (int i = 0; i < kPages; i++)
		addrs[i] = p + i * ps;
	if (numa_move_pages(0, kPages, addrs.data(), nullptr, status.data(), 0) < 0)
		return -1;
	int n = 0;
	for (int s : status)
		n += s != node;
	return n;
}

} // namespace

// libnuma's warnings go to stderr; the tests report the errors themselves.
extern "C" void numa_warn(int, char *, ...)
{
}
extern "C" void numa_error(char *)
{
}

int main(int argc, char **argv)
{
	if (argc != 3 || (std::strcmp(argv[2], "refused") && std::strcmp(argv[2], "moved"))) {
		std::fprintf(stderr, "usage: privnode-libnuma NODE[,NODE...] refused|moved\n");
		return 2;
	}
	const bool want_moved = !std::strcmp(argv[2], "moved");
	std::set<int> priv;
	std::stringstream list(argv[1]);
	for (std::string item; std::getline(list, item, ',');) {
		char *end;
		long n = std::strtol(item.c_str(), &end, 10);
		if (item.empty() || *end || n < 0 || n > 1023) {
			std::fprintf(stderr, "privnode-libnuma: bad node '%s'\n", item.c_str());
			return 2;
		}
		priv.insert(static_cast<int>(n));
	}
	std::printf("TAP version 13\n");
	if (numa_available() < 0) {
		std::printf("1..1\nnot ok 1 - numa_available() < 0\n");
		return 1;
	}
	const long ps = sysconf(_SC_PAGESIZE);
	struct bitmask *allowed = numa_get_mems_allowed();
	std::vector<int> usable;
	for (int n = 0; n <= numa_max_node(); n++)
		if (numa_bitmask_isbitset(allowed, n))
			usable.push_back(n);
	std::printf("1..%zu\n", 3 + 2 * priv.size() + 2 * usable.size());

	std::string u;
	for (int n : usable)
		u += (u.empty() ? "" : ",") + std::to_string(n);
	result(!usable.empty(), "numa_get_mems_allowed() lists nodes " + u);
	bool same = true;
	for (int n = 0; n <= numa_max_node(); n++)
		same &= numa_bitmask_isbitset(allowed, n) == numa_bitmask_isbitset(numa_all_nodes_ptr, n);
	result(same, "numa_all_nodes_ptr is the same set");
	result(numa_num_configured_nodes() >= static_cast<int>(usable.size() + priv.size()),
	       "numa_num_configured_nodes() = " + std::to_string(numa_num_configured_nodes()) +
		       " counts the private nodes too");

	for (int p : priv) {
		long long fr = -1, size = numa_node_size64(p, &fr);
		result(size > 0 && !numa_bitmask_isbitset(allowed, p),
		       "private node " + std::to_string(p) + ": configured, " + std::to_string(size >> 20) +
			       " MiB, not in numa_get_mems_allowed()");
		char *buf =
			static_cast<char *>(numa_alloc_onnode(kPages * ps, usable.empty() ? 0 : usable[0]));
		std::vector<void *> addrs(kPages);
		std::vector<int> nodes(kPages, p), status(kPages, 0);
		long r = -1;
		if (buf) {
			fill(buf, ps, p);
			for (int i = 0; i < kPages; i++)
				addrs[i] = buf + i * ps;
			r = numa_move_pages(0, kPages, addrs.data(), nodes.data(), status.data(),
					    MPOL_MF_MOVE);
		}
		int err = errno;
		std::string got = r < 0 ? std::string("call failed: ") + std::strerror(err)
					: "status[0] " + std::to_string(status[0]);
		bool refused = r < 0 && (err == ENODEV || err == EACCES);
		bool moved = r == 0 && not_on(buf, ps, p) == 0;
		result((want_moved ? moved : refused) && buf && intact(buf, ps, p),
		       "numa_move_pages to private node " + std::to_string(p) + ": " +
			       (want_moved ? "every page there" : "refused with ENODEV or EACCES") +
			       ", data intact (" + got + ")");
		if (buf)
			numa_free(buf, kPages * ps);
	}

	numa_set_strict(1);
	for (int n : usable) {
		char *buf = static_cast<char *>(numa_alloc_onnode(kPages * ps, n));
		if (buf)
			fill(buf, ps, n);
		int off = buf ? not_on(buf, ps, n) : -1;
		result(buf && off == 0 && intact(buf, ps, n),
		       "numa_alloc_onnode(" + std::to_string(n) + "): " + std::to_string(kPages) +
			       " pages there, intact (" + std::to_string(off) + " elsewhere)");
		if (buf)
			numa_free(buf, kPages * ps);
		// moved there from the first usable node
		buf = static_cast<char *>(numa_alloc_onnode(kPages * ps, usable[0]));
		std::vector<void *> addrs(kPages);
		std::vector<int> nodes(kPages, n), status(kPages, -1);
		long r = -1;
		if (buf) {
			fill(buf, ps, n + 1);
			for (int i = 0; i < kPages; i++)
				addrs[i] = buf + i * ps;
			r = numa_move_pages(0, kPages, addrs.data(), nodes.data(), status.data(),
					    MPOL_MF_MOVE);
		}
		off = buf ? not_on(buf, ps, n) : -1;
		result(r == 0 && off == 0 && intact(buf, ps, n + 1),
		       "numa_move_pages to node " + std::to_string(n) + ": every page there, intact (" +
			       std::to_string(off) + " elsewhere)");
		if (buf)
			numa_free(buf, kPages * ps);
	}
	numa_bitmask_free(allowed);
	return failed ? 1 : 0;
}
