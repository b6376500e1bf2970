// SPDX-License-Identifier: GPL-2.0-only
// privnode-guestlog: judge a guest test run.
//   privnode-guestlog TAP_LOG CONSOLE_LOG SUITE...
// Prints one line per test and the closing "N passed, N failed" line;
// exits 0 only when nothing failed.
#include "guestlog.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

int main(int argc, char **argv)
{
	using namespace privnode::harness;
	if (argc < 3) {
		std::cerr << "usage: privnode-guestlog TAP_LOG CONSOLE_LOG [SUITE...]\n";
		return 2;
	}
	std::ifstream tap(argv[1]);
	if (!tap) {
		std::cerr << "privnode-guestlog: " << argv[1] << ": " << std::strerror(errno) << "\n";
		return 2;
	}
	std::ifstream console(argv[2]);
	if (!console) {
		std::cerr << "privnode-guestlog: " << argv[2] << ": " << std::strerror(errno) << "\n";
		return 2;
	}
	std::vector<std::string> suites(argv + 3, argv + argc);
	const RunReport run = parse_run(tap, console, suites);
	print_report(std::cout, run);
	return run.ok() ? 0 : 1;
}
