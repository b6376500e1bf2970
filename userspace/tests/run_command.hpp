// SPDX-License-Identifier: GPL-2.0-only
// Run a command line through the shell for the CLI tests: its exit status,
// stdout, and stderr (which the command line sends to @errfile).
#pragma once

#include <catch2/catch_test_macros.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/wait.h>

struct Run {
	int rc;
	std::string out, err;
};

// @cmd must end with "2>@errfile"; -1 as the status when it did not exit.
inline Run run_command(const std::string &cmd, const std::filesystem::path &errfile)
{
	Run r{};
	FILE *p = popen(cmd.c_str(), "r");
	REQUIRE(p);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		r.out.append(buf, n);
	int status = pclose(p);
	r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	std::ifstream in(errfile);
	r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
	return r;
}
