// SPDX-License-Identifier: GPL-2.0-only
// privnode-fuzz: random mbind, set_mempolicy, get_mempolicy, move_pages and
// migrate_pages calls (raw syscalls: libnuma never shows a private node)
// against a model of what the kernel promises for private memory nodes.
//
//   privnode-fuzz [--calls N] [--seed S] [--worker W] [--no-cgroup]
//                 [--allow-no-private] [--assume-ops NODE=OPS] [--trace]
//                 [--anon-pages N] [--shmem-pages N] [--timeout SEC]
//
// Workers: every combination of a cgroup (the one we were started in; a
// child whose cpuset.mems names the ordinary and the private nodes; a child
// with cpuset.mems = the first ordinary node) and a user (root, then
// nobody: 65534 after joining the cgroup), each a process of its own, all
// running at once. The first ordinary node's child also has a CPU of its
// own, and root workers move between the cgroups now and then, also into a
// child of the ordinary nodes where no worker starts: a move that changes
// the effective cpus or ordinary mems rebinds the task policy, which must
// keep the private nodes that have the mempolicy opt-in.
//
// Private nodes need an administrator's grant (cgroup v2). The root
// cgroup's cpuset.mems.private names the nodes granted to the root cgroup;
// a cgroup with an empty cpuset.mems has its parent's grant; any other has
// the private nodes of its cpuset.mems that its parent may give (a child
// of the root: any private node; deeper: those granted to the parent).
// The model computes each cgroup's grant from that file and the
// cpuset.mems we wrote (so the start cgroup, the root in the guest, and the
// first child are granted what the root file names, the others nothing),
// and checks that every cpuset.mems.effective is cpuset.mems.sysram (the
// ordinary nodes, what rebinds and Mems_allowed go by) plus the granted
// private nodes that have an opt-in. Without the grant of the caller's
// cpuset, MPOL_BIND naming a private node with mempolicy fails with EPERM
// and move_pages to one with migration with EACCES; migrate_pages fails
// with EPERM, even for root, unless the caller's and the target's cpusets
// are both granted every private target. A policy is checked when it is
// made and again at each fault: one that names a private node not granted
// to the faulting task's cpuset then (a root worker moved since) is stale,
// and the fault allocates as under the default policy, on ordinary memory.
// --calls is the total over all workers (default 10000), split evenly.
// Each worker draws its calls from its own std::mt19937_64, seeded from the
// seed and the worker index; nothing the kernel returns and no timing
// changes what is drawn, so a seed reproduces the call sequence exactly
// (--worker W runs only worker W of the same configuration).
//
// Each worker owns two small regions at a fixed address, private anonymous
// and shared anonymous (shmem) memory, with unmapped holes around them. It
// models the task policy, the policy of every page of the regions, which
// pages are present, and which private nodes each page may legitimately be
// on (its licence). After every call it touches some pages (writes, reads,
// MADV_DONTNEED), then reads every page's node with move_pages(nodes=NULL)
// and checks, page by page:
//  - a page is on a private node only if its licence holds the node: it
//    was faulted (or migrated by mbind MPOL_MF_MOVE) under an effective
//    MPOL_BIND naming the node, which has the mempolicy opt-in and was
//    granted to the worker's cpuset at that moment, or it was named as a
//    target of move_pages/migrate_pages that passed the grant and the node
//    has the migration opt-in. A node without opt-ins never holds a page
//    (this is also checked for the whole process in /proc/self/numa_maps);
//  - a page faulted under MPOL_BIND that was not stale is on one of the
//    policy's nodes;
//  - page contents survive (a value written to each page is read back);
//  - presence matches the model (a reading that does not is an error).
// Return values and errnos are checked against the model of mm/mempolicy.c
// and mm/migrate.c with the private-node rules of
// Documentation/admin-guide/mm/private_nodes.rst (MPOL_BIND only may name a
// private node, with mempolicy and the grant; other modes are narrowed to
// ordinary nodes and fail with EINVAL when only private nodes are named;
// move_pages to a private node without migration fails with ENODEV,
// without the grant with EACCES; migrate_pages without migration with
// EINVAL, without the grant with EPERM), get_mempolicy's results (mode
// value within the known modes and flags, so no internal flag leaks;
// nodemask as the model says, never a private node the policy did not
// name; Mems_allowed without private nodes) too. A worker stops at its
// first violation and reports the call (index, syscall, mode, flags, mask,
// address range, return value, errno), its cgroup and grant, and the pages
// involved.
//
// --assume-ops NODE=OPS (e.g. 1=none) makes the model believe NODE has the
// opt-ins OPS instead of what sysfs says: a self-test that the oracle fires
// (the kernel then does things the model forbids). --allow-no-private runs
// on a kernel without private nodes (only the ordinary-node paths; a
// kernel without has_private_memory has no cpuset.mems.private nor
// cpuset.mems.sysram either, and grants nothing).
//
// TAP on stdout; exit 0 when clean, 1 on any violation or error, 2 on bad
// usage.
#include <algorithm>
#include <bitset>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <grp.h>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

// uapi/linux/mempolicy.h of 6.12 (the build host's headers may be older).
constexpr int kDefault = 0, kPreferred = 1, kBind = 2, kInterleave = 3, kLocal = 4, kPreferredMany = 5,
	      kWeighted = 6, kMpolMax = 7;
constexpr unsigned kFStatic = 1u << 15, kFRelative = 1u << 14, kFNumaBal = 1u << 13;
constexpr unsigned kModeFlags = kFStatic | kFRelative | kFNumaBal;
constexpr unsigned long kGNode = 1, kGAddr = 2, kGMems = 4;
constexpr unsigned kMfStrict = 1, kMfMove = 2, kMfMoveAll = 4, kMfLazy = 8;

constexpr int kMaxNodes = 1024; // MAX_NUMNODES <= 1 << 10
constexpr size_t kMaskLongs = 1024; // 65536 bits: more than any maxnode we pass reads
constexpr unsigned long kBase = 0x100000000000ul; // 16 TiB: far from anything else
constexpr unsigned kOpMigration = 1, kOpMempolicy = 2;
constexpr int kSentinel = 0x7eadbeef;

using Nodes = std::bitset<kMaxNodes>;

const char *const kModeNames[] = {
	"MPOL_DEFAULT",	       "MPOL_PREFERRED",	  "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_LOCAL",
	"MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE"};

std::string strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
std::string strf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

std::string errname(int e)
{
	switch (e) {
	case 0:
		return "0";
	case EINVAL:
		return "EINVAL";
	case EPERM:
		return "EPERM";
	case EFAULT:
		return "EFAULT";
	case EIO:
		return "EIO";
	case ENODEV:
		return "ENODEV";
	case EACCES:
		return "EACCES";
	case ESRCH:
		return "ESRCH";
	case ENOMEM:
		return "ENOMEM";
	case ENOENT:
		return "ENOENT";
	case EBUSY:
		return "EBUSY";
	case EAGAIN:
		return "EAGAIN";
	case ENOSYS:
		return "ENOSYS";
	default:
		return strf("errno %d", e);
	}
}

std::string ret_str(long r, int e)
{
	return r < 0 ? strf("-1 %s", errname(e).c_str()) : strf("%ld", r);
}

std::string nodes_str(const Nodes &n)
{
	std::string s = "{";
	bool first = true;
	for (int i = 0; i < kMaxNodes; i++)
		if (n.test(i)) {
			s += strf("%s%d", first ? "" : ",", i);
			first = false;
		}
	return s + "}";
}

std::string mode_str(int raw)
{
	unsigned flags = static_cast<unsigned>(raw) & kModeFlags;
	int mode = static_cast<int>(static_cast<unsigned>(raw) & ~kModeFlags);
	std::string s = mode >= 0 && mode < kMpolMax ? kModeNames[mode] : strf("mode %d", mode);
	if (flags & kFStatic)
		s += "|MPOL_F_STATIC_NODES";
	if (flags & kFRelative)
		s += "|MPOL_F_RELATIVE_NODES";
	if (flags & kFNumaBal)
		s += "|MPOL_F_NUMA_BALANCING";
	return s;
}

std::string mf_str(unsigned f)
{
	if (!f)
		return "0";
	std::string s;
	auto add = [&](unsigned bit, const char *name) {
		if (f & bit) {
			s += s.empty() ? "" : "|";
			s += name;
			f &= ~bit;
		}
	};
	add(kMfStrict, "MPOL_MF_STRICT");
	add(kMfMove, "MPOL_MF_MOVE");
	add(kMfMoveAll, "MPOL_MF_MOVE_ALL");
	if (f)
		s += strf("%s%#x", s.empty() ? "" : "|", f);
	return s;
}

std::string gf_str(unsigned long f)
{
	if (!f)
		return "0";
	std::string s;
	auto add = [&](unsigned long bit, const char *name) {
		if (f & bit) {
			s += s.empty() ? "" : "|";
			s += name;
			f &= ~bit;
		}
	};
	add(kGNode, "MPOL_F_NODE");
	add(kGAddr, "MPOL_F_ADDR");
	add(kGMems, "MPOL_F_MEMS_ALLOWED");
	if (f)
		s += strf("%s%#lx", s.empty() ? "" : "|", f);
	return s;
}

struct Failure : std::runtime_error {
	using std::runtime_error::runtime_error;
};

// A file we must be able to read: failing to is an error, never "empty".
std::string read_file(const std::string &path)
{
	std::ifstream in(path);
	if (!in)
		throw Failure("cannot read " + path + ": " + std::strerror(errno));
	std::stringstream ss;
	ss << in.rdbuf();
	if (in.bad())
		throw Failure("cannot read " + path);
	return ss.str();
}

void write_file(const std::string &path, const std::string &val)
{
	int fd = open(path.c_str(), O_WRONLY);
	if (fd < 0)
		throw Failure("cannot open " + path + ": " + std::strerror(errno));
	ssize_t n = write(fd, val.data(), val.size());
	int e = errno;
	close(fd);
	if (n != static_cast<ssize_t>(val.size()))
		throw Failure("write '" + val + "' to " + path + ": " + std::strerror(n < 0 ? e : EIO));
}

std::string trim(std::string s)
{
	while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
		s.pop_back();
	size_t b = 0;
	while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b])))
		b++;
	return s.substr(b);
}

// "0-2,5" -> {0,1,2,5}; "" -> {}
std::vector<int> parse_nodelist(const std::string &raw, const std::string &what)
{
	std::vector<int> out;
	std::string list = trim(raw);
	std::stringstream ss(list);
	for (std::string part; std::getline(ss, part, ',');) {
		part = trim(part);
		char *end;
		long lo = std::strtol(part.c_str(), &end, 10), hi = lo;
		if (*end == '-')
			hi = std::strtol(end + 1, &end, 10);
		if (part.empty() || *end || lo < 0 || hi < lo || hi >= kMaxNodes)
			throw Failure("cannot parse node list '" + list + "' from " + what);
		for (long n = lo; n <= hi; n++)
			out.push_back(static_cast<int>(n));
	}
	return out;
}

std::string list_str(const std::vector<int> &v)
{
	std::string s;
	for (int n : v)
		s += (s.empty() ? "" : ",") + std::to_string(n);
	return s;
}

const std::string kNodeDir = "/sys/devices/system/node/";

// ---------------------------------------------------------------------------
// The machine as read at start: node states, private nodes and opt-ins.

struct System {
	std::vector<int> ordinary, priv, possible;
	std::map<int, unsigned> ops; // private node -> kOp*
	std::map<int, std::string> ops_text;
	int nr_node_ids = 1;
	int max_numnodes = 0;
	bool kernel_priv = false; // has_private_memory exists: so do the grant files
	Nodes ordinary_set, priv_set, priv_mig, priv_pol;
	std::vector<int> odd; // ids that are no memory node, some beyond MAX_NUMNODES

	bool is_priv(int n) const { return n >= 0 && n < kMaxNodes && priv_set.test(n); }
	std::string ops_of(int n) const
	{
		auto it = ops_text.find(n);
		return it == ops_text.end() ? "?" : it->second;
	}
};

unsigned parse_ops(const std::string &text)
{
	unsigned ops = 0;
	std::stringstream ss(text);
	for (std::string w; ss >> w;) {
		std::stringstream ws(w);
		for (std::string name; std::getline(ws, name, ',');) {
			if (name == "migration")
				ops |= kOpMigration;
			else if (name == "mempolicy")
				ops |= kOpMempolicy;
		}
	}
	return ops;
}

std::string ops_name(unsigned ops)
{
	std::string s;
	if (ops & kOpMigration)
		s = "migration";
	if (ops & kOpMempolicy)
		s += s.empty() ? "mempolicy" : " mempolicy";
	return s.empty() ? "none" : s;
}

long raw_set_mempolicy(int mode, const unsigned long *mask, unsigned long maxnode)
{
	return syscall(SYS_set_mempolicy, mode, mask, maxnode);
}

System read_system(bool allow_no_private, const std::map<int, unsigned> &assume)
{
	System s;
	s.ordinary = parse_nodelist(read_file(kNodeDir + "has_memory"), "has_memory");
	s.possible = parse_nodelist(read_file(kNodeDir + "possible"), "possible");
	if (s.ordinary.empty() || s.possible.empty())
		throw Failure("no memory node in has_memory or possible");
	struct stat st;
	if (stat((kNodeDir + "has_private_memory").c_str(), &st) == 0) {
		s.kernel_priv = true;
		s.priv = parse_nodelist(read_file(kNodeDir + "has_private_memory"), "has_private_memory");
	} else if (!allow_no_private)
		throw Failure(kNodeDir +
			      "has_private_memory is missing: kernel without private nodes "
			      "(--allow-no-private to run the ordinary paths only)");
	if (s.priv.empty() && !allow_no_private)
		throw Failure("has_private_memory is empty: no private node to fuzz "
			      "(--allow-no-private to run the ordinary paths only)");
	s.nr_node_ids = s.possible.back() + 1;
	for (int n : s.ordinary)
		s.ordinary_set.set(n);
	for (int n : s.priv) {
		if (s.ordinary_set.test(n))
			throw Failure(strf("node %d is in both has_memory and has_private_memory", n));
		std::string text = trim(read_file(kNodeDir + "node" + std::to_string(n) + "/private/ops"));
		unsigned ops = parse_ops(text);
		s.ops_text[n] = text.empty() ? "none" : text;
		if (auto it = assume.find(n); it != assume.end()) {
			ops = it->second;
			s.ops_text[n] = ops_name(ops) + " (assumed; sysfs: " + s.ops_text[n] + ")";
		}
		s.ops[n] = ops;
		s.priv_set.set(n);
		if (ops & kOpMigration)
			s.priv_mig.set(n);
		if (ops & kOpMempolicy)
			s.priv_pol.set(n);
	}
	for (const auto &a : assume)
		if (!s.priv_set.test(a.first))
			throw Failure(strf("--assume-ops: node %d is not a private node", a.first));

	// MAX_NUMNODES: bits at or above it in a nodemask make get_nodes()
	// fail with EINVAL; below it a nonexistent node is just dropped.
	unsigned long mask[kMaskLongs];
	for (int k = 1; k <= 16384; k <<= 1) {
		std::memset(mask, 0, sizeof(mask));
		mask[s.ordinary[0] / 64] |= 1ul << (s.ordinary[0] % 64);
		mask[k / 64] |= 1ul << (k % 64);
		unsigned long maxnode = static_cast<unsigned long>(std::max(k, s.ordinary[0])) + 2;
		long r = raw_set_mempolicy(kPreferred, mask, maxnode);
		if (r == 0)
			continue;
		if (errno != EINVAL)
			throw Failure(strf("probing MAX_NUMNODES: set_mempolicy: %s", std::strerror(errno)));
		s.max_numnodes = k;
		break;
	}
	if (raw_set_mempolicy(kDefault, nullptr, 0) != 0)
		throw Failure(strf("set_mempolicy(MPOL_DEFAULT): %s", std::strerror(errno)));
	if (s.max_numnodes < s.nr_node_ids || s.max_numnodes > kMaxNodes)
		throw Failure(strf("probed MAX_NUMNODES %d does not fit nr_node_ids %d", s.max_numnodes,
				   s.nr_node_ids));
	for (int n : s.possible)
		if (!s.ordinary_set.test(n) && !s.priv_set.test(n))
			s.odd.push_back(n); // possible, without memory
	s.odd.push_back(s.nr_node_ids);
	if (s.max_numnodes - 1 > s.nr_node_ids)
		s.odd.push_back(s.max_numnodes - 1);
	s.odd.push_back(s.max_numnodes); // EINVAL when the mask reaches it
	s.odd.push_back(1000);
	return s;
}

// ---------------------------------------------------------------------------
// The grant of private nodes to cpusets (cgroup v2)

const std::string kCgroupRoot = "/sys/fs/cgroup";

Nodes to_nodes(const std::vector<int> &v)
{
	Nodes n;
	for (int i : v)
		n.set(i);
	return n;
}

Nodes read_nodes(const std::string &path)
{
	return to_nodes(parse_nodelist(read_file(path), path));
}

// The private nodes granted to a cpuset. @root_list is the root cgroup's
// cpuset.mems.private, @chain the cpuset.mems of each cpuset from below the
// root down to this one (none: the root itself). The root is granted the
// private nodes of its list; a cpuset with an empty cpuset.mems what its
// parent is granted; any other the private nodes of its cpuset.mems that
// the parent may give: any private node when the parent is the root, else
// only those granted to the parent.
Nodes grant_of(const System &sys, const Nodes &root_list, const std::vector<Nodes> &chain)
{
	Nodes g = root_list & sys.priv_set;
	for (size_t i = 0; i < chain.size(); i++) {
		if (chain[i].none())
			continue;
		g = chain[i] & sys.priv_set & (i == 0 ? sys.priv_set : g);
	}
	return g;
}

// The cgroup @rel ("/" the root, "/a/b" below it) uses its own cpuset or,
// without one, its nearest ancestor's (in cgroup v2 nothing below a cgroup
// without cpuset has one). Returns that cpuset's directory; @chain gets the
// cpuset.mems of each cpuset from below the root down to it.
std::string cpuset_of(const std::string &rel, std::vector<Nodes> &chain)
{
	std::string dir = kCgroupRoot;
	chain.clear();
	std::stringstream ss(rel);
	for (std::string part; std::getline(ss, part, '/');) {
		if (part.empty())
			continue;
		std::string next = dir + "/" + part;
		struct stat st;
		if (stat((next + "/cpuset.mems").c_str(), &st) != 0) {
			if (errno != ENOENT)
				throw Failure("stat " + next + "/cpuset.mems: " + std::strerror(errno));
			break;
		}
		chain.push_back(read_nodes(next + "/cpuset.mems"));
		dir = next;
	}
	return dir;
}

// The cgroup we run in, as /proc/self/cgroup names it ("/" the root)
std::string own_cgroup()
{
	std::string own;
	std::stringstream ss(read_file("/proc/self/cgroup"));
	for (std::string l; std::getline(ss, l);)
		if (l.rfind("0::", 0) == 0)
			own = trim(l.substr(3));
	if (own.empty())
		throw Failure("no cgroup2 line in /proc/self/cgroup");
	return own;
}

// cpuset.mems.sysram: the ordinary nodes of cpuset.mems.effective, which
// attach and rebinds go by. A kernel without private nodes has no such
// file: there cpuset.mems.effective holds just those.
std::string read_sysram(const System &sys, const std::string &cpuset_dir)
{
	return trim(
		read_file(cpuset_dir + (sys.kernel_priv ? "/cpuset.mems.sysram" : "/cpuset.mems.effective")));
}

// ---------------------------------------------------------------------------
// The model

struct Policy {
	int mode = kDefault; // kDefault: no policy
	unsigned flags = 0; // user-visible mode flags
	Nodes user; // the nodemask as the kernel read it
	Nodes nodes; // effective nodes
	Nodes w_cpuset; // Mems_allowed when made (w.cpuset_mems_allowed)
	long set_by = -1; // call index
	std::string call; // the call that set it
};

std::string pol_str(const Policy &p)
{
	if (p.mode == kDefault)
		return "MPOL_DEFAULT";
	std::string s = mode_str(p.mode | static_cast<int>(p.flags)) + " nodes " + nodes_str(p.nodes);
	if (p.flags)
		s += " (named " + nodes_str(p.user) + ")";
	return s;
}

struct Page {
	enum State : uint8_t { Absent, Zero, Present, Cached };
	State st = Absent;
	uint64_t value = 0; // expected first word
	Nodes lic; // private nodes the page may be on
	long lic_call = -1; // last call that extended the licence
	long fault_call = -1; // call after which it was last allocated
	int fault_pol = 0; // policy index it was allocated under
	bool fault_stale = false; // ... which was stale then: the default policy was used
	int node = -1; // last observed node
	int pol = 0; // VMA (anon) / shared (shmem) policy index
};

// A nodemask argument as drawn.
struct Mask {
	std::vector<int> ids;
	bool null = false;
	unsigned long maxnode = 0;

	void fill(unsigned long *buf) const
	{
		std::memset(buf, 0, kMaskLongs * sizeof(unsigned long));
		for (int id : ids)
			buf[id / 64] |= 1ul << (id % 64);
	}
	std::string str() const
	{
		if (null)
			return strf("NULL, maxnode=%lu", maxnode);
		return "{" + list_str(ids) + strf("}, maxnode=%lu", maxnode);
	}
};

// get_nodes() of mm/mempolicy.c: the mask the kernel reads, or EINVAL.
int kernel_view(const System &sys, const Mask &m, Nodes &out, unsigned long page_bits)
{
	out.reset();
	unsigned long limit = m.maxnode - 1; // wraps for 0, as in the kernel
	if (limit == 0 || m.null)
		return 0;
	if (limit > page_bits)
		return EINVAL;
	for (int id : m.ids) {
		if (static_cast<unsigned long>(id) >= limit)
			continue;
		if (id >= sys.max_numnodes)
			return EINVAL;
		out.set(id);
	}
	return 0;
}

// nodes_fold() + nodes_onto(): MPOL_F_RELATIVE_NODES
Nodes relative(const Nodes &user, const Nodes &rel)
{
	Nodes out;
	size_t w = rel.count();
	if (!w)
		return out;
	std::vector<int> relbits;
	for (int i = 0; i < kMaxNodes; i++)
		if (rel.test(i))
			relbits.push_back(i);
	for (int i = 0; i < kMaxNodes; i++)
		if (user.test(i))
			out.set(relbits[i % w]);
	return out;
}

// nodes_remap(): bitmap_remap() of lib/bitmap.c
Nodes remap(const Nodes &src, const Nodes &oldm, const Nodes &newm)
{
	Nodes out;
	std::vector<int> newbits;
	for (int i = 0; i < kMaxNodes; i++)
		if (newm.test(i))
			newbits.push_back(i);
	for (int b = 0; b < kMaxNodes; b++) {
		if (!src.test(b))
			continue;
		if (!oldm.test(b) || newbits.empty()) {
			out.set(b);
			continue;
		}
		size_t n = 0;
		for (int i = 0; i < b; i++)
			n += oldm.test(i);
		out.set(newbits[n % newbits.size()]);
	}
	return out;
}

int first_node(const Nodes &n)
{
	for (int i = 0; i < kMaxNodes; i++)
		if (n.test(i))
			return i;
	return -1;
}

// What a policy-setting call should do: an errno, or the new policy.
struct NewPolicy {
	int err = 0;
	bool grant = false; // err is EPERM for a private node not granted
	std::string rule; // why, when it is a private-node rule of the docs
	Policy pol;
};

// Memory layout of a worker: slot k is at kBase + k pages. Slot 0, A+1 and
// A+S+2 are holes; anon pages are slots 1..A, shmem pages A+2..A+S+1.
struct Layout {
	size_t anon = 0, shmem = 0, ps = 4096;
	size_t slots() const { return anon + shmem + 3; }
	long page_of(size_t slot) const
	{
		if (slot >= 1 && slot <= anon)
			return static_cast<long>(slot - 1);
		if (slot >= anon + 2 && slot <= anon + shmem + 1)
			return static_cast<long>(slot - 2);
		return -1;
	}
	size_t slot_of(size_t page) const { return page < anon ? page + 1 : page + 2; }
	unsigned long addr(size_t slot) const { return kBase + slot * ps; }
	bool is_shmem(size_t page) const { return page >= anon; }
	std::string name(size_t page) const
	{
		return page < anon ? strf("anon[%zu]", page) : strf("shmem[%zu]", page - anon);
	}
	std::string slot_name(size_t slot) const
	{
		long p = page_of(slot);
		return p < 0 ? strf("hole@%#lx", addr(slot)) : strf("%s@%#lx", name(p).c_str(), addr(slot));
	}
};

const char *const kKinds[] = {"mbind",	       "set_mempolicy", "get_mempolicy", "move_pages",
			      "migrate_pages", "status",	"cgroup moves"};
enum Kind { KMbind, KSetPol, KGetPol, KMovePages, KMigrate, KStatus, KMove, KKinds };

struct Stats {
	long calls[KKinds] = {}; // per syscall kind
	long ok[KKinds] = {}; // returned >= 0
	long rebinds = 0;
	long policy_on_priv = 0, moved_to_priv = 0, migrated_to_priv = 0;
	long stale_faults = 0; // allocations under a policy not granted to the cpuset then
	long grant_refused = 0; // EPERM/EACCES for a private node not granted
	long page_checks = 0;
	std::map<int, long> seen_on; // private node -> page observations
};

struct WorkerCfg {
	int index = 0;
	std::string cgroup; // description
	std::string cgroup_dir; // "" = stay where we are
	bool unpriv = false;
	long calls = 0;
	uint64_t seed = 0;
	size_t anon = 96, shmem = 32;
	bool trace = false;
	pid_t parent = 0;
	std::string repro; // command line that runs this worker alone
	// every cgroup of the run: the ones workers start in, then the ones
	// root workers only move to; their effective cpus and ordinary mems
	// (cpuset.mems.sysram), which decide whether a move rebinds, and the
	// private nodes granted to their cpusets
	struct Cg {
		std::string name, dir, cpus, mems;
		bool root = false; // the top cpuset: no memory_migrate
		Nodes granted;
	};
	std::vector<Cg> cgroups;
	bool moves = false; // root workers move between them
	int home = 0; // index in cgroups
};

class Worker {
public:
	Worker(const System &sys, const WorkerCfg &cfg) : sys_(sys), cfg_(cfg)
	{
		uint64_t x = cfg.seed + 0x9e3779b97f4a7c15ull * (static_cast<uint64_t>(cfg.index) + 1);
		x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
		x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
		rng_.seed(x ^ (x >> 31));
		lay_.anon = cfg.anon;
		lay_.shmem = cfg.shmem;
		lay_.ps = static_cast<size_t>(sysconf(_SC_PAGESIZE));
		page_bits_ = lay_.ps * 8;
		policies_.push_back(Policy{});
	}

	// Returns the report: first line "RESULT ..." then details.
	std::string run();

private:
	const System &sys_;
	WorkerCfg cfg_;
	std::mt19937_64 rng_;
	Layout lay_;
	unsigned long page_bits_ = 32768;
	Nodes cpuset_; // ordinary nodes of the cpuset (cpuset_mems_allowed())
	Nodes mems_raw_; // Mems_allowed as the task has it
	std::vector<Page> pages_;
	std::vector<Policy> policies_;
	int task_pol_ = 0;
	int cgroup_ = 0; // index in cfg_.cgroups
	long idx_ = -1; // current call
	std::string call_; // current call, formatted
	std::string touch_; // what the touch phase did
	std::vector<std::string> recent_;
	std::vector<void *> all_addrs_;
	Stats stats_;
	bool failed_ = false;
	std::string report_;
	unsigned long mask_a_[kMaskLongs], mask_b_[kMaskLongs];

	uint64_t below(uint64_t n) { return n ? rng_() % n : 0; }
	bool chance(uint64_t one_in) { return below(one_in) == 0; }

	const Policy &effective(size_t page) const
	{
		const Policy &p = policies_[pages_[page].pol];
		return p.mode == kDefault ? policies_[task_pol_] : p;
	}
	int effective_index(size_t page) const
	{
		return policies_[pages_[page].pol].mode == kDefault ? task_pol_ : pages_[page].pol;
	}
	// Private nodes granted to the cpuset the worker is in now
	Nodes granted() const
	{
		size_t c = static_cast<size_t>(cgroup_);
		return c < cfg_.cgroups.size() ? cfg_.cgroups[c].granted : Nodes();
	}
	// Private nodes @p names: MPOL_BIND's nodes with the mempolicy opt-in,
	// nothing for every other mode.
	Nodes named_private(const Policy &p) const
	{
		if (p.mode != kBind || (p.flags & kFRelative))
			return Nodes();
		return p.nodes & sys_.priv_pol;
	}
	// A policy naming a private node that lacks the mempolicy opt-in or is
	// not granted to the worker's cpuset now is stale: an allocation under
	// it uses the default policy (the local node, ordinary memory).
	bool stale(const Policy &p) const
	{
		if (p.mode != kBind)
			return false;
		Nodes priv = p.nodes & sys_.priv_set;
		return (priv & ~(sys_.priv_pol & granted())).any();
	}
	// Private nodes an allocation under @p may use now
	Nodes allowed(const Policy &p) const { return stale(p) ? Nodes() : named_private(p); }

	void violation(const std::string &what, const std::string &detail = "");
	void error(const std::string &what);
	std::string context() const;

	int draw_node();
	Mask draw_mask();
	int draw_mode();
	size_t draw_slot() { return below(lay_.slots()); }

	NewPolicy model_policy(int raw_mode, const Mask &m);
	void check_policy_result(const NewPolicy &np, long r, int e, const char *call);

	void op_set_mempolicy();
	void op_mbind();
	void op_get_mempolicy();
	struct PidChoice pick_pid(uint64_t other_below);
	Nodes granted_both(int target_cgroup) const;
	void op_move_pages();
	void op_migrate_pages();
	void op_status();
	void op_move_cgroup();
	void rebind(Policy &p, const Nodes &newmask) const;
	void read_mems();

	void fault(size_t page, bool write);
	void touch();
	void verify();
	void check_numa_maps();
	void setup();
	std::string summary_line() const;
};

std::string Worker::context() const
{
	std::string s;
	for (const auto &r : recent_)
		s += "#     " + r + "\n";
	return s;
}

void Worker::violation(const std::string &what, const std::string &detail)
{
	if (failed_)
		return;
	failed_ = true;
	report_ += strf("# worker %d: VIOLATION at call #%ld: %s\n", cfg_.index, idx_, what.c_str());
	report_ += "#   call: " + call_ + "\n";
	if (!touch_.empty())
		report_ += "#   then: " + touch_ + "\n";
	if (!detail.empty()) {
		std::stringstream ss(detail);
		for (std::string l; std::getline(ss, l);)
			report_ += "#   " + l + "\n";
	}
	report_ += strf("#   task policy: %s", pol_str(policies_[task_pol_]).c_str());
	if (policies_[task_pol_].set_by >= 0)
		report_ += strf(" (set by call #%ld)", policies_[task_pol_].set_by);
	if (static_cast<size_t>(cgroup_) < cfg_.cgroups.size())
		report_ += strf("\n#   cgroup: %s, granted private nodes %s",
				cfg_.cgroups[cgroup_].name.c_str(), nodes_str(granted()).c_str());
	report_ += "\n#   calls before it:\n" + context();
	report_ += "#   reproduce: " + cfg_.repro + "\n";
}

void Worker::error(const std::string &what)
{
	if (failed_)
		return;
	failed_ = true;
	report_ += strf("# worker %d: ERROR at call #%ld: %s\n", cfg_.index, idx_, what.c_str());
	if (!call_.empty())
		report_ += "#   call: " + call_ + "\n";
	if (!touch_.empty())
		report_ += "#   then: " + touch_ + "\n";
	report_ += "#   calls before it:\n" + context();
}

// Node ids for masks and targets: private nodes often, ordinary nodes, and
// ids that are no memory node (memoryless, nonexistent, >= MAX_NUMNODES).
int Worker::draw_node()
{
	uint64_t r = below(20);
	if (r < 8 && !sys_.priv.empty())
		return sys_.priv[below(sys_.priv.size())];
	if (r < 17)
		return sys_.ordinary[below(sys_.ordinary.size())];
	return sys_.odd[below(sys_.odd.size())];
}

Mask Worker::draw_mask()
{
	Mask m;
	uint64_t r = below(16);
	if (r == 0)
		m.null = true;
	else if (r != 1) {
		size_t n = 1 + below(3);
		for (size_t i = 0; i < n; i++)
			m.ids.push_back(draw_node());
	}
	const unsigned long usual[] = {static_cast<unsigned long>(sys_.nr_node_ids) + 1,
				       static_cast<unsigned long>(sys_.max_numnodes) + 1, 1025, 65};
	const unsigned long odd[] = {0,
				     1,
				     2,
				     3,
				     static_cast<unsigned long>(sys_.nr_node_ids),
				     4097,
				     page_bits_ + 1,
				     page_bits_ + 2,
				     1ul << 20};
	r = below(8);
	if (r < 6)
		m.maxnode = usual[below(std::size(usual))];
	else
		m.maxnode = odd[below(std::size(odd))];
	return m;
}

int Worker::draw_mode()
{
	uint64_t r = below(24);
	int mode;
	if (r < 8)
		mode = kBind;
	else if (r < 23)
		mode = static_cast<int>(below(kMpolMax));
	else {
		const int bad[] = {kMpolMax, 100, -1, 1 << 12};
		mode = bad[below(std::size(bad))];
	}
	unsigned flags = 0;
	if (chance(6))
		flags |= kFStatic;
	if (chance(6))
		flags |= kFRelative;
	if (chance(6))
		flags |= kFNumaBal;
	return mode < 0 ? mode : static_cast<int>(static_cast<unsigned>(mode) | flags);
}

// sanitize_mpol_flags + get_nodes + mpol_new + mpol_set_nodemask
NewPolicy Worker::model_policy(int raw_mode, const Mask &m)
{
	NewPolicy np;
	unsigned flags = static_cast<unsigned>(raw_mode) & kModeFlags;
	int mode = static_cast<int>(static_cast<unsigned>(raw_mode) & ~kModeFlags);
	if (static_cast<unsigned>(mode) >= static_cast<unsigned>(kMpolMax) ||
	    ((flags & kFStatic) && (flags & kFRelative)) ||
	    ((flags & kFNumaBal) && mode != kBind && mode != kPreferredMany)) {
		np.err = EINVAL;
		return np;
	}
	Nodes user;
	if ((np.err = kernel_view(sys_, m, user, page_bits_)))
		return np;
	Policy &p = np.pol;
	p.mode = mode;
	p.flags = flags;
	p.user = user;
	p.w_cpuset = mems_raw_;
	switch (mode) {
	case kDefault:
		if (user.any())
			np.err = EINVAL;
		p = Policy{};
		return np;
	case kPreferred:
		if (user.none()) {
			if (flags & (kFStatic | kFRelative)) {
				np.err = EINVAL;
				return np;
			}
			p.mode = kLocal;
		}
		break;
	case kLocal:
		if (user.any() || (flags & (kFStatic | kFRelative)))
			np.err = EINVAL;
		break;
	default:
		if (user.none())
			np.err = EINVAL;
	}
	if (np.err || p.mode == kLocal) {
		p.user.reset();
		return np;
	}
	// mpol_set_nodemask() first: MPOL_BIND may name a private node with
	// mempolicy only when the caller's cpuset is granted it (those without
	// mempolicy are dropped below, whatever the grant)
	Nodes refused = user & sys_.priv_pol & ~granted();
	if (mode == kBind && !(flags & kFRelative) && refused.any()) {
		np.err = EPERM;
		np.grant = true;
		np.rule =
			strf("documented: MPOL_BIND naming a private node with mempolicy that is not granted "
			     "to the caller's cpuset fails with EPERM (node %d, granted %s)",
			     first_node(refused), nodes_str(granted()).c_str());
		return np;
	}
	Nodes mask1 = cpuset_ & sys_.ordinary_set;
	if (mode == kBind && !(flags & kFRelative))
		mask1 |= user & sys_.priv_pol;
	Nodes mask2 = (flags & kFRelative) ? relative(user, mask1) : (user & mask1);
	if (mask2.none()) {
		np.err = EINVAL;
		Nodes named_priv = user & sys_.priv_set;
		if (named_priv.any() && mode == kBind)
			np.rule = "documented: MPOL_BIND drops private nodes without the mempolicy "
				  "opt-in (like memoryless nodes) and fails with EINVAL when nothing "
				  "is left";
		else if (named_priv.any())
			np.rule = "documented: modes other than MPOL_BIND are narrowed to ordinary "
				  "nodes; a policy naming only private nodes fails with EINVAL";
		return np;
	}
	if (mode == kBind && !(flags & kFRelative) && (user & sys_.priv_pol).any())
		np.rule = "documented: MPOL_BIND may name a private node that has the mempolicy opt-in "
			  "and is granted to the caller's cpuset";
	if (mode == kPreferred) {
		p.nodes.reset();
		p.nodes.set(first_node(mask2));
	} else {
		p.nodes = mask2;
	}
	if (!(flags & kModeFlags))
		p.user.reset();
	return np;
}

void Worker::check_policy_result(const NewPolicy &np, long r, int e, const char *call)
{
	if (np.grant && r < 0 && e == EPERM)
		stats_.grant_refused++;
	if (np.err && r == 0)
		violation(strf("%s succeeded, expected %s", call, errname(np.err).c_str()),
			  np.rule.empty() ? "rule: kernel ABI (mm/mempolicy.c)" : "rule: " + np.rule);
	else if (np.err && e != np.err)
		violation(strf("%s failed with %s, expected %s", call, errname(e).c_str(),
			       errname(np.err).c_str()),
			  np.rule.empty() ? "rule: kernel ABI (mm/mempolicy.c)" : "rule: " + np.rule);
	else if (!np.err && r != 0)
		violation(strf("%s failed with %s, expected success", call, errname(e).c_str()),
			  np.rule.empty() ? "rule: kernel ABI (mm/mempolicy.c)" : "rule: " + np.rule);
}

void Worker::op_set_mempolicy()
{
	int mode = draw_mode();
	Mask m = draw_mask();
	call_ = strf("set_mempolicy(mode=%s, nodemask=%s)", mode_str(mode).c_str(), m.str().c_str());
	m.fill(mask_a_);
	long r = raw_set_mempolicy(mode, m.null ? nullptr : mask_a_, m.maxnode);
	int e = errno;
	call_ += " = " + ret_str(r, e);
	stats_.calls[KSetPol]++;
	stats_.ok[KSetPol] += r >= 0;
	NewPolicy np = model_policy(mode, m);
	check_policy_result(np, r, e, "set_mempolicy");
	if (failed_ || r != 0)
		return;
	np.pol.set_by = idx_;
	np.pol.call = strf("#%ld ", idx_) + call_;
	if (np.pol.mode == kDefault) {
		task_pol_ = 0;
	} else {
		policies_.push_back(np.pol);
		task_pol_ = static_cast<int>(policies_.size() - 1);
	}
}

void Worker::op_mbind()
{
	// range: a start slot (sometimes unaligned), a length within the span
	// (sometimes not a page multiple, 0, or wrapping around)
	// mostly inside one region, sometimes across holes
	size_t s, n;
	uint64_t where = below(10);
	if (where < 5) {
		s = 1 + below(lay_.anon);
		n = 1 + below(lay_.anon + 1 - s);
	} else if (where < 7 && lay_.shmem) {
		s = lay_.anon + 2 + below(lay_.shmem);
		n = 1 + below(lay_.anon + lay_.shmem + 2 - s);
	} else {
		s = draw_slot();
		n = below(lay_.slots() - s + 1);
	}
	unsigned long start = lay_.addr(s);
	bool unaligned = chance(24);
	if (unaligned)
		start += 1 + below(lay_.ps - 1);
	unsigned long len = n * lay_.ps;
	uint64_t lr = below(32);
	if (lr == 0)
		len = ~0ul - below(lay_.ps); // PAGE_ALIGN wraps to 0
	else if (lr == 1)
		len = ~0ul - lay_.ps * (1 + below(4)) - below(lay_.ps); // end < start
	else if (lr < 6 && len >= lay_.ps)
		len -= below(lay_.ps); // rounded up again
	int mode = draw_mode();
	Mask m = draw_mask();
	unsigned flags;
	uint64_t fr = below(20);
	if (fr < 7)
		flags = 0;
	else if (fr < 12)
		flags = kMfMove;
	else if (fr < 14)
		flags = kMfStrict;
	else if (fr < 16)
		flags = kMfStrict | kMfMove;
	else if (fr < 18)
		flags = chance(2) ? kMfMoveAll : (kMfStrict | kMfMoveAll);
	else
		flags = chance(2) ? kMfLazy : (kMfMove | (1u << 10));

	unsigned long len2 = (len + lay_.ps - 1) & ~(lay_.ps - 1);
	unsigned long end = start + len2;
	size_t first_slot = s, end_slot = s + len2 / lay_.ps; // meaningful when no error
	std::string range = strf("start=%#lx [%s%s], len=%#lx", start, lay_.slot_name(s).c_str(),
				 unaligned ? "+unaligned" : "", len);
	if (end > start && !unaligned)
		range += strf(" (slots %zu..%zu)", first_slot, end_slot - 1);
	call_ = strf("mbind(%s, mode=%s, nodemask=%s, flags=%s)", range.c_str(), mode_str(mode).c_str(),
		     m.str().c_str(), mf_str(flags).c_str());
	m.fill(mask_a_);
	long r = syscall(SYS_mbind, start, len, static_cast<unsigned long>(static_cast<long>(mode)),
			 m.null ? nullptr : mask_a_, m.maxnode, flags);
	int e = errno;
	call_ += " = " + ret_str(r, e);
	stats_.calls[KMbind]++;
	stats_.ok[KMbind] += r >= 0;

	// kernel_mbind: sanitize_mpol_flags, get_nodes; do_mbind: flags,
	// MOVE_ALL, alignment, length; then the policy; then the range walk.
	NewPolicy np;
	auto expect = [&](std::vector<int> errs, const std::string &why) {
		bool ok = r < 0 ? std::find(errs.begin(), errs.end(), e) != errs.end()
				: std::find(errs.begin(), errs.end(), 0) != errs.end();
		if (ok)
			return true;
		std::string want;
		for (int x : errs)
			want += (want.empty() ? "" : " or ") + errname(x);
		violation(strf("mbind returned %s, expected %s", ret_str(r, e).c_str(), want.c_str()),
			  "rule: " + why);
		return false;
	};
	const std::string abi = "kernel ABI (mm/mempolicy.c)";
	{
		unsigned mflags = static_cast<unsigned>(mode) & kModeFlags;
		int bmode = static_cast<int>(static_cast<unsigned>(mode) & ~kModeFlags);
		Nodes tmp;
		if (static_cast<unsigned>(bmode) >= static_cast<unsigned>(kMpolMax) ||
		    ((mflags & kFStatic) && (mflags & kFRelative)) ||
		    ((mflags & kFNumaBal) && bmode != kBind && bmode != kPreferredMany) ||
		    kernel_view(sys_, m, tmp, page_bits_)) {
			expect({EINVAL}, abi + ": mode, mode flags or nodemask");
			return;
		}
		if (flags & ~(kMfStrict | kMfMove | kMfMoveAll)) {
			expect({EINVAL}, abi + ": mbind flags");
			return;
		}
		if ((flags & kMfMoveAll) && cfg_.unpriv) {
			expect({EPERM}, abi + ": MPOL_MF_MOVE_ALL needs CAP_SYS_NICE");
			return;
		}
		if (unaligned) {
			expect({EINVAL}, abi + ": unaligned start");
			return;
		}
		if (bmode == kDefault)
			flags &= ~kMfStrict;
		if (end < start) {
			expect({EINVAL}, abi + ": range wraps");
			return;
		}
		if (end == start) {
			expect({0}, abi + ": empty range");
			return;
		}
	}
	np = model_policy(mode, m);
	if (np.err) {
		if (expect({np.err}, np.rule.empty() ? abi : np.rule) && np.grant)
			stats_.grant_refused++;
		return;
	}
	// the walk: holes, and for STRICT alone pages outside the nodemask
	Nodes user;
	kernel_view(sys_, m, user, page_bits_);
	bool is_default = np.pol.mode == kDefault;
	bool any_mapped = false, hole = false, head_hole = lay_.page_of(first_slot) < 0;
	bool misplaced_before_hole = false, misplaced = false;
	for (size_t k = first_slot; k < end_slot; k++) {
		long p = lay_.page_of(k);
		if (p < 0) {
			hole = true;
			continue;
		}
		any_mapped = true;
		const Page &pg = pages_[p];
		if (pg.st == Page::Present && (pg.node < 0 || !user.test(pg.node))) {
			misplaced = true;
			if (!hole)
				misplaced_before_hole = true;
		}
	}
	bool strict_only = (flags & (kMfStrict | kMfMove | kMfMoveAll)) == kMfStrict;
	bool apply = false;
	if (!any_mapped) {
		if (!expect({EFAULT}, abi + ": no VMA in the range"))
			return;
	} else if (!is_default && head_hole) {
		if (!expect({EFAULT}, abi + ": hole at the start of the range"))
			return;
	} else if (!is_default && hole) {
		std::vector<int> errs = {EFAULT};
		if (strict_only && misplaced_before_hole)
			errs.push_back(EIO);
		if (!expect(errs, abi + ": hole in the range"))
			return;
	} else if (strict_only) {
		if (!expect({misplaced ? EIO : 0}, abi + ": MPOL_MF_STRICT with pages outside the nodemask"))
			return;
		apply = !misplaced;
	} else if (flags & kMfStrict) {
		if (!expect({0, EIO}, np.rule.empty() ? abi : np.rule))
			return;
		apply = true;
	} else {
		if (!expect({0}, np.rule.empty() ? abi : np.rule))
			return;
		apply = true;
	}
	if (!apply)
		return;
	int pol_index = 0;
	if (!is_default) {
		np.pol.set_by = idx_;
		np.pol.call = strf("#%ld ", idx_) + call_;
		policies_.push_back(np.pol);
		pol_index = static_cast<int>(policies_.size() - 1);
	}
	// MPOL_MF_MOVE migrates pages outside the nodemask by the new policy
	// (the task policy for MPOL_DEFAULT, which may be stale: the model
	// takes it that the migration allocates as a fault would).
	Nodes mig = (flags & (kMfMove | kMfMoveAll)) ? allowed(is_default ? policies_[task_pol_] : np.pol)
						     : Nodes();
	for (size_t k = first_slot; k < end_slot; k++) {
		long p = lay_.page_of(k);
		if (p < 0)
			continue;
		pages_[p].pol = pol_index;
		if (mig.any() && pages_[p].st == Page::Present) {
			pages_[p].lic |= mig;
			pages_[p].lic_call = idx_;
		}
	}
}

void Worker::op_get_mempolicy()
{
	uint64_t fr = below(16);
	unsigned long flags;
	if (fr < 3)
		flags = 0;
	else if (fr < 7)
		flags = kGAddr;
	else if (fr < 11)
		flags = kGNode | kGAddr;
	else if (fr < 12)
		flags = kGNode;
	else if (fr < 14)
		flags = kGMems;
	else
		flags = chance(2) ? (kGMems | kGNode) : (1ul << 3);
	size_t slot = draw_slot();
	unsigned long addr = 0;
	if (flags & kGAddr)
		addr = lay_.addr(slot) + (chance(4) ? below(lay_.ps) : 0);
	else if (chance(16))
		addr = lay_.addr(slot);
	bool mode_null = chance(10);
	bool nmask_null = chance(5);
	Mask m = draw_mask(); // only its maxnode is used
	unsigned long maxnode = m.maxnode;
	int mode = kSentinel;
	std::memset(mask_a_, 0xa5, sizeof(mask_a_));
	call_ = strf("get_mempolicy(mode=%s, nodemask=%s, maxnode=%lu, addr=%#lx%s, flags=%s)",
		     mode_null ? "NULL" : "&mode", nmask_null ? "NULL" : "&mask", maxnode, addr,
		     addr ? (" [" + lay_.slot_name((addr - kBase) / lay_.ps) + "]").c_str() : "",
		     gf_str(flags).c_str());
	long r = syscall(SYS_get_mempolicy, mode_null ? nullptr : &mode, nmask_null ? nullptr : mask_a_,
			 maxnode, addr, flags);
	int e = errno;
	call_ += " = " + ret_str(r, e);
	stats_.calls[KGetPol]++;
	stats_.ok[KGetPol] += r >= 0;
	const std::string abi = "kernel ABI (mm/mempolicy.c)";

	auto want_err = [&](int err, const std::string &why) {
		if (r < 0 && e == err)
			return;
		violation(strf("get_mempolicy returned %s, expected %s", ret_str(r, e).c_str(),
			       errname(err).c_str()),
			  "rule: " + why);
	};
	if (!nmask_null && maxnode < static_cast<unsigned long>(sys_.nr_node_ids))
		return want_err(EINVAL, abi + ": maxnode below nr_node_ids");
	if (flags & ~(kGNode | kGAddr | kGMems))
		return want_err(EINVAL, abi + ": unknown flag");
	Nodes want_mask;
	int want_value = 0;
	bool value_is_node = false;
	const Policy *pol = &policies_[0];
	long page = -1;
	if (flags & kGMems) {
		if (flags & (kGNode | kGAddr))
			return want_err(EINVAL, abi + ": MPOL_F_MEMS_ALLOWED with MPOL_F_NODE/ADDR");
		want_mask = mems_raw_;
	} else {
		if (flags & kGAddr) {
			page = lay_.page_of((addr - kBase) / lay_.ps);
			if (page < 0)
				return want_err(EFAULT, abi + ": no VMA at addr");
			pol = &policies_[pages_[page].pol]; // no fallback to the task policy
		} else if (addr) {
			return want_err(EINVAL, abi + ": addr without MPOL_F_ADDR");
		} else {
			pol = &policies_[task_pol_];
		}
		if (flags & kGNode) {
			if (flags & kGAddr) {
				// lookup_node(): GUP reads the page in. An absent anon
				// page gets the zero page, an absent shmem page is
				// allocated by its policy.
				fault(static_cast<size_t>(page), false);
				value_is_node = true;
			} else if (pol->mode == kInterleave || pol->mode == kWeighted) {
				value_is_node = true;
			} else {
				return want_err(EINVAL,
						abi + ": MPOL_F_NODE without an interleaving task policy");
			}
		} else {
			want_value = (pol->mode == kDefault ? 0 : pol->mode) | static_cast<int>(pol->flags);
		}
		if (pol->flags & kModeFlags)
			want_mask = pol->user;
		else if (pol->mode != kDefault && pol->mode != kLocal)
			want_mask = pol->nodes;
	}
	size_t copy = ((maxnode - 1 + 63) & ~63ul) / 8;
	size_t nbytes = (static_cast<size_t>(sys_.nr_node_ids) + 63) / 64 * 8;
	if (!nmask_null && copy > nbytes && copy > lay_.ps)
		return want_err(EINVAL, abi + ": nodemask larger than a page");
	if (r != 0) {
		violation(strf("get_mempolicy failed with %s, expected success", errname(e).c_str()),
			  "rule: " + abi);
		return;
	}
	if (!mode_null) {
		if (value_is_node) {
			if (mode < 0 || mode >= sys_.nr_node_ids ||
			    (!sys_.ordinary_set.test(mode) && !sys_.priv_set.test(mode)))
				violation(strf("get_mempolicy(MPOL_F_NODE) returned node %d, no memory node",
					       mode));
			else if (flags & kGAddr) {
				const Page &pg = pages_[page];
				if (sys_.is_priv(mode) && !(pg.st == Page::Present && pg.lic.test(mode)))
					violation(strf("get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR) says %s is on "
						       "private "
						       "node %d (ops: %s), which it may not be on",
						       lay_.name(page).c_str(), mode,
						       sys_.ops_of(mode).c_str()),
						  strf("licensed private nodes of the page: %s",
						       nodes_str(pg.lic).c_str()));
			} else if (!pol->nodes.test(mode)) {
				violation(strf(
					"get_mempolicy(MPOL_F_NODE) returned node %d, not in the interleave "
					"nodes %s",
					mode, nodes_str(pol->nodes).c_str()));
			}
		} else {
			int m0 = static_cast<int>(static_cast<unsigned>(mode) & ~kModeFlags);
			if (m0 < 0 || m0 >= kMpolMax)
				violation(strf("get_mempolicy returned mode value %#x: not a mode with mode "
					       "flags (an internal flag leaked?)",
					       static_cast<unsigned>(mode)));
			else if (mode != want_value)
				violation(strf("get_mempolicy returned %s, the model says %s",
					       mode_str(mode).c_str(), mode_str(want_value).c_str()),
					  strf("policy: %s%s", pol_str(*pol).c_str(),
					       pol->call.empty() ? "" : (", set by " + pol->call).c_str()));
		}
	}
	if (failed_ || nmask_null)
		return;
	size_t got_bytes = std::min(copy, nbytes);
	Nodes got;
	for (size_t b = 0; b < got_bytes * 8 && b < static_cast<size_t>(kMaxNodes); b++)
		if (mask_a_[b / 64] & (1ul << (b % 64)))
			got.set(b);
	Nodes want = want_mask;
	for (size_t b = got_bytes * 8; b < static_cast<size_t>(kMaxNodes); b++)
		want.reset(b);
	if ((flags & kGMems) && (got & sys_.priv_set).any())
		violation(strf("get_mempolicy(MPOL_F_MEMS_ALLOWED) returned %s with private nodes",
			       nodes_str(got).c_str()),
			  "rule: documented: a private node is never in a task's mems_allowed");
	else if (!(flags & kGMems) && (got & sys_.priv_set & ~pol->user & ~named_private(*pol)).any())
		violation(strf("get_mempolicy returned nodemask %s with a private node the policy did not "
			       "name (with the mempolicy opt-in)",
			       nodes_str(got).c_str()),
			  strf("policy: %s%s", pol_str(*pol).c_str(),
			       pol->call.empty() ? "" : (", set by " + pol->call).c_str()));
	else if (got != want)
		violation(strf("get_mempolicy returned nodemask %s, the model says %s",
			       nodes_str(got).c_str(), nodes_str(want).c_str()),
			  strf("policy: %s%s", pol_str(*pol).c_str(),
			       pol->call.empty() ? "" : (", set by " + pol->call).c_str()));
	if (!failed_ && copy > nbytes)
		for (size_t b = nbytes; b < copy; b++)
			if (reinterpret_cast<unsigned char *>(mask_a_)[b] != 0) {
				violation(strf("get_mempolicy left byte %zu of the nodemask uncleared", b));
				break;
			}
}

// The pid a move_pages/migrate_pages call names, from one draw of
// below(20): 0-5 this process, 6 a pid that does not exist, 6 < n <
// @other_below the root parent (unprivileged workers only), else 0 (self).
// With it the cgroup the target is in (index in cfg_.cgroups, -1: none):
// the parent never leaves the one we were started in, so the model always
// knows it.
enum class PidTarget { Self, Other, Missing };
struct PidChoice {
	int pid;
	std::string who;
	PidTarget target;
	int cgroup;
};

PidChoice Worker::pick_pid(uint64_t other_below)
{
	uint64_t pr = below(20);
	if (pr < 6)
		return {static_cast<int>(getpid()), "self", PidTarget::Self, cgroup_};
	if (pr == 6)
		return {0x3ffffff0, "nonexistent", PidTarget::Missing, -1};
	if (pr < other_below && cfg_.unpriv)
		return {cfg_.parent, "parent (root)", PidTarget::Other, 0};
	return {0, "0", PidTarget::Self, cgroup_};
}

// Private nodes granted to both the caller's cpuset and the target's
Nodes Worker::granted_both(int target_cgroup) const
{
	size_t c = static_cast<size_t>(target_cgroup);
	return granted() &
		(target_cgroup >= 0 && c < cfg_.cgroups.size() ? cfg_.cgroups[c].granted : Nodes());
}

// move_pages: the same target for all pages, or a target per page; pages
// from the regions and holes; self, another process or none.
void Worker::op_move_pages()
{
	const auto [pid, who, target, target_cg] = pick_pid(8);
	size_t count = chance(32) ? 0 : 1 + below(16);
	std::vector<void *> addrs(count);
	std::vector<int> nodes(count), status(count, kSentinel);
	std::vector<size_t> slots(count);
	bool same = chance(2);
	int one = draw_node();
	for (size_t i = 0; i < count; i++) {
		slots[i] = draw_slot();
		addrs[i] = reinterpret_cast<void *>(lay_.addr(slots[i]));
		int n = same ? one : draw_node();
		if (chance(40))
			n = chance(2) ? -1 : 1 << 20;
		nodes[i] = n;
	}
	uint64_t fr = below(20);
	int flags = fr < 3 ? 0
		: fr < 15  ? kMfMove
		: fr < 18  ? kMfMoveAll
		: fr < 19  ? (kMfMove | kMfMoveAll)
			   : 8;
	call_ = strf("move_pages(pid=%s, count=%zu, [", who.c_str(), count);
	for (size_t i = 0; i < count; i++)
		call_ += strf("%s%s->%d", i ? ", " : "", lay_.slot_name(slots[i]).c_str(), nodes[i]);
	call_ += strf("], flags=%s)", mf_str(static_cast<unsigned>(flags)).c_str());
	long r = syscall(SYS_move_pages, pid, count, addrs.data(), nodes.data(), status.data(), flags);
	int e = errno;
	call_ += " = " + ret_str(r, e);
	if (r >= 0 && count) {
		call_ += ", status [";
		for (size_t i = 0; i < count; i++)
			call_ += (i ? "," : "") +
				(status[i] == kSentinel ? std::string("-") : std::to_string(status[i]));
		call_ += "]";
	}
	stats_.calls[KMovePages]++;
	stats_.ok[KMovePages] += r >= 0;
	const std::string abi = "kernel ABI (mm/migrate.c)";
	auto want_err = [&](int err, const std::string &why) {
		if (r < 0 && e == err)
			return;
		violation(strf("move_pages returned %s, expected %s", ret_str(r, e).c_str(),
			       errname(err).c_str()),
			  "rule: " + why);
	};
	if (flags & ~(kMfMove | kMfMoveAll))
		return want_err(EINVAL, abi + ": flags");
	if ((flags & kMfMoveAll) && cfg_.unpriv)
		return want_err(EPERM, abi + ": MPOL_MF_MOVE_ALL needs CAP_SYS_NICE");
	if (target == PidTarget::Missing)
		return want_err(ESRCH, abi + ": no such process");
	if (target == PidTarget::Other)
		return want_err(EPERM, abi + ": another user's process");
	// A private target must be granted to the caller's cpuset and, when
	// the pid names another process, to that one's too. Past the checks
	// above the target is always this process (the parent is another
	// user's); the model knows the cgroup of every target it could name.
	Nodes grant = granted_both(target_cg);
	// do_pages_move: the first entry with a bad node ends the call
	size_t bad = count;
	int bad_err = 0;
	bool bad_grant = false;
	std::string bad_rule;
	for (size_t i = 0; i < count && bad == count; i++) {
		int n = nodes[i];
		if (n < 0 || n >= sys_.max_numnodes)
			bad_err = ENODEV, bad_rule = abi + ": node out of range";
		else if (sys_.is_priv(n)) {
			if (!sys_.priv_mig.test(n))
				bad_err = ENODEV,
				bad_rule = strf(
					"documented: move_pages to private node %d without the migration "
					"opt-in fails with ENODEV",
					n);
			else if (!grant.test(n))
				bad_err = EACCES, bad_grant = true,
				bad_rule = strf(
					"documented: move_pages to private node %d with migration that is "
					"not granted to the caller's (and the target's) cpuset fails with "
					"EACCES (granted %s)",
					n, nodes_str(grant).c_str());
		} else if (!sys_.ordinary_set.test(n))
			bad_err = ENODEV, bad_rule = abi + ": node without memory";
		else if (!cpuset_.test(n))
			bad_err = EACCES, bad_rule = abi + ": node outside the cpuset";
		if (bad_err)
			bad = i;
	}
	if (bad < count) {
		// a failed migration of an earlier batch may end it first (> 0)
		if (!(r > 0 || (r < 0 && e == bad_err)))
			return violation(strf("move_pages returned %s, expected %s (entry %zu, node %d)",
					      ret_str(r, e).c_str(), errname(bad_err).c_str(), bad,
					      nodes[bad]),
					 "rule: " + bad_rule);
		stats_.grant_refused += bad_grant && r < 0;
	} else if (r < 0) {
		return violation(strf("move_pages failed with %s, expected a count >= 0", errname(e).c_str()),
				 "rule: " + abi);
	}
	for (size_t i = 0; i < count; i++) {
		int st = status[i];
		if (st == kSentinel || st < 0)
			continue;
		if (i >= bad || st != nodes[i])
			return violation(strf("move_pages stored status %d for entry %zu (target %d%s)", st,
					      i, nodes[i], i >= bad ? ", after the failing entry" : ""));
	}
	// Licences: targets that are private nodes with migration and the
	// grant, for the entries the kernel got to.
	for (size_t i = 0; i < bad; i++) {
		long p = lay_.page_of(slots[i]);
		if (p < 0 || !sys_.is_priv(nodes[i]) || !sys_.priv_mig.test(nodes[i]) ||
		    !grant.test(nodes[i]))
			continue;
		pages_[p].lic.set(nodes[i]);
		pages_[p].lic_call = idx_;
		if (status[i] == nodes[i])
			stats_.moved_to_priv++;
	}
}

void Worker::op_migrate_pages()
{
	const auto [pid, who, target, target_cg] = pick_pid(9);
	Mask from = draw_mask(), to = draw_mask();
	to.maxnode = from.maxnode; // one maxnode for both
	to.null = from.null ? false : to.null;
	call_ = strf("migrate_pages(pid=%s, maxnode=%lu, from=%s, to=%s)", who.c_str(), from.maxnode,
		     from.null ? "NULL" : ("{" + list_str(from.ids) + "}").c_str(),
		     to.null ? "NULL" : ("{" + list_str(to.ids) + "}").c_str());
	from.fill(mask_a_);
	to.fill(mask_b_);
	long r = syscall(SYS_migrate_pages, pid, from.maxnode, from.null ? nullptr : mask_a_,
			 to.null ? nullptr : mask_b_);
	int e = errno;
	call_ += " = " + ret_str(r, e);
	stats_.calls[KMigrate]++;
	stats_.ok[KMigrate] += r >= 0;
	const std::string abi = "kernel ABI (mm/mempolicy.c)";
	auto want_err = [&](int err, const std::string &why) {
		if (r < 0 && e == err)
			return;
		violation(strf("migrate_pages returned %s, expected %s", ret_str(r, e).c_str(),
			       errname(err).c_str()),
			  "rule: " + why);
	};
	Nodes old, nw;
	if (kernel_view(sys_, from, old, page_bits_) || kernel_view(sys_, to, nw, page_bits_))
		return want_err(EINVAL, abi + ": nodemask");
	if (target == PidTarget::Missing)
		return want_err(ESRCH, abi + ": no such process");
	if (target == PidTarget::Other)
		return want_err(EPERM, abi + ": another user's process");
	Nodes nomig = nw & sys_.priv_set & ~sys_.priv_mig;
	if (nomig.any())
		return want_err(EINVAL,
				strf("documented: migrate_pages to private node %d without the "
				     "migration opt-in fails with EINVAL",
				     first_node(nomig)));
	// the grant, before the cpuset check and its CAP_SYS_NICE bypass; the
	// target is this process here (the parent is another user's: EPERM
	// above), whose cgroup the model knows
	Nodes grant = granted_both(target_cg);
	Nodes refused = nw & sys_.priv_set & ~grant;
	if (refused.any()) {
		want_err(EPERM,
			 strf("documented: migrate_pages to a private node that is not granted to both "
			      "the target's and the caller's cpuset fails with EPERM, even with "
			      "CAP_SYS_NICE (node %d, granted %s)",
			      first_node(refused), nodes_str(grant).c_str()));
		stats_.grant_refused += r < 0 && e == EPERM;
		return;
	}
	Nodes task_nodes = cpuset_ | sys_.priv_set;
	if ((nw & ~task_nodes).any() && cfg_.unpriv)
		return want_err(EPERM, abi + ": target nodes outside the cpuset");
	nw &= task_nodes;
	if (nw.none())
		return want_err(EINVAL, abi + ": no target node left");
	if (r < 0) {
		violation(strf("migrate_pages failed with %s, expected a count >= 0", errname(e).c_str()),
			  "rule: " + abi);
		return;
	}
	Nodes lic = nw & sys_.priv_mig;
	if (lic.none() || old.none())
		return;
	for (auto &pg : pages_)
		if (pg.st == Page::Present) {
			pg.lic |= lic;
			pg.lic_call = idx_;
		}
}

// move_pages(nodes=NULL) on random addresses, compared with the model.
void Worker::op_status()
{
	size_t count = 1 + below(12);
	std::vector<size_t> slots(count);
	std::vector<void *> addrs(count);
	std::vector<int> status(count, kSentinel);
	for (size_t i = 0; i < count; i++) {
		slots[i] = draw_slot();
		addrs[i] = reinterpret_cast<void *>(lay_.addr(slots[i]));
	}
	call_ = strf("move_pages(pid=0, count=%zu, [", count);
	for (size_t i = 0; i < count; i++)
		call_ += (i ? ", " : "") + lay_.slot_name(slots[i]);
	call_ += "], nodes=NULL)";
	std::vector<int> want(count, -EFAULT);
	for (size_t i = 0; i < count; i++) {
		long p = lay_.page_of(slots[i]);
		if (p >= 0) {
			const Page &pg = pages_[p];
			want[i] = pg.st == Page::Zero ? -EFAULT : pg.st == Page::Present ? pg.node : -ENOENT;
		}
	}
	stats_.calls[KStatus]++;
	for (int attempt = 0;; attempt++) {
		std::fill(status.begin(), status.end(), kSentinel);
		long r = syscall(SYS_move_pages, 0, count, addrs.data(), nullptr, status.data(), 0);
		int e = errno;
		if (attempt == 0) {
			call_ += " = " + ret_str(r, e);
			stats_.ok[KStatus] += r >= 0;
		}
		if (r != 0)
			return error("move_pages status query failed: " + ret_str(r, e));
		size_t bad = count;
		for (size_t i = 0; i < count && bad == count; i++) {
			long p = lay_.page_of(slots[i]);
			// a cached shmem page may be mapped by fault-around (verify()
			// checks where it is)
			bool cached = p >= 0 && pages_[p].st == Page::Cached;
			if (status[i] != want[i] && !(cached && status[i] >= 0))
				bad = i;
		}
		if (bad == count)
			return;
		// a page under migration reads as absent for a moment
		if (attempt < 3 && status[bad] == -ENOENT && want[bad] >= 0) {
			usleep(10000);
			continue;
		}
		return error(strf("move_pages status of %s is %d, the model says %d",
				  lay_.slot_name(slots[bad]).c_str(), status[bad], want[bad]));
	}
}

// A page is touched: reading an absent anon page maps the zero page;
// writing it, or any touch of an absent shmem page, allocates one by the
// effective policy, or by the default policy when that is stale.
void Worker::fault(size_t page, bool write)
{
	Page &pg = pages_[page];
	bool shmem = lay_.is_shmem(page);
	bool alloc = shmem ? pg.st == Page::Absent : (write && pg.st != Page::Present);
	if (alloc) {
		// the policy is checked against the grant of the cpuset the
		// task is in at the fault, not the one it was made in
		const Policy &p = effective(page);
		pg.lic = allowed(p);
		pg.lic_call = idx_;
		pg.fault_call = idx_;
		pg.fault_pol = effective_index(page);
		pg.fault_stale = stale(p);
		stats_.stale_faults += pg.fault_stale;
		pg.value = 0;
	}
	if (shmem || write)
		pg.st = Page::Present;
	else if (pg.st == Page::Absent)
		pg.st = Page::Zero;
}

void Worker::touch()
{
	touch_.clear();
	size_t total = lay_.anon + lay_.shmem;
	size_t writes = below(6), reads = below(3);
	for (size_t i = 0; i < writes; i++) {
		size_t p = below(total);
		uint64_t v = (static_cast<uint64_t>(cfg_.index + 1) << 56) |
			(static_cast<uint64_t>(idx_ + 1) << 16) | p;
		fault(p, true);
		*reinterpret_cast<volatile uint64_t *>(lay_.addr(lay_.slot_of(p))) = v;
		pages_[p].value = v;
		touch_ += (touch_.empty() ? "wrote " : ", wrote ") + lay_.name(p);
	}
	for (size_t i = 0; i < reads; i++) {
		size_t p = below(total);
		fault(p, false);
		uint64_t got = *reinterpret_cast<volatile uint64_t *>(lay_.addr(lay_.slot_of(p)));
		touch_ += (touch_.empty() ? "read " : ", read ") + lay_.name(p);
		if (got != pages_[p].value)
			return violation(strf("%s reads %#llx, last written %#llx (data lost)",
					      lay_.name(p).c_str(), static_cast<unsigned long long>(got),
					      static_cast<unsigned long long>(pages_[p].value)));
	}
	if (chance(12)) {
		bool shmem = chance(3) && lay_.shmem;
		size_t region = shmem ? lay_.shmem : lay_.anon;
		size_t first = below(region), n = 1 + below(16);
		n = std::min(n, region - first);
		size_t p0 = (shmem ? lay_.anon : 0) + first;
		if (madvise(reinterpret_cast<void *>(lay_.addr(lay_.slot_of(p0))), n * lay_.ps,
			    MADV_DONTNEED))
			return error(strf("madvise(MADV_DONTNEED) %s+%zu: %s", lay_.name(p0).c_str(), n,
					  std::strerror(errno)));
		touch_ += strf("%sdiscarded %s..+%zu", touch_.empty() ? "" : ", ", lay_.name(p0).c_str(), n);
		for (size_t p = p0; p < p0 + n; p++) {
			Page &pg = pages_[p];
			if (shmem) {
				if (pg.st == Page::Present)
					pg.st = Page::Cached; // the page stays in the shmem cache
			} else {
				int keep = pg.pol;
				pg = Page{};
				pg.pol = keep;
			}
		}
	}
}

void Worker::verify()
{
	size_t total = pages_.size();
	// read back what was written (before the status query: a NUMA hinting
	// fault on this read may still move the page)
	for (size_t p = 0; p < total; p++) {
		Page &pg = pages_[p];
		if (pg.st != Page::Present)
			continue;
		uint64_t got = *reinterpret_cast<volatile uint64_t *>(lay_.addr(lay_.slot_of(p)));
		if (got != pg.value)
			return violation(strf("%s reads %#llx, last written %#llx (data lost)",
					      lay_.name(p).c_str(), static_cast<unsigned long long>(got),
					      static_cast<unsigned long long>(pg.value)));
	}
	std::vector<int> status(total, kSentinel);
	for (int attempt = 0;; attempt++) {
		std::fill(status.begin(), status.end(), kSentinel);
		long r = syscall(SYS_move_pages, 0, total, all_addrs_.data(), nullptr, status.data(), 0);
		if (r != 0)
			return error(strf("move_pages status query of all %zu pages failed: %s", total,
					  ret_str(r, errno).c_str()));
		// a page under migration (kcompactd, NUMA balancing) reads as
		// absent for a moment: ask again before calling it an error
		bool transient = false;
		for (size_t p = 0; p < total; p++)
			if (pages_[p].st == Page::Present && status[p] == -ENOENT)
				transient = true;
		if (!transient || attempt == 3)
			break;
		usleep(10000);
	}
	stats_.page_checks += static_cast<long>(total);
	for (size_t p = 0; p < total; p++) {
		Page &pg = pages_[p];
		int st = status[p];
		int want = pg.st == Page::Zero ? -EFAULT : -ENOENT;
		// A read fault on shmem maps the cached pages around it too
		// (fault-around, clipped to a VMA whose bounds the model does not
		// know): a cached page may have become mapped.
		if (pg.st == Page::Cached && st >= 0)
			pg.st = Page::Present;
		if (pg.st != Page::Present) {
			if (st != want)
				return error(strf("status of %s is %d, the model says %s (%d)",
						  lay_.name(p).c_str(), st,
						  pg.st == Page::Zero ? "zero page" : "not present", want));
			continue;
		}
		if (st < 0)
			return error(strf("status of %s is %d, the model says it is present",
					  lay_.name(p).c_str(), st));
		if (st >= kMaxNodes || (!sys_.ordinary_set.test(st) && !sys_.priv_set.test(st)))
			return error(strf("status of %s is node %d, which is no memory node",
					  lay_.name(p).c_str(), st));
		pg.node = st;
		const Policy &fp = policies_[pg.fault_pol];
		auto how = [&]() {
			return strf("%s was allocated after call #%ld under %s", lay_.name(p).c_str(),
				    pg.fault_call, pol_str(fp).c_str()) +
				(fp.call.empty() ? "" : ", set by " + fp.call) +
				(pg.fault_stale ? "\n(stale then: it names a private node not granted to the "
						  "worker's cpuset, so the default policy was used)"
						: "");
		};
		if (sys_.is_priv(st)) {
			stats_.seen_on[st]++;
			// faulted under a stale policy and not licensed since
			bool by_stale = pg.fault_stale && pg.lic_call == pg.fault_call;
			const char *rule = by_stale
				? "rule: documented: a policy naming a private node that is not granted to "
				  "the faulting task's cpuset is stale; the fault allocates as under the "
				  "default policy, on ordinary memory"
				: "rule: a private node holds a page only when a MPOL_BIND policy naming it "
				  "(mempolicy opt-in, granted to the task's cpuset at the fault) allocated "
				  "or mbind-moved it, or move_pages/migrate_pages named it (migration "
				  "opt-in, granted)";
			if (!pg.lic.test(st))
				return violation(strf("%s (%#lx) is on private node %d (ops: %s), which it "
						      "may not be on",
						      lay_.name(p).c_str(), lay_.addr(lay_.slot_of(p)), st,
						      sys_.ops_of(st).c_str()),
						 how() +
							 strf("\nprivate nodes it may be on: %s (last "
							      "extended by call #%ld)\n",
							      nodes_str(pg.lic).c_str(), pg.lic_call) +
							 rule);
			if (pg.fault_call == idx_)
				stats_.policy_on_priv++;
		}
		if (pg.fault_call == idx_ && fp.mode == kBind && !pg.fault_stale && !fp.nodes.test(st))
			return violation(
				strf("%s (%#lx) was allocated on node %d, outside its MPOL_BIND nodes %s",
				     lay_.name(p).c_str(), lay_.addr(lay_.slot_of(p)), st,
				     nodes_str(fp.nodes).c_str()),
				how() + "\nrule: MPOL_BIND restricts allocations to its nodes");
	}
}

// /proc/self/numa_maps: no page of the whole process on a private node
// that has no opt-in at all.
void Worker::check_numa_maps()
{
	Nodes none = sys_.priv_set & ~sys_.priv_mig & ~sys_.priv_pol;
	std::string maps = read_file("/proc/self/numa_maps");
	if (maps.empty())
		return error("/proc/self/numa_maps is empty");
	std::stringstream ss(maps);
	for (std::string line; std::getline(ss, line);) {
		std::stringstream ls(line);
		for (std::string tok; ls >> tok;) {
			if (tok.size() < 4 || tok[0] != 'N' ||
			    !std::isdigit(static_cast<unsigned char>(tok[1])))
				continue;
			size_t eq = tok.find('=');
			if (eq == std::string::npos)
				continue;
			int n = std::atoi(tok.c_str() + 1);
			if (n >= 0 && n < kMaxNodes && none.test(n))
				return violation(
					strf("/proc/self/numa_maps: pages on private node %d, which has no "
					     "opt-in: %s",
					     n, line.c_str()));
		}
	}
}

// Mems_allowed: the cpuset's ordinary nodes, never a private one
void Worker::read_mems()
{
	std::string status = read_file("/proc/self/status");
	std::string list;
	{
		std::stringstream ss(status);
		for (std::string l; std::getline(ss, l);)
			if (l.rfind("Mems_allowed_list:", 0) == 0)
				list = l.substr(18);
	}
	if (list.empty())
		throw Failure("no Mems_allowed_list in /proc/self/status");
	mems_raw_.reset();
	for (int n : parse_nodelist(list, "Mems_allowed_list"))
		mems_raw_.set(n);
	cpuset_ = mems_raw_;
	if ((cpuset_ & sys_.priv_set).any())
		return violation("Mems_allowed_list " + trim(list) + " holds a private node",
				 "rule: documented: a private node is never in Mems_allowed");
	cpuset_ &= sys_.ordinary_set;
	if (cpuset_.none())
		throw Failure("Mems_allowed_list '" + trim(list) + "' has no ordinary node");
}

// mpol_rebind_policy() of mm/mempolicy.c with the private-node rule: the
// private nodes that still have the mempolicy opt-in stay.
void Worker::rebind(Policy &p, const Nodes &newmask) const
{
	if (p.mode == kDefault || p.mode == kLocal)
		return;
	bool store = p.flags & kModeFlags; // the union w holds the user's mask
	if (!store && p.w_cpuset == newmask)
		return;
	if (p.mode == kPreferred || p.mode == kPreferredMany) {
		(store ? p.user : p.w_cpuset) = newmask;
		return;
	}
	Nodes tmp;
	if (p.flags & kFStatic) {
		tmp = p.user & newmask;
	} else if (p.flags & kFRelative) {
		tmp = relative(p.user, newmask);
	} else {
		tmp = remap(p.nodes, store ? p.user : p.w_cpuset, newmask);
		(store ? p.user : p.w_cpuset) = newmask;
	}
	if (p.mode == kBind && (p.nodes & sys_.priv_set).any()) { // MPOL_F_PRIVATE
		tmp &= ~sys_.priv_set;
		if (!(p.flags & kFRelative))
			tmp |= p.nodes & sys_.priv_pol;
	}
	if (tmp.none())
		tmp = newmask;
	p.nodes = tmp;
}

// Root workers move between the run's cgroups; cgroup v2 rebinds the task
// policy when the effective cpus or ordinary mems (cpuset.mems.sysram)
// differ; the granted private nodes do not count. Nobody cannot move. A
// move also changes the grant the worker's next calls and faults go by: a
// policy made in a granted cgroup is stale in one without the grant.
//
// Only moves that rebind the task policy alone: a move into a child cpuset
// (memory_migrate) that changes the effective cpus or mems also rebinds
// every VMA's vm_policy (mpol_rebind_mm), but not shmem's shared policies;
// a later mbind next to such a shmem VMA can merge with it (the rebound
// vm_policy compares equal) and mpol_set_shared_policy() then applies the
// new policy to the whole merged VMA, neighbours included. The model does
// not track VMA boundaries, so those moves go to the root cgroup instead.
void Worker::op_move_cgroup()
{
	size_t to = below(cfg_.cgroups.size());
	auto mm_rebind = [&](size_t t) {
		const auto &a = cfg_.cgroups[cgroup_], &b = cfg_.cgroups[t];
		bool attach = a.cpus != b.cpus || a.mems != b.mems;
		return attach && (!b.root || a.mems != b.mems);
	};
	if (mm_rebind(to)) {
		to = cfg_.cgroups.size();
		for (size_t t = 0; t < cfg_.cgroups.size(); t++)
			if (cfg_.cgroups[t].root && !mm_rebind(t))
				to = t;
		if (to == cfg_.cgroups.size()) {
			call_ = "move to another cgroup: none without a VMA policy rebind";
			return;
		}
	}
	const auto &cg = cfg_.cgroups[to];
	call_ = "move to cgroup " + cg.name + " (granted " + nodes_str(cg.granted) +
		"; write 0 to its cgroup.procs)";
	stats_.calls[KMove]++;
	int fd = open((cg.dir + "/cgroup.procs").c_str(), O_WRONLY);
	int e = errno;
	if (cfg_.unpriv) {
		call_ += fd < 0 ? " = open: " + errname(e) : " = opened";
		if (fd >= 0) {
			close(fd);
			return violation("nobody could open " + cg.dir + "/cgroup.procs for writing");
		}
		if (e != EACCES && e != EPERM)
			return error("open " + cg.dir + "/cgroup.procs: " + std::strerror(e));
		return;
	}
	if (fd < 0)
		return error("open " + cg.dir + "/cgroup.procs: " + std::strerror(e));
	ssize_t n = write(fd, "0", 1);
	e = errno;
	close(fd);
	call_ += n == 1 ? " = 0" : " = " + errname(e);
	if (n != 1)
		return error("write 0 to " + cg.dir + "/cgroup.procs: " + std::strerror(e));
	stats_.ok[KMove]++;
	// cpuset_attach(): nothing when the effective cpus and ordinary mems
	// stay (v2); else the task policy is rebound to the new ordinary mems
	// (the VMAs' only on moves avoided above).
	const auto &from = cfg_.cgroups[cgroup_];
	bool attach = from.cpus != cg.cpus || from.mems != cg.mems;
	cgroup_ = static_cast<int>(to);
	read_mems();
	if (failed_ || !attach)
		return;
	Nodes online;
	for (int nd : parse_nodelist(cg.mems, cg.dir + "/cpuset.mems.sysram"))
		online.set(nd);
	online &= sys_.ordinary_set;
	auto rebound = [&](int index, const Nodes &mask, const char *what) {
		Policy p = policies_[index];
		rebind(p, mask);
		p.call += strf(" (%s rebound to %s by call #%ld)", what, nodes_str(mask).c_str(), idx_);
		policies_.push_back(p);
		stats_.rebinds++;
		return static_cast<int>(policies_.size() - 1);
	};
	if (task_pol_ != 0)
		task_pol_ = rebound(task_pol_, online, "task policy");
}

void Worker::setup()
{
	if (!cfg_.cgroup_dir.empty())
		write_file(cfg_.cgroup_dir + "/cgroup.procs", "0");
	if (cfg_.unpriv) {
		if (setgroups(0, nullptr) || setgid(65534) || setuid(65534))
			throw Failure(strf("cannot become uid/gid 65534: %s", std::strerror(errno)));
		if (geteuid() != 65534 || getuid() != 65534)
			throw Failure("still privileged after setuid(65534)");
	}
	cgroup_ = cfg_.home;
	idx_ = -1;
	call_ = "(start)";
	read_mems();
	if (failed_)
		return;

	void *a = mmap(reinterpret_cast<void *>(lay_.addr(1)), lay_.anon * lay_.ps, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (a != reinterpret_cast<void *>(lay_.addr(1)))
		throw Failure(strf("cannot map %zu anon pages at %#lx: %s", lay_.anon, lay_.addr(1),
				   std::strerror(errno)));
	if (lay_.shmem) {
		void *s =
			mmap(reinterpret_cast<void *>(lay_.addr(lay_.anon + 2)), lay_.shmem * lay_.ps,
			     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (s != reinterpret_cast<void *>(lay_.addr(lay_.anon + 2)))
			throw Failure(
				strf("cannot map %zu shmem pages: %s", lay_.shmem, std::strerror(errno)));
	}
	// the holes must be holes
	for (size_t slot : {size_t(0), lay_.anon + 1, lay_.slots() - 1})
		if (msync(reinterpret_cast<void *>(lay_.addr(slot)), lay_.ps, MS_ASYNC) == 0 ||
		    errno != ENOMEM)
			throw Failure(strf("address %#lx next to the regions is mapped", lay_.addr(slot)));
	pages_.assign(lay_.anon + lay_.shmem, Page{});
	for (size_t p = 0; p < pages_.size(); p++)
		all_addrs_.push_back(reinterpret_cast<void *>(lay_.addr(lay_.slot_of(p))));
	recent_.reserve(8);
}

std::string Worker::summary_line() const
{
	long total = 0;
	std::string per;
	for (int k = 0; k < KKinds; k++) {
		total += stats_.calls[k];
		per += strf("%s%s %ld/%ld", k ? ", " : "", kKinds[k], stats_.ok[k], stats_.calls[k]);
	}
	std::string on;
	for (const auto &[n, c] : stats_.seen_on)
		on += strf("%snode %d: %ld", on.empty() ? "" : ", ", n, c);
	return strf(
		"RESULT %d %ld %ld %ld %ld %ld %ld | %s calls (succeeded/made: %s); allocated on a private "
		"node by policy %ld, moved there by move_pages %ld; refused for want of the grant %ld; "
		"faults under a stale policy %ld; task policy rebinds %ld; page observations on private "
		"nodes: %s",
		failed_ ? 1 : 0, total, stats_.policy_on_priv, stats_.moved_to_priv,
		static_cast<long>(stats_.seen_on.size()), stats_.grant_refused, stats_.stale_faults,
		std::to_string(total).c_str(), per.c_str(), stats_.policy_on_priv, stats_.moved_to_priv,
		stats_.grant_refused, stats_.stale_faults, stats_.rebinds, on.empty() ? "none" : on.c_str());
}

std::string Worker::run()
{
	try {
		setup();
		for (idx_ = 0; idx_ < cfg_.calls && !failed_; idx_++) {
			touch_.clear();
			uint64_t op = below(100);
			if (op < 30)
				op_mbind();
			else if (op < 45)
				op_set_mempolicy();
			else if (op < 65)
				op_get_mempolicy();
			else if (op < 86)
				op_move_pages();
			else if (op < 93)
				op_migrate_pages();
			else if (op < 97 || !cfg_.moves || cfg_.cgroups.size() < 2)
				op_status();
			else
				op_move_cgroup();
			if (cfg_.trace)
				std::fprintf(stderr, "w%d #%ld %s\n", cfg_.index, idx_, call_.c_str());
			if (failed_)
				break;
			touch();
			if (cfg_.trace && !touch_.empty())
				std::fprintf(stderr, "w%d #%ld   then %s\n", cfg_.index, idx_,
					     touch_.c_str());
			if (failed_)
				break;
			verify();
			if (recent_.size() == 8)
				recent_.erase(recent_.begin());
			recent_.push_back(strf("#%ld ", idx_) + call_ +
					  (touch_.empty() ? "" : "; then " + touch_));
		}
		if (!failed_) {
			idx_ = cfg_.calls;
			call_ = "(end) read /proc/self/numa_maps";
			touch_.clear();
			check_numa_maps();
		}
	} catch (const Failure &f) {
		error(f.what());
	} catch (const std::exception &x) {
		error(std::string("exception: ") + x.what());
	}
	return summary_line() + "\n" + report_;
}

// ---------------------------------------------------------------------------
// cgroups and the parent

struct Options {
	long calls = 10000;
	uint64_t seed = 0;
	bool seed_set = false;
	int only_worker = -1;
	bool no_cgroup = false;
	bool allow_no_private = false;
	bool trace = false;
	size_t anon = 96, shmem = 32;
	unsigned timeout = 600;
	std::map<int, unsigned> assume;
};

int usage()
{
	std::fprintf(stderr,
		     "usage: privnode-fuzz [--calls N] [--seed S] [--worker W] [--no-cgroup]\n"
		     "                     [--allow-no-private] [--assume-ops NODE=OPS] [--trace]\n"
		     "                     [--anon-pages N] [--shmem-pages N] [--timeout SEC]\n");
	return 2;
}

struct Cgroup {
	std::string name;
	std::string dir; // "" = where we were started (--no-cgroup: we stay there)
	std::string cpuset; // the cgroup whose cpuset it uses ("" = unknown)
	Nodes granted; // private nodes granted to that cpuset
	bool home = true; // workers start here (else root workers only move here)
};

int tap_n = 0, tap_failed = 0;

void tap(bool ok, const std::string &what)
{
	tap_n++;
	tap_failed += !ok;
	std::printf("%s %d - %s\n", ok ? "ok" : "not ok", tap_n, what.c_str());
	std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
	Options o;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		auto num = [&](unsigned long long &v) {
			if (i + 1 >= argc)
				return false;
			char *end;
			v = std::strtoull(argv[++i], &end, 0);
			return *end == '\0';
		};
		unsigned long long v;
		if (a == "--calls" && num(v) && v > 0)
			o.calls = static_cast<long>(v);
		else if (a == "--seed" && num(v))
			o.seed = v, o.seed_set = true;
		else if (a == "--worker" && num(v))
			o.only_worker = static_cast<int>(v);
		else if (a == "--anon-pages" && num(v) && v > 0 && v <= 256)
			o.anon = v;
		else if (a == "--shmem-pages" && num(v) && v <= 256)
			o.shmem = v;
		else if (a == "--timeout" && num(v))
			o.timeout = static_cast<unsigned>(v);
		else if (a == "--no-cgroup")
			o.no_cgroup = true;
		else if (a == "--allow-no-private")
			o.allow_no_private = true;
		else if (a == "--trace")
			o.trace = true;
		else if (a == "--assume-ops" && i + 1 < argc) {
			std::string spec = argv[++i];
			size_t eq = spec.find('=');
			if (eq == std::string::npos || eq == 0)
				return usage();
			o.assume[std::atoi(spec.substr(0, eq).c_str())] = parse_ops(spec.substr(eq + 1));
		} else
			return usage();
	}
	if (!o.seed_set)
		o.seed = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count() /
					       1000);

	std::printf("TAP version 13\n# seed %llu\n", static_cast<unsigned long long>(o.seed));
	std::fflush(stdout);
	System sys;
	try {
		sys = read_system(o.allow_no_private, o.assume);
	} catch (const std::exception &x) {
		std::printf("1..1\nnot ok 1 - cannot start: %s\n", x.what());
		return 1;
	}
	std::string privdesc;
	for (int n : sys.priv)
		privdesc += strf("%s%d (%s)", privdesc.empty() ? "" : ", ", n, sys.ops_of(n).c_str());
	std::printf("# ordinary nodes %s; private nodes %s; possible %s; MAX_NUMNODES %d\n",
		    list_str(sys.ordinary).c_str(), privdesc.empty() ? "none" : privdesc.c_str(),
		    list_str(sys.possible).c_str(), sys.max_numnodes);

	bool root = geteuid() == 0;
	std::vector<Cgroup> cgroups = {{"(own cgroup)", "", "", Nodes(), true}};
	std::string top;
	bool cpuset_ok = true;
	int cpuset_checked = 0;
	std::string cpuset_msg;
	std::vector<std::string> setup_errors;
	Nodes root_list; // the root cgroup's cpuset.mems.private
	// A cpuset's cpuset.mems.effective is its cpuset.mems.sysram (the
	// ordinary nodes) and the private nodes granted to it that have an
	// opt-in. A file that cannot be read is a setup error.
	auto check_effective = [&](const std::string &name, const std::string &dir, const Nodes &granted) {
		std::string eff = trim(read_file(dir + "/cpuset.mems.effective"));
		std::string sysram = read_sysram(sys, dir);
		Nodes got = to_nodes(parse_nodelist(eff, dir + "/cpuset.mems.effective"));
		Nodes ord = to_nodes(parse_nodelist(sysram, dir + "/cpuset.mems.sysram"));
		Nodes want = ord | (granted & (sys.priv_mig | sys.priv_pol));
		cpuset_checked++;
		cpuset_msg += strf("%s%s granted %s, effective '%s'", cpuset_msg.empty() ? "" : "; ",
				   name.c_str(), nodes_str(granted).c_str(), eff.c_str());
		if ((ord & sys.priv_set).any()) {
			cpuset_ok = false;
			cpuset_msg += " but cpuset.mems.sysram '" + sysram + "' holds a private node";
		} else if (got != want) {
			cpuset_ok = false;
			cpuset_msg += strf(" but the model says %s (sysram '%s' and the granted nodes with "
					   "an opt-in)",
					   nodes_str(want).c_str(), sysram.c_str());
		}
	};
	try {
		if (!o.no_cgroup) {
			if (!root)
				throw Failure("cgroups need root (or --no-cgroup)");
			std::string ctl = read_file(kCgroupRoot + "/cgroup.controllers");
			if (ctl.find("cpuset") == std::string::npos)
				throw Failure("no cpuset controller in " + kCgroupRoot +
					      " (cgroup2 with cpuset needed, or --no-cgroup)");
			write_file(kCgroupRoot + "/cgroup.subtree_control", "+cpuset");
		}
		// the cgroup we were started in (and move back to): its cpuset
		// and grant, from the root's list and the cpuset.mems on the way
		if (!o.no_cgroup || !sys.priv.empty()) {
			if (sys.kernel_priv)
				root_list = read_nodes(kCgroupRoot + "/cpuset.mems.private");
			std::string own = own_cgroup();
			std::vector<Nodes> chain;
			Cgroup &c = cgroups[0];
			c.cpuset = cpuset_of(own, chain);
			c.granted = grant_of(sys, root_list, chain);
			if (!o.no_cgroup)
				c.dir = kCgroupRoot + (own == "/" ? std::string() : own);
			std::printf("# root cgroup's cpuset.mems.private: %s; we run in %s (cpuset %s)\n",
				    sys.kernel_priv ? nodes_str(root_list).c_str()
						    : "none (no private nodes)",
				    own.c_str(), c.cpuset.c_str());
			if (sys.kernel_priv)
				check_effective(own, c.cpuset, c.granted);
		}
		if (!o.no_cgroup) {
			top = strf("%s/privnode-fuzz.%d", kCgroupRoot.c_str(), static_cast<int>(getpid()));
			if (mkdir(top.c_str(), 0755))
				throw Failure("mkdir " + top + ": " + std::strerror(errno));
			write_file(top + "/cgroup.subtree_control", "+cpuset");
			// top, a child of the root with an empty cpuset.mems, has the
			// root's grant; below it a cpuset gets what it names of that.
			Nodes top_granted = grant_of(sys, root_list, {Nodes()});
			if (sys.kernel_priv)
				check_effective(top.substr(kCgroupRoot.size() + 1), top, top_granted);
			// mems-private: cpuset.mems names the ordinary and the private
			// nodes, so it is granted what top is. A kernel that refuses
			// the write (EINVAL) gets the ordinary nodes instead.
			// mems-first: only the first ordinary node, granted nothing,
			// and a CPU of its own.
			// mems-ordinary: the ordinary nodes, granted nothing; no
			// worker starts there, root workers move in and out without
			// a rebind, their policies going stale and fresh again.
			std::vector<int> both = sys.ordinary;
			both.insert(both.end(), sys.priv.begin(), sys.priv.end());
			std::sort(both.begin(), both.end());
			for (int i = 0; i < 3; i++) {
				const char *const names[] = {"mems-private", "mems-first", "mems-ordinary"};
				std::string name = names[i];
				std::string mems = i == 0 ? list_str(both)
					: i == 1	  ? std::to_string(sys.ordinary[0])
							  : list_str(sys.ordinary);
				std::string dir = top + "/" + name;
				if (mkdir(dir.c_str(), 0755))
					throw Failure("mkdir " + dir + ": " + std::strerror(errno));
				cgroups.push_back({name, dir, dir, Nodes(), i < 2});
				if (i == 1) {
					// a CPU of its own too: moves to and from it rebind
					// the task policy
					std::string cpus = trim(read_file(top + "/cpuset.cpus.effective"));
					write_file(dir + "/cpuset.cpus",
						   cpus.substr(0, cpus.find_first_of(",-")));
				}
				int fd = open((dir + "/cpuset.mems").c_str(), O_WRONLY);
				if (fd < 0)
					throw Failure(dir + "/cpuset.mems: " + std::strerror(errno));
				ssize_t n = write(fd, mems.data(), mems.size());
				int e = errno;
				close(fd);
				if (n < 0 && i == 0 && !sys.priv.empty() && e == EINVAL) {
					cpuset_msg +=
						strf("%s%s: cpuset.mems '%s' refused (EINVAL), using '%s'",
						     cpuset_msg.empty() ? "" : "; ", name.c_str(),
						     mems.c_str(), list_str(sys.ordinary).c_str());
					mems = list_str(sys.ordinary);
					write_file(dir + "/cpuset.mems", mems);
				} else if (n < 0) {
					throw Failure("write '" + mems + "' to " + dir +
						      "/cpuset.mems: " + std::strerror(e));
				}
				Cgroup &c = cgroups.back();
				c.name = name + " (cpuset.mems " + mems + ")";
				Nodes written = to_nodes(parse_nodelist(mems, name + "/cpuset.mems"));
				c.granted = grant_of(sys, root_list, {Nodes(), written});
				if (sys.kernel_priv)
					check_effective(name, dir, c.granted);
			}
		}
	} catch (const std::exception &x) {
		setup_errors.push_back(x.what());
	}
	// Every cgroup's effective cpus and ordinary mems and its grant. Root
	// workers move between them when all have the same ordinary mems (then
	// only the task policy is rebound, not the VMAs' nor shmem's).
	std::vector<WorkerCfg::Cg> cgs;
	bool moves = false;
	if (setup_errors.empty()) {
		try {
			for (const auto &c : cgroups) {
				WorkerCfg::Cg g;
				g.name = c.name;
				g.dir = c.dir;
				g.root = c.cpuset == kCgroupRoot;
				g.granted = c.granted;
				if (!o.no_cgroup) {
					g.cpus = trim(read_file(c.cpuset + "/cpuset.cpus.effective"));
					g.mems = read_sysram(sys, c.cpuset);
				}
				cgs.push_back(g);
			}
			moves = !o.no_cgroup && cgs.size() > 1;
			for (const auto &c : cgs)
				if (c.mems != cgs[0].mems)
					moves = false;
		} catch (const std::exception &x) {
			setup_errors.push_back(x.what());
		}
	}
	std::vector<WorkerCfg> workers;
	for (size_t c = 0; c < cgroups.size(); c++) {
		if (!cgroups[c].home)
			continue;
		for (bool unpriv : {false, true}) {
			if (unpriv && !root)
				continue;
			WorkerCfg w;
			w.index = static_cast<int>(workers.size());
			w.cgroup = cgroups[c].name;
			w.cgroup_dir = cgroups[c].dir;
			w.unpriv = unpriv || !root;
			w.seed = o.seed;
			w.anon = o.anon;
			w.shmem = o.shmem;
			w.trace = o.trace;
			w.parent = getpid();
			w.home = static_cast<int>(c);
			workers.push_back(w);
		}
	}
	long nw = static_cast<long>(workers.size());
	std::string repro = strf("privnode-fuzz --seed %llu --calls %ld",
				 static_cast<unsigned long long>(o.seed), o.calls);
	if (o.no_cgroup)
		repro += " --no-cgroup";
	if (o.allow_no_private)
		repro += " --allow-no-private";
	for (const auto &[n, ops] : o.assume) {
		std::string names = ops_name(ops);
		std::replace(names.begin(), names.end(), ' ', ',');
		repro += strf(" --assume-ops %d=%s", n, names.c_str());
	}
	if (o.anon != 96)
		repro += strf(" --anon-pages %zu", o.anon);
	if (o.shmem != 32)
		repro += strf(" --shmem-pages %zu", o.shmem);
	for (auto &w : workers) {
		w.calls = o.calls / nw + (w.index < o.calls % nw ? 1 : 0);
		w.repro = repro + strf(" --worker %d --trace", w.index);
		w.cgroups = cgs;
		w.moves = moves;
	}
	if (moves) {
		std::printf("# root workers move between cgroups:");
		for (const auto &c : cgs)
			std::printf(" %s (cpus %s, sysram %s, granted %s);", c.dir.c_str(), c.cpus.c_str(),
				    c.mems.c_str(), nodes_str(c.granted).c_str());
		std::printf("\n");
	}
	std::printf("# %ld workers, %ld calls in total (%ld to %ld per worker), %zu anon + %zu shmem pages "
		    "each\n",
		    nw, o.calls, o.calls / nw, o.calls / nw + (o.calls % nw ? 1 : 0), o.anon, o.shmem);
	if (o.only_worker >= nw) {
		std::fprintf(stderr, "privnode-fuzz: --worker %d: there are %ld workers\n", o.only_worker,
			     nw);
		return 2;
	}
	int tests = 1 /* cpuset */ + (o.only_worker >= 0 ? 1 : static_cast<int>(nw)) + 1 /* coverage */;
	std::printf("1..%d\n", tests);
	std::fflush(stdout);
	const std::string eff_rule =
		"cpuset.mems.effective is cpuset.mems.sysram and the granted private nodes "
		"with an opt-in";
	if (!setup_errors.empty())
		tap(false, "cgroup setup: " + setup_errors[0]);
	else if (!sys.kernel_priv)
		tap(true, eff_rule + " # SKIP kernel without private nodes");
	else if (!cpuset_checked)
		tap(true, eff_rule + " # SKIP --no-cgroup and no private node");
	else
		tap(cpuset_ok, eff_rule + ": " + cpuset_msg);

	struct Running {
		pid_t pid = -1;
		int fd = -1;
	};
	std::vector<Running> run(workers.size());
	auto start = std::chrono::steady_clock::now();
	if (setup_errors.empty())
		for (auto &w : workers) {
			if (o.only_worker >= 0 && w.index != o.only_worker)
				continue;
			int p[2];
			if (pipe(p))
				return std::perror("pipe"), 1;
			std::fflush(nullptr);
			pid_t pid = fork();
			if (pid < 0)
				return std::perror("fork"), 1;
			if (pid == 0) {
				close(p[0]);
				if (o.timeout)
					alarm(o.timeout);
				std::string out = Worker(sys, w).run();
				size_t off = 0;
				while (off < out.size()) {
					ssize_t n = write(p[1], out.data() + off, out.size() - off);
					if (n <= 0)
						_exit(3);
					off += static_cast<size_t>(n);
				}
				_exit(0);
			}
			close(p[1]);
			run[w.index] = {pid, p[0]};
		}

	long total_calls = 0, failures = 0, pol_on = 0, moved = 0, refused = 0, stale = 0;
	std::map<int, bool> seen;
	int printed = 0;
	for (auto &w : workers) {
		Running &r = run[w.index];
		if (o.only_worker >= 0 && w.index != o.only_worker)
			continue;
		if (r.pid < 0) {
			tap(false,
			    strf("worker %d (cgroup %s, uid %d): not run, the cgroup setup failed", w.index,
				 w.cgroup.c_str(), w.unpriv ? 65534 : 0));
			failures++;
			continue;
		}
		std::string out;
		char buf[4096];
		for (ssize_t n; (n = read(r.fd, buf, sizeof(buf))) > 0;)
			out.append(buf, static_cast<size_t>(n));
		close(r.fd);
		int st = 0;
		waitpid(r.pid, &st, 0);
		std::string head = strf("worker %d (cgroup %s, uid %d, %ld calls)", w.index, w.cgroup.c_str(),
					w.unpriv ? 65534 : 0, w.calls);
		int bad = 1;
		long calls = 0, p_on = 0, mv = 0, nseen = 0, nref = 0, nstale = 0;
		size_t nl = out.find('\n');
		std::string first = out.substr(0, nl);
		std::string rest = nl == std::string::npos ? "" : out.substr(nl + 1);
		std::string desc;
		if (std::sscanf(first.c_str(), "RESULT %d %ld %ld %ld %ld %ld %ld", &bad, &calls, &p_on, &mv,
				&nseen, &nref, &nstale) != 7 ||
		    !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			bad = 1;
			desc = WIFSIGNALED(st)
				? strf("killed by signal %d (%s)%s", WTERMSIG(st), strsignal(WTERMSIG(st)),
				       WTERMSIG(st) == SIGALRM ? ": timeout" : "")
				: strf("exited with status %d and no result", WEXITSTATUS(st));
		} else {
			size_t bar = first.find("| ");
			desc = bar == std::string::npos ? first : first.substr(bar + 2);
		}
		total_calls += calls;
		pol_on += p_on;
		moved += mv;
		refused += nref;
		stale += nstale;
		std::string why;
		if (bad) {
			failures++;
			size_t v = rest.find(": VIOLATION at ");
			size_t er = rest.find(": ERROR at ");
			size_t at = std::min(v, er);
			if (at != std::string::npos) {
				size_t e = rest.find('\n', at);
				why = rest.substr(at + 2, e - at - 2);
			}
		}
		tap(!bad, head + ": " + (why.empty() ? desc : why));
		if (bad) {
			std::printf("# %s\n", desc.c_str());
			if (printed < 20 && !rest.empty())
				std::fputs(rest.c_str(), stdout);
			printed++;
		}
		std::fflush(stdout);
	}
	double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

	// coverage: the fuzzer did reach the private nodes through their opt-ins
	bool any_pol = sys.priv_pol.any(), any_mig = sys.priv_mig.any();
	if (failures)
		tap(false, "coverage # not judged after a failure");
	else if (sys.priv.empty())
		tap(true, "coverage # SKIP no private node");
	else if (total_calls < 2000)
		tap(true, strf("coverage # SKIP only %ld calls", total_calls));
	else
		tap((!any_pol || pol_on > 0) && (!any_mig || moved > 0),
		    strf("coverage: %ld pages allocated on private nodes by MPOL_BIND%s, %ld moved there by "
			 "move_pages%s; %ld calls refused for want of the grant, %ld faults under a stale "
			 "policy",
			 pol_on, any_pol ? "" : " (no node has mempolicy)", moved,
			 any_mig ? "" : " (no node has migration)", refused, stale));

	if (!top.empty()) {
		bool ok = true;
		for (size_t i = 1; i < cgroups.size(); i++) // not the one we came from
			if (rmdir(cgroups[i].dir.c_str()) && errno != ENOENT)
				ok = false;
		if (rmdir(top.c_str()) && errno != ENOENT)
			ok = false;
		if (!ok)
			std::printf("# could not remove %s: %s\n", top.c_str(), std::strerror(errno));
	}
	std::printf("# privnode-fuzz: seed %llu, %ld calls in %.1f s, %ld failing workers, %d of %d tests "
		    "failed\n",
		    static_cast<unsigned long long>(o.seed), total_calls, secs, failures, tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}
