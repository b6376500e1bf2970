// SPDX-License-Identifier: GPL-2.0-only
#include "workload.hpp"

#include <cstdio>
#include <cstring>

namespace pn::bench {

namespace {

constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ull;

// Words for text pages: common English ones, so a page looks like prose.
constexpr const char *kVocabulary[] = {
	"the",	   "of",      "and",	"to",	    "in",     "is",	"that",	    "for",
	"memory",  "page",    "node",	"device",   "kernel", "with",	"as",	    "on",
	"it",	   "be",      "by",	"this",	    "are",    "from",	"at",	    "or",
	"an",	   "which",   "not",	"when",	    "data",   "cache",	"write",    "read",
	"region",  "zone",    "free",	"list",	    "lock",   "held",	"under",    "while",
	"folio",   "reclaim", "swap",	"compress", "ratio",  "media",	"capacity", "usage",
	"process", "thread",  "return", "error",    "value",  "number", "time",	    "first",
	"after",   "before",  "each",	"every",    "some",   "other",	"than",	    "then",
};
constexpr size_t kVocabularySize = sizeof(kVocabulary) / sizeof(kVocabulary[0]);
// and phrases that recur, as in real text
constexpr const char *kPhrases[] = {
	"the page is freed",	   "under the zone lock",
	"when the device is full", "the kernel reclaims memory",
	"for each node",	   "in the page cache",
	"returns an error",	   "after the first write",
	"the ratio of the media",  "is held while",
	"by the process",	   "from the free list",
};
constexpr size_t kPhraseCount = sizeof(kPhrases) / sizeof(kPhrases[0]);

void text_page(std::uint64_t state, std::uint64_t *page)
{
	char *p = reinterpret_cast<char *>(page);
	size_t at = 0;
	while (at < kPageSize) {
		state = mix(state);
		// mostly words; one in sixteen is a number, which LZ4 cannot match
		if ((state & 15) == 0) {
			char num[24];
			const int n = std::snprintf(num, sizeof(num), "%llu ",
						    static_cast<unsigned long long>((state >> 8) % 1000));
			for (int i = 0; i < n && at < kPageSize; i++)
				p[at++] = num[i];
			continue;
		}
		const char *w = (state >> 32) % 4 ? kVocabulary[(state >> 8) % kVocabularySize]
						  : kPhrases[(state >> 8) % kPhraseCount];
		while (*w && at < kPageSize)
			p[at++] = *w++;
		if (at < kPageSize)
			p[at++] = (state >> 40) % 13 ? ' ' : '\n';
	}
}

} // namespace

std::uint64_t mix(std::uint64_t x)
{
	x += kGolden;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

std::optional<Content> parse_content(const std::string &s)
{
	if (s == "zero")
		return Content::zero;
	if (s == "text")
		return Content::text;
	if (s == "random")
		return Content::random;
	return std::nullopt;
}

std::optional<Pattern> parse_pattern(const std::string &s)
{
	if (s == "read")
		return Pattern::read;
	if (s == "mixed")
		return Pattern::mixed;
	if (s == "write")
		return Pattern::write;
	return std::nullopt;
}

const char *name(Content c)
{
	switch (c) {
	case Content::zero:
		return "zero";
	case Content::text:
		return "text";
	case Content::random:
		return "random";
	}
	return "?";
}

const char *name(Pattern p)
{
	switch (p) {
	case Pattern::read:
		return "read";
	case Pattern::mixed:
		return "mixed";
	case Pattern::write:
		return "write";
	}
	return "?";
}

unsigned read_percent(Pattern p)
{
	switch (p) {
	case Pattern::read:
		return 90;
	case Pattern::mixed:
		return 50;
	case Pattern::write:
		return 10;
	}
	return 0;
}

void page_contents(std::uint64_t seed, Content c, std::uint64_t index, std::uint32_t version,
		   std::uint64_t *page)
{
	const std::uint64_t state = mix(seed ^ mix(index));
	switch (c) {
	case Content::zero:
		std::memset(page, 0, kPageSize);
		break;
	case Content::text:
		text_page(state, page);
		break;
	case Content::random:
		for (size_t i = 0; i < kWords; i++)
			page[i] = mix(state + i);
		break;
	}
	if (version)
		write_slots(seed, index, version, page);
}

void write_slots(std::uint64_t seed, std::uint64_t index, std::uint32_t version, volatile std::uint64_t *page)
{
	const std::uint64_t v = mix(seed ^ mix(index ^ (std::uint64_t{version} << 40)));
	for (size_t k = 0; k < kSlots; k++)
		page[k * kSlotStride] = v + k;
}

Ops::Ops(std::uint64_t seed, std::uint64_t pages, Pattern p)
	: state_(mix(seed ^ 0x6f7073ull)), pages_(pages), read_percent_(read_percent(p))
{
}

Op Ops::next()
{
	state_ = mix(state_);
	// 80% of the accesses go to the hot fifth of the pages (every fifth
	// page), the rest to the others: the high bits pick the page among
	// its set (multiply-shift), bits 16-31 hot or cold, the low 16 read or
	// write
	const std::uint64_t hot = (pages_ + kHotEvery - 1) / kHotEvery, cold = pages_ - hot;
	const bool to_hot = !cold || ((state_ >> 16) & 0xffff) % 100 < kHotPercent;
	const std::uint64_t n = to_hot ? hot : cold;
	const auto r = static_cast<std::uint64_t>((static_cast<unsigned __int128>(state_ >> 32) * n) >> 32);
	const std::uint64_t page =
		to_hot ? r * kHotEvery : r / (kHotEvery - 1) * kHotEvery + 1 + r % (kHotEvery - 1);
	return {page, (state_ & 0xffff) % 100 >= read_percent_};
}

} // namespace pn::bench
