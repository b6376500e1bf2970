// SPDX-License-Identifier: GPL-2.0-only
// The page contents and access sequence of privnode-workload (make
// bench-cram), apart from its system calls so the unit tests can check
// them: every page's contents follow from the seed, the page's index, its
// compressibility class and the number of times it was written, so a run
// can check every page at its end without keeping a copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pn::bench {

// What a page holds: zeros; text-like bytes (words from a small vocabulary
// with numbers between: LZ4 packs a page to about half); random bytes.
enum class Content { zero, text, random };
// Access mix: read-mostly (90% reads), mixed (50%), write-heavy (10%).
enum class Pattern { read, mixed, write };

std::optional<Content> parse_content(const std::string &s);
std::optional<Pattern> parse_pattern(const std::string &s);
const char *name(Content c);
const char *name(Pattern p);
// Percentage of the accesses of @p that are reads.
unsigned read_percent(Pattern p);

constexpr size_t kPageSize = 4096;
constexpr size_t kWords = kPageSize / sizeof(std::uint64_t);
// A write stores kSlots words, one every kSlotStride words (one cache line
// in eight): enough to dirty the page, too little to change how well it
// compresses.
constexpr size_t kSlots = 8;
constexpr size_t kSlotStride = kWords / kSlots;

// splitmix64: the generator behind every value here.
std::uint64_t mix(std::uint64_t x);

// The contents of page @index after @version writes (0: as filled).
void page_contents(std::uint64_t seed, Content c, std::uint64_t index, std::uint32_t version,
		   std::uint64_t *page);
// Apply write number @version (>= 1) to page @index, which holds version
// @version - 1: stores kSlots words only.
void write_slots(std::uint64_t seed, std::uint64_t index, std::uint32_t version,
		 volatile std::uint64_t *page);

// One access: page and whether it writes.
struct Op {
	std::uint64_t page;
	bool write;
};

// The access sequence over @pages pages, skewed as most working sets are:
// kHotPercent of the accesses go to the hot pages (every kHotEvery-th page),
// the rest to the others, uniformly at random within each set; reads and
// writes mixed as @p says; the same for the same seed.
constexpr unsigned kHotPercent = 80;
constexpr std::uint64_t kHotEvery = 5;
class Ops {
public:
	Ops(std::uint64_t seed, std::uint64_t pages, Pattern p);
	Op next();

private:
	std::uint64_t state_, pages_;
	unsigned read_percent_;
};

} // namespace pn::bench
