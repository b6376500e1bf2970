// SPDX-License-Identifier: GPL-2.0-only
// Verdicts on a guest test run: the TAP stream the guest suites wrote and
// the kernel console log of the same boot.
//
// The guest frames every suite with TAP comment markers, so the stream stays
// valid TAP while the host can tell a suite that finished from one that was
// cut short:
//   # privnode-suite-begin NAME
//   TAP version 13 / 1..N / ok|not ok N - description [# SKIP reason]
//   # privnode-suite-end NAME rc=N
//   # privnode-run-done
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace privnode::harness {

enum class Outcome { pass, fail, skip };

struct TestResult {
	int number = 0;
	std::string description;
	Outcome outcome = Outcome::pass;
	std::string reason; // SKIP/TODO reason
};

struct SuiteReport {
	std::string name;
	bool ended = false;                 // end marker seen
	std::optional<int> plan;            // N of "1..N"
	std::optional<std::string> skipped; // "1..0 # SKIP reason"
	std::optional<int> exit_code;       // rc= of the end marker
	std::vector<TestResult> tests;
	std::vector<std::string> problems; // each one counts as a failure
};

struct RunReport {
	std::vector<SuiteReport> suites;
	std::vector<std::string> kernel_problems; // WARNING/BUG/KASAN/Oops/panic lines
	std::vector<std::string> expected_warnings; // WARNs the kernel prints on purpose
	std::vector<std::string> problems;        // run-level: suite not run, no done marker

	[[nodiscard]] int passed() const;
	[[nodiscard]] int failed() const;
	[[nodiscard]] int skipped() const;
	[[nodiscard]] bool ok() const { return failed() == 0; }
};

// Parse one run. @requested lists the suites the guest was asked to run, in
// order; a requested suite that never began is a failure.
[[nodiscard]] RunReport parse_run(std::istream &tap, std::istream &console,
				  const std::vector<std::string> &requested);

// Whether @warning (a "WARNING: ... at FILE" line), preceded by the lines
// in @before, is one the kernel prints on purpose for a use we make
// deliberately (e.g. the raw CXL mailbox path). Never true for BUG/Oops.
[[nodiscard]] bool expected_warning(const std::string &warning, const std::string &before);

// A console line that means the kernel misbehaved, or nullopt.
[[nodiscard]] std::optional<std::string> kernel_problem(const std::string &line);

// Human report: one line per test, skips with reasons, problems, and the
// closing "N passed, N failed[, N skipped]" line.
void print_report(std::ostream &out, const RunReport &run);

} // namespace privnode::harness
