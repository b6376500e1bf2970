// SPDX-License-Identifier: GPL-2.0-only
// Verdicts on a guest test run: the TAP stream the guest suites wrote and
// the kernel console log of the same boot.
//
// The guest frames every suite with TAP comment markers, so the stream stays
// valid TAP while the host can tell a suite that finished from one that was
// cut short:
//   # privnode-suite-begin NAME
//   TAP version 13 / 1..N / ok|not ok N - description [# SKIP reason]
//   # privnode-expect oom-kill     (optional: this suite OOM-kills on purpose)
//   # privnode-suite-end NAME rc=N
//   # privnode-run-done
// It also writes "privnode-suite-begin NAME" / "privnode-suite-end NAME" to
// /dev/kmsg, so console lines can be blamed on the suite that ran.
//
// The parser never throws: whatever the guest wrote, the answer is a
// verdict, and anything it cannot make sense of is a failure.
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
	std::string reason; // SKIP/TODO reason, as the guest gave it
	bool todo = false; // the directive was TODO, not SKIP
	std::string listed; // reason of the expected-skips entry that excused it
	std::string failure; // set when this fails for more than "not ok":
		// unexpected skip, malformed line; the whole message
};

struct SuiteReport {
	std::string name;
	bool ended = false; // end marker seen
	std::optional<int> plan; // N of "1..N"
	bool bad_plan = false; // a plan line we could not use (in problems)
	std::optional<std::string> skipped; // "1..0 # SKIP reason"
	std::string skip_listed; // expected-skips reason for @skipped
	bool skip_unexpected = false; // @skipped is not listed (in problems)
	std::optional<int> exit_code; // rc= of the end marker
	bool expects_oom_kill = false; // "# privnode-expect oom-kill"
	std::vector<TestResult> tests;
	std::vector<std::string> problems; // each one counts as a failure
};

struct RunReport {
	std::vector<SuiteReport> suites;
	std::vector<std::string> kernel_problems; // WARNING/BUG/KASAN/Oops/panic/hang/stall/OOM
	std::vector<std::string> expected_warnings; // WARNs the kernel prints on purpose
	std::vector<std::string> problems; // run-level: suite not run, no done marker
	std::vector<std::string> notes; // worth a look, not failures

	[[nodiscard]] int passed() const;
	[[nodiscard]] int failed() const;
	[[nodiscard]] int skipped() const;
	[[nodiscard]] bool ok() const { return failed() == 0; }
};

// One entry of tests/guest/expected-skips (the format is described at the
// top of that file): a skip or TODO a run may report without failing.
struct ExpectedSkip {
	std::string suite;
	std::string test; // a description; "PREFIX*" matches any description
		// starting with PREFIX; "*" alone the whole suite
		// (1..0 # SKIP)
	std::string reason; // never empty
	std::string where; // "FILE:LINE", for messages
};

// Parse an expected-skips file. A bad line adds "FILE:LINE: what" to
// @errors and is left out of the result. @file only names the input.
[[nodiscard]] std::vector<ExpectedSkip> parse_expected_skips(std::istream &in, const std::string &file,
							     std::vector<std::string> &errors);

// Parse one run. @requested lists the suites the guest was asked to run, in
// order; a requested suite that never began is a failure. With @expected,
// every skip and TODO must be listed there or it is a failure, and entries
// of suites that ran but matched nothing are noted as stale; without it,
// skips are reported as skips and nothing more.
[[nodiscard]] RunReport parse_run(std::istream &tap, std::istream &console,
				  const std::vector<std::string> &requested,
				  const std::optional<std::vector<ExpectedSkip>> &expected = std::nullopt);

// Whether @warning (a "WARNING: ... at FILE" line), preceded by the lines
// in @before, is one the kernel prints on purpose for a use we make
// deliberately (e.g. the raw CXL mailbox path). Never true for BUG/Oops.
[[nodiscard]] bool expected_warning(const std::string &warning, const std::string &before);

// A console line that means the kernel misbehaved, or nullopt. OOM kills
// are not in here: whether one is a failure depends on the suite.
[[nodiscard]] std::optional<std::string> kernel_problem(const std::string &line);

// Human report: one line per test, skips with reasons, problems, notes, and
// the closing "N passed, N failed[, N skipped]" line.
void print_report(std::ostream &out, const RunReport &run);

} // namespace privnode::harness
