// SPDX-License-Identifier: GPL-2.0-only
#include "privnode/parse.hpp"

#include <cctype>
#include <cstdio>
#include <limits>

namespace privnode {

namespace {

std::string strip(const std::string &s)
{
	size_t b = 0, e = s.size();
	while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
		b++;
	while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
		e--;
	return s.substr(b, e - b);
}

// Digits of @s from @pos in @base; advances @pos. nullopt on none/overflow.
std::optional<std::uint64_t> digits(const std::string &s, size_t &pos, unsigned base)
{
	std::uint64_t v = 0;
	size_t start = pos;
	for (; pos < s.size(); pos++) {
		int c = std::tolower(static_cast<unsigned char>(s[pos]));
		unsigned d;
		if (c >= '0' && c <= '9')
			d = static_cast<unsigned>(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = static_cast<unsigned>(c - 'a' + 10);
		else
			break;
		if (v > (std::numeric_limits<std::uint64_t>::max() - d) / base)
			return std::nullopt;
		v = v * base + d;
	}
	if (pos == start)
		return std::nullopt;
	return v;
}

} // namespace

std::optional<std::vector<int>> parse_nodelist(const std::string &in)
{
	std::vector<int> out;
	const std::string s = strip(in);
	size_t pos = 0;
	while (pos < s.size()) {
		auto lo = digits(s, pos, 10);
		if (!lo || *lo > 4096)
			return std::nullopt;
		auto hi = lo;
		if (pos < s.size() && s[pos] == '-') {
			pos++;
			hi = digits(s, pos, 10);
			if (!hi || *hi < *lo || *hi > 4096)
				return std::nullopt;
		}
		for (auto n = *lo; n <= *hi; n++)
			out.push_back(static_cast<int>(n));
		if (pos < s.size()) {
			if (s[pos] != ',' || pos + 1 == s.size())
				return std::nullopt;
			pos++;
		}
	}
	return out;
}

std::string format_nodelist(const std::vector<int> &nodes)
{
	std::string out;
	for (size_t i = 0; i < nodes.size();) {
		size_t j = i;
		while (j + 1 < nodes.size() && nodes[j + 1] == nodes[j] + 1)
			j++;
		if (!out.empty())
			out += ',';
		out += std::to_string(nodes[i]);
		if (j > i)
			out += '-' + std::to_string(nodes[j]);
		i = j + 1;
	}
	return out;
}

std::optional<std::uint64_t> parse_u64(const std::string &in)
{
	const std::string s = strip(in);
	size_t pos = 0;
	unsigned base = 10;
	if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		pos = 2;
	}
	auto v = digits(s, pos, base);
	if (!v || pos != s.size())
		return std::nullopt;
	return v;
}

std::optional<std::uint64_t> parse_size(const std::string &in)
{
	const std::string s = strip(in);
	if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_u64(s);
	size_t pos = 0;
	auto v = digits(s, pos, 10);
	if (!v)
		return std::nullopt;
	std::string suffix = s.substr(pos);
	for (auto &c : suffix)
		c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
	unsigned shift;
	if (suffix.empty() || suffix == "B")
		shift = 0;
	else if (suffix == "K" || suffix == "KB" || suffix == "KIB")
		shift = 10;
	else if (suffix == "M" || suffix == "MB" || suffix == "MIB")
		shift = 20;
	else if (suffix == "G" || suffix == "GB" || suffix == "GIB")
		shift = 30;
	else if (suffix == "T" || suffix == "TB" || suffix == "TIB")
		shift = 40;
	else
		return std::nullopt;
	if (shift && *v > (std::numeric_limits<std::uint64_t>::max() >> shift))
		return std::nullopt;
	return *v << shift;
}

bool size_is_human(std::uint64_t bytes)
{
	return bytes >= 5000 * 1024;
}

std::string format_size_human(std::uint64_t bytes)
{
	if (!size_is_human(bytes))
		return std::to_string(bytes);
	// hundredths of the binary and of the decimal unit, rounded to nearest
	struct Unit {
		std::uint64_t limit;
		unsigned shift;
		std::uint64_t decimal;
		const char *bin, *dec;
	};
	static constexpr Unit units[] = {
		{2ull << 30, 20, 1000000ull, "MiB", "MB"},
		{2ull << 40, 30, 1000000000ull, "GiB", "GB"},
		{~0ull, 40, 1000000000000ull, "TiB", "TB"},
	};
	const Unit *u = units;
	while (bytes >= u->limit)
		u++;
	const auto b = static_cast<unsigned __int128>(bytes);
	const auto cbin = static_cast<std::uint64_t>(
		(b * 200 / (static_cast<unsigned __int128>(1) << u->shift) + 1) / 2);
	const auto cdec = static_cast<std::uint64_t>((b / (u->decimal / 200) + 1) / 2);
	char buf[64];
	std::snprintf(buf, sizeof(buf), "%llu.%02llu %s (%llu.%02llu %s)",
		      static_cast<unsigned long long>(cbin / 100),
		      static_cast<unsigned long long>(cbin % 100), u->bin,
		      static_cast<unsigned long long>(cdec / 100),
		      static_cast<unsigned long long>(cdec % 100), u->dec);
	return buf;
}

} // namespace privnode
