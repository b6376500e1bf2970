// SPDX-License-Identifier: GPL-2.0-only
// CXL topology as /sys/bus/cxl shows it, and the region state machine.
//
// On a real system the topology is enumerated with libcxl and libdaxctl
// (ndctl 76.1), as cxl-cli and daxctl see it. Those libraries can neither
// create ram regions (76.1 lacks cxl_decoder_create_ram_region) nor be
// pointed at a fake sysfs tree, so the region state machine is raw sysfs
// under an injectable root, the same steps cxl-cli (v77+) takes, and the
// same model is also read from raw sysfs for fake trees (unit tests).
#pragma once

#include "privnode/error.hpp"
#include "privnode/sysfs.hpp"

#include <cstdint>
#include <optional>
#include <functional>
#include <string>
#include <vector>

namespace privnode {

inline constexpr const char *kCxlDevices = "/sys/bus/cxl/devices";
inline constexpr const char *kCxlRegionDriver = "/sys/bus/cxl/drivers/cxl_region";
inline constexpr const char *kMemoryDir = "/sys/devices/system/memory";
inline constexpr const char *kDaxDevices = "/sys/bus/dax/devices";
// The dax driver that hot-adds a private region's memory as a private node.
inline constexpr const char *kDaxPrivateDriver = "kmem_private";
// The dax driver that makes a cram region's memory a cram node.
inline constexpr const char *kDaxCramDriver = "cxl_cram";
// Regions must be a multiple of this per interleave way (CXL HDM decoders).
inline constexpr std::uint64_t kRegionAlign = 256ull << 20;

struct Memdev {
	std::string name; // mem0
	std::uint64_t ram_size = 0;
	std::uint64_t pmem_size = 0;
	std::optional<std::uint64_t> serial; // memN/serial, if the device has one
	std::string endpoint; // endpoint2, "" when not enabled
	std::vector<std::string> decoders; // the endpoint's decoders
};

struct RootDecoder {
	std::string name; // decoder0.0
	bool cap_ram = false;
	bool cap_pmem = false;
	bool can_private = false; // create_private_region exists
	std::uint64_t size = 0;
	// The largest free extent of its window: its size less the regions
	// already in it (libcxl's max_available_extent).
	std::uint64_t available = 0;
	std::uint64_t granularity = 0;
	// The memdevs below one of its target dports (target_list), the ones
	// a region of this decoder can map (libcxl's
	// cxl_decoder_get_target_by_memdev(), as cxl create-region checks).
	std::vector<std::string> memdevs;
};

// sysram: an ordinary node; private_: a private node (private_type basic,
// kmem_private); cram: a cram node on a device that compresses inline
// (private_type cram, cxl_cram).
enum class RegionType { sysram, private_, cram };

struct Region {
	std::string name; // region0
	std::string mode; // ram, pmem
	std::string private_type; // regionN/private_type, "" if none
	std::uint64_t size = 0;
	bool committed = false;
	bool enabled = false; // bound to cxl_region
	std::vector<std::string> targets;
	std::string dax; // dax0.0, "" if none
	std::optional<int> node; // target node of the dax device
};

// Whether the functions below enumerate with libcxl/libdaxctl: on the real
// sysfs root, unless the Sysfs is raw-only (raw sysfs then, as for fake
// trees, so the two can be compared).
[[nodiscard]] bool use_libcxl(const Sysfs &sys);

[[nodiscard]] Result<std::vector<Memdev>> list_memdevs(const Sysfs &sys);
[[nodiscard]] Result<Memdev> read_memdev(const Sysfs &sys, const std::string &name);
[[nodiscard]] Result<std::vector<RootDecoder>> list_root_decoders(const Sysfs &sys);
[[nodiscard]] Result<std::vector<Region>> list_regions(const Sysfs &sys);
[[nodiscard]] Result<Region> read_region(const Sysfs &sys, const std::string &name);

// What libcxl 76.1 does not tell of a region: its mode, private_type and
// dax device (Region::mode, private_type, dax), read from sysfs.
void read_region_extras(const Sysfs &sys, Region &r);

namespace libcxl {
// The enumeration above through libcxl and libdaxctl (real sysfs only);
// @sys serves what the libraries lack.
[[nodiscard]] Result<std::vector<Memdev>> list_memdevs();
[[nodiscard]] Result<std::vector<RootDecoder>> list_root_decoders(const Sysfs &sys);
[[nodiscard]] Result<std::vector<Region>> list_regions(const Sysfs &sys);
} // namespace libcxl

struct CreateRegion {
	std::string memdev{};
	// The root decoder; "" = the first (in natural order) that can host
	// the type, has room for the size in its window and reaches the
	// memdev through one of its target dports.
	std::string decoder{};
	std::optional<std::uint64_t> size{}; // default: all free ram capacity
	RegionType type = RegionType::sysram;
};

// Log of the steps taken, for the CLI's progress output (stderr).
using StepLog = std::function<void(const std::string &step)>;

// Where libcxl's and libdaxctl's own log messages go ("libcxl: ..."); by
// default nowhere, so the library never prints.
void set_library_log(StepLog log);

// One write of the region state machine: "echo VALUE > PATH".
struct SysfsWrite {
	std::string path;
	std::string value;
	bool operator==(const SysfsWrite &) const = default;
};

// What create_region() or destroy_region() would do (--dry-run): every
// check they make is made, the writes they would make are listed, in
// order, and nothing is written.
struct RegionPlan {
	std::string region; // region0
	std::vector<SysfsWrite> writes;
	// What follows the writes that only the writes can tell (a sysram
	// region's memory blocks exist once it is enabled); "" if nothing.
	std::string then;
};

[[nodiscard]] Result<RegionPlan> plan_create_region(const Sysfs &sys, const CreateRegion &req);
[[nodiscard]] Result<RegionPlan> plan_destroy_region(const Sysfs &sys, const std::string &name);

// Create, commit and enable a region; for sysram also online its memory.
// Any failure undoes every step already taken, in reverse order, and the
// error names the step, the file, the value and the errno.
[[nodiscard]] Result<Region> create_region(const Sysfs &sys, const CreateRegion &req,
					   const StepLog &log = {});

// Offline its memory (if any), disable, decommit, release the endpoint
// decoders and delete the region. If offlining fails (pages in use), the
// blocks already offlined are onlined again and nothing else changes.
[[nodiscard]] Status destroy_region(const Sysfs &sys, const std::string &name, const StepLog &log = {});

// Online / offline the memory blocks of a kmem-bound dax device.
[[nodiscard]] Status online_dax_memory(const Sysfs &sys, const std::string &dax,
				       const std::string &how = "online_movable");
[[nodiscard]] Status offline_dax_memory(const Sysfs &sys, const std::string &dax);

} // namespace privnode
