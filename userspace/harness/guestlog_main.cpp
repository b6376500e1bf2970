// SPDX-License-Identifier: GPL-2.0-only
// privnode-guestlog: judge a guest test run.
//   privnode-guestlog [--expected-skips FILE] TAP_LOG CONSOLE_LOG SUITE...
// Prints one line per test and the closing "N passed, N failed" line;
// exits 0 only when nothing failed, 2 when it could not judge at all.
// Every skip must be listed in the expected-skips file (without one, no
// skip is expected); a bad line in it fails the run.
#include "guestlog.hpp"

#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <string_view>

namespace {

int usage()
{
	std::cerr << "usage: privnode-guestlog [--expected-skips FILE] TAP_LOG CONSOLE_LOG [SUITE...]\n";
	return 2;
}

int cannot_read(const char *path)
{
	std::cerr << "privnode-guestlog: " << path << ": " << std::strerror(errno) << "\n";
	return 2;
}

} // namespace

int main(int argc, char **argv)
{
	using namespace privnode::harness;
	const char *skips_file = nullptr;
	int i = 1;
	for (; i < argc; i++) {
		const std::string_view a = argv[i];
		if (a == "--expected-skips" && i + 1 < argc)
			skips_file = argv[++i];
		else if (a.starts_with("--expected-skips="))
			skips_file = argv[i] + a.find('=') + 1;
		else if (a == "--") {
			i++;
			break;
		} else if (a.starts_with("-"))
			return usage();
		else
			break;
	}
	if (argc - i < 2)
		return usage();
	try {
		std::vector<ExpectedSkip> expected;
		std::vector<std::string> errors;
		if (skips_file) {
			errno = 0;
			std::ifstream f(skips_file);
			if (!f)
				return cannot_read(skips_file);
			expected = parse_expected_skips(f, skips_file, errors);
			if (f.bad())
				return cannot_read(skips_file);
		}
		std::ifstream tap(argv[i]);
		if (!tap)
			return cannot_read(argv[i]);
		std::ifstream console(argv[i + 1]);
		if (!console)
			return cannot_read(argv[i + 1]);
		std::vector<std::string> suites(argv + i + 2, argv + argc);
		RunReport run = parse_run(tap, console, suites, expected);
		// A broken list cannot excuse anything: its lines fail the run,
		// and the skips they meant to list fail as unexpected.
		for (auto &e : errors)
			run.problems.push_back("expected-skips: " + e);
		print_report(std::cout, run);
		return run.ok() ? 0 : 1;
	} catch (const std::exception &e) {
		// parse_run does not throw; this is for std::bad_alloc and bugs.
		std::cerr << "privnode-guestlog: " << e.what() << "\n";
		return 2;
	}
}
