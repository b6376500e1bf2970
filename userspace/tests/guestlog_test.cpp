// SPDX-License-Identifier: GPL-2.0-only
// The harness's verdicts on whole runs: passing, failing, skipped,
// truncated and crashed guests.
#include "guestlog.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <string_view>

using namespace privnode::harness;
using Catch::Matchers::ContainsSubstring;

namespace {

RunReport run(const std::string &tap, const std::string &console = "",
	      const std::vector<std::string> &requested = {"s"})
{
	std::istringstream t(tap), c(console);
	return parse_run(t, c, requested);
}

std::vector<ExpectedSkip> skips(const std::string &text)
{
	std::istringstream in(text);
	std::vector<std::string> errors;
	auto e = parse_expected_skips(in, "expected-skips", errors);
	REQUIRE(errors.empty());
	return e;
}

// A run judged against the expected-skips list @listed.
RunReport judged(const std::string &tap, const std::string &listed,
		 const std::vector<std::string> &requested = {"s"}, const std::string &console = "")
{
	std::istringstream t(tap), c(console);
	return parse_run(t, c, requested, skips(listed));
}

std::string report(const RunReport &r)
{
	std::ostringstream o;
	print_report(o, r);
	return o.str();
}

const char *kPassing = "random guest chatter\r\n"
		       "# privnode-suite-begin s\r\n"
		       "TAP version 13\r\n"
		       "1..3\r\n"
		       "ok 1 - region created\r\n"
		       "ok 2 - node online\r\n"
		       "ok 3 - region destroyed\r\n"
		       "# privnode-suite-end s rc=0\r\n"
		       "# privnode-run-done\r\n";

const char *kCleanConsole = "[    0.000000] Linux version 6.12\n"
			    "[    1.000000] cxl_acpi: ACPI0017:00: probe ok\n";

} // namespace

TEST_CASE("a clean run passes")
{
	auto r = run(kPassing, kCleanConsole);
	CHECK(r.ok());
	CHECK(r.passed() == 3);
	CHECK(r.failed() == 0);
	CHECK(r.skipped() == 0);
	CHECK_THAT(report(r), ContainsSubstring("PASS s: node online"));
	CHECK_THAT(report(r), ContainsSubstring("3 passed, 0 failed\n"));
}

TEST_CASE("a failing test fails the run")
{
	auto r = run("# privnode-suite-begin s\n1..2\nok 1 - a\nnot ok 2 - b\n"
		     "# privnode-suite-end s rc=1\n# privnode-run-done\n");
	CHECK_FALSE(r.ok());
	CHECK(r.passed() == 1);
	CHECK(r.failed() == 1);
	CHECK_THAT(report(r), ContainsSubstring("FAIL s: b"));
	CHECK_THAT(report(r), ContainsSubstring("1 passed, 1 failed\n"));
}

TEST_CASE("skips are counted with their reasons and are not passes")
{
	auto r = run("# privnode-suite-begin s\n1..2\nok 1 - a\n"
		     "ok 2 - b # SKIP needs a private node\n"
		     "# privnode-suite-end s rc=0\n"
		     "# privnode-suite-begin t\n1..0 # SKIP no CXL device\n"
		     "# privnode-suite-end t rc=4\n# privnode-run-done\n",
		     "", {"s", "t"});
	CHECK(r.ok());
	CHECK(r.passed() == 1);
	CHECK(r.skipped() == 2);
	const auto text = report(r);
	CHECK_THAT(text, ContainsSubstring("s: b: needs a private node"));
	CHECK_THAT(text, ContainsSubstring("t: no CXL device"));
	CHECK_THAT(text, ContainsSubstring("1 passed, 0 failed, 2 skipped\n"));
}

TEST_CASE("'not ok' with SKIP is still a failure")
{
	auto r = run("# privnode-suite-begin s\n1..1\nnot ok 1 - a # SKIP x\n"
		     "# privnode-suite-end s rc=1\n# privnode-run-done\n");
	CHECK(r.failed() == 1);
}

TEST_CASE("a truncated run fails: missing tests, end marker and done marker")
{
	auto r = run("# privnode-suite-begin s\n1..3\nok 1 - a\nok 2 - b\n");
	CHECK_FALSE(r.ok());
	CHECK(r.passed() == 2);
	const auto text = report(r);
	CHECK_THAT(text, ContainsSubstring("cut short"));
	CHECK_THAT(text, ContainsSubstring("no done marker"));
}

TEST_CASE("a plan that does not match the tests fails")
{
	auto r = run("# privnode-suite-begin s\n1..3\nok 1 - a\n"
		     "# privnode-suite-end s rc=0\n# privnode-run-done\n");
	CHECK(r.failed() == 1);
	CHECK_THAT(report(r), ContainsSubstring("plan 1..3 but 1 test(s) reported"));
}

TEST_CASE("a missing plan fails")
{
	auto r = run("# privnode-suite-begin s\nok 1 - a\n"
		     "# privnode-suite-end s rc=0\n# privnode-run-done\n");
	CHECK(r.failed() == 1);
	CHECK_THAT(report(r), ContainsSubstring("no TAP plan"));
}

TEST_CASE("a crashed kernel fails the run even when the TAP looks fine")
{
	const std::string console = std::string(kCleanConsole) +
		"[    5.1] BUG: kernel NULL pointer dereference, address: 0000000000000008\n"
		"[    5.2] Oops: 0002 [#1] PREEMPT SMP NOPTI\n";
	auto r = run(kPassing, console);
	CHECK_FALSE(r.ok());
	CHECK(r.kernel_problems.size() == 2);
	CHECK_THAT(report(r), ContainsSubstring("FAIL kernel: [    5.1] BUG: kernel NULL"));
}

TEST_CASE("kernel warnings and KASAN reports are failures")
{
	CHECK(kernel_problem("[ 3.2] WARNING: CPU: 0 PID: 1 at mm/page_alloc.c:4000"));
	CHECK(kernel_problem("[ 3.2] BUG: KASAN: slab-use-after-free in foo"));
	CHECK(kernel_problem("Kernel panic - not syncing: Fatal exception"));
	CHECK_FALSE(kernel_problem("[ 1.0] cxl region0: Bypassing cpu_cache_invalidate_memregion()"));
}

TEST_CASE("a suite that crashed mid-run is cut short and later suites are missing")
{
	auto r = run("# privnode-suite-begin a\n1..2\nok 1 - x\n", "", {"a", "b"});
	const auto text = report(r);
	CHECK_THAT(text, ContainsSubstring("FAIL a: cut short"));
	CHECK_THAT(text, ContainsSubstring("suite b was requested but never started"));
	CHECK(r.failed() == 3); // a cut short, b missing, no done marker
}

TEST_CASE("a suite with a non-zero exit but no failing test is a failure")
{
	auto r = run("# privnode-suite-begin s\n1..1\nok 1 - a\n"
		     "# privnode-suite-end s rc=2\n# privnode-run-done\n");
	CHECK(r.failed() == 1);
	CHECK_THAT(report(r), ContainsSubstring("rc=2"));
}

TEST_CASE("Bail out! fails the suite")
{
	auto r = run("# privnode-suite-begin s\n1..2\nok 1 - a\nBail out! no memdev\n"
		     "# privnode-suite-end s rc=1\n# privnode-run-done\n");
	CHECK_FALSE(r.ok());
	CHECK_THAT(report(r), ContainsSubstring("Bail out! no memdev"));
}

TEST_CASE("nested kselftest output is not counted twice")
{
	auto r = run("# privnode-suite-begin s\n1..1\n    1..2\n    ok 1 - sub\n"
		     "    not ok 2 - sub2 # TODO\nok 1 - whole\n"
		     "# privnode-suite-end s rc=0\n# privnode-run-done\n");
	CHECK(r.ok());
	CHECK(r.passed() == 1);
}

TEST_CASE("the raw CXL mailbox warning is expected; other warnings are not")
{
	const std::string raw = "[ 9.0] ------------[ cut here ]------------\n"
				"[ 9.0] cxl_pci 0000:0d:00.0: raw command path used\n"
				"[ 9.0] WARNING: CPU: 1 PID: 90 at drivers/cxl/core/mbox.c:418 "
				"cxl_send_cmd+0x1/0x2\n";
	auto r = run(kPassing, raw);
	CHECK(r.ok());
	CHECK(r.expected_warnings.size() == 1);
	CHECK_THAT(report(r), ContainsSubstring("NOTE kernel: expected warning"));

	const std::string other = "[ 9.0] ------------[ cut here ]------------\n"
				  "[ 9.0] cxl_pci 0000:0d:00.0: raw command path used\n"
				  "[ 9.0] WARNING: CPU: 1 PID: 90 at mm/page_alloc.c:4000 foo\n";
	CHECK_FALSE(run(kPassing, other).ok());
	const std::string far = "[ 9.0] cxl_pci 0000:0d:00.0: raw command path used\n"
				"a\nb\nc\nd\n"
				"[ 9.0] WARNING: CPU: 1 PID: 90 at drivers/cxl/core/mbox.c:418 x\n";
	CHECK_FALSE(run(kPassing, far).ok());
}

TEST_CASE("expected-skips: entries, comments, '*' and prefixes")
{
	const auto e = skips("# SUITE TEST -- REASON\n"
			     "\n"
			     "privnodectl private type refused on a kernel without private regions"
			     " -- ours has them\n"
			     "  cxl-qmp\t*\t--\tno QMP relay in this setup  \n"
			     "placement onto a memoryless node* -- every node has memory\n");
	REQUIRE(e.size() == 3);
	CHECK(e[0].suite == "privnodectl");
	CHECK(e[0].test == "private type refused on a kernel without private regions");
	CHECK(e[0].reason == "ours has them");
	CHECK(e[0].where == "expected-skips:3");
	CHECK(e[1].suite == "cxl-qmp");
	CHECK(e[1].test == "*");
	CHECK(e[1].reason == "no QMP relay in this setup");
	CHECK(e[2].test == "onto a memoryless node*");
}

TEST_CASE("expected-skips: a line without a reason is an error naming file and line")
{
	std::istringstream in("# comment\n"
			      "s a test without reason\n"
			      "s another --\n"
			      "s -- reason but no test\n"
			      "lonely\n"
			      "s a--b -- ok: '--' inside a word is no separator\n"
			      "s a--b -- the same entry again\n");
	std::vector<std::string> errors;
	const auto e = parse_expected_skips(in, "tests/guest/expected-skips", errors);
	REQUIRE(errors.size() == 5);
	CHECK_THAT(errors[0], ContainsSubstring("tests/guest/expected-skips:2: no ' -- REASON'"));
	CHECK_THAT(errors[1], ContainsSubstring("tests/guest/expected-skips:3: empty reason"));
	CHECK_THAT(errors[2], ContainsSubstring("tests/guest/expected-skips:4: no test description"));
	CHECK_THAT(errors[3], ContainsSubstring("tests/guest/expected-skips:5:"));
	CHECK_THAT(errors[4], ContainsSubstring(":7: the same entry as tests/guest/expected-skips:6"));
	REQUIRE(e.size() == 1);
	CHECK(e[0].test == "a--b");
}

TEST_CASE("the checked-in expected-skips parses and lists privnodectl's skip verbatim")
{
	// This file is userspace/tests/guestlog_test.cpp of the source tree.
	const std::string self = __FILE__;
	const auto top = self.substr(0, self.rfind("/userspace/tests/"));
	const std::string file = top + "/tests/guest/expected-skips";
	std::ifstream in(file);
	REQUIRE(in);
	std::vector<std::string> errors;
	const auto e = parse_expected_skips(in, file, errors);
	CHECK(errors.empty());

	// The description as tests/guest/suites/privnodectl prints it.
	std::ifstream suite(top + "/tests/guest/suites/privnodectl");
	REQUIRE(suite);
	std::string line, desc;
	while (std::getline(suite, line))
		if (auto q = line.find("skip \"private type refused"); q != std::string::npos) {
			q += 6;
			desc = line.substr(q, line.find('"', q) - q);
		}
	REQUIRE_FALSE(desc.empty());
	CHECK(std::any_of(e.begin(), e.end(), [&](const ExpectedSkip &x) {
		return x.suite == "privnodectl" && x.test == desc && !x.reason.empty();
	}));
}

TEST_CASE("an unlisted skip fails the run; a listed one stays a skip with its listed reason")
{
	const std::string tap = "# privnode-suite-begin s\n1..3\nok 1 - a\n"
				"ok 2 - b # SKIP needs a private node\n"
				"ok 3 - c # SKIP no memoryless node\n"
				"# privnode-suite-end s rc=0\n# privnode-run-done\n";
	auto r = judged(tap, "s c -- the guest has no memoryless node\n");
	CHECK_FALSE(r.ok());
	CHECK(r.passed() == 1);
	CHECK(r.failed() == 1);
	CHECK(r.skipped() == 1);
	const auto text = report(r);
	CHECK_THAT(text, ContainsSubstring("FAIL s: unexpected skip: b (needs a private node)\n"));
	CHECK_THAT(text,
		   ContainsSubstring(
			   "SKIP s: c (the guest has no memoryless node) [guest: no memoryless node]\n"));
	CHECK_THAT(text, ContainsSubstring("1 passed, 1 failed, 1 skipped\n"));

	// An empty list expects no skip at all.
	CHECK(judged(tap, "").failed() == 2);
	// And with both listed, the run passes.
	CHECK(judged(tap, "s b -- x\ns c -- y\n").ok());
}

TEST_CASE("an unlisted whole-suite skip fails; '*' lists it")
{
	const std::string tap = "# privnode-suite-begin t\nTAP version 13\n1..0 # SKIP no CXL device\n"
				"# privnode-suite-end t rc=4\n# privnode-run-done\n";
	auto r = judged(tap, "", {"t"});
	CHECK(r.failed() == 1);
	CHECK(r.skipped() == 0);
	const auto text = report(r);
	CHECK_THAT(text, ContainsSubstring("FAIL t: unexpected skip: whole suite (no CXL device)\n"));
	CHECK_THAT(text, !ContainsSubstring("SKIP t:"));

	auto listed = judged(tap, "t * -- the CI machine has no CXL\n", {"t"});
	CHECK(listed.ok());
	CHECK(listed.skipped() == 1);
	CHECK_THAT(report(listed),
		   ContainsSubstring(
			   "SKIP t: whole suite (the CI machine has no CXL) [guest: no CXL device]\n"));
	// A test entry does not list the whole suite, nor '*' a single test.
	CHECK_FALSE(judged(tap, "t no CXL device -- x\n", {"t"}).ok());
	CHECK_FALSE(judged("# privnode-suite-begin t\n1..1\nok 1 - a # SKIP x\n"
			   "# privnode-suite-end t rc=0\n# privnode-run-done\n",
			   "t * -- x\n", {"t"})
			    .ok());
}

TEST_CASE("a listed prefix matches descriptions that start with it")
{
	const std::string tap = "# privnode-suite-begin placement\n1..1\n"
				"ok 1 - MPOL_BIND onto a memoryless node # SKIP every node has memory\n"
				"# privnode-suite-end placement rc=0\n# privnode-run-done\n";
	CHECK(judged(tap, "placement MPOL_BIND onto* -- all nodes have memory\n", {"placement"}).ok());
	CHECK_FALSE(judged(tap, "placement MPOL_BIND onto -- no '*', no prefix\n", {"placement"}).ok());
	CHECK_FALSE(judged(tap, "other MPOL_BIND onto* -- another suite\n", {"placement"}).ok());
}

TEST_CASE("stale expected-skips entries are notes, only for suites that ran")
{
	const std::string tap = kPassing;
	auto r = judged(tap, "s gone -- was skipped once\nt * -- suite not in this run\n");
	CHECK(r.ok());
	REQUIRE(r.notes.size() == 1);
	const auto text = report(r);
	CHECK_THAT(text,
		   ContainsSubstring(
			   "NOTE expected-skips: expected-skips:1: s gone: listed but did not happen"));
	CHECK_THAT(text, ContainsSubstring("3 passed, 0 failed\n"));
}

TEST_CASE("TODO tests must be listed like skips, 'ok' or 'not ok'")
{
	const std::string tap = "# privnode-suite-begin s\n1..3\nok 1 - a\n"
				"ok 2 - b # TODO flaky on TCG\n"
				"not ok 3 - c # TODO not implemented\n"
				"# privnode-suite-end s rc=0\n# privnode-run-done\n";
	auto r = judged(tap, "");
	CHECK(r.failed() == 2);
	const auto text = report(r);
	CHECK_THAT(text, ContainsSubstring("FAIL s: unexpected TODO: b (flaky on TCG)"));
	CHECK_THAT(text, ContainsSubstring("FAIL s: unexpected TODO: c (not implemented)"));

	auto listed = judged(tap, "s b -- known flaky\ns c -- upstream has no c yet\n");
	CHECK(listed.ok());
	CHECK(listed.passed() == 1);
	CHECK(listed.skipped() == 2);
}

TEST_CASE("a skipped suite must exit 0 or 4")
{
	const auto tap = [](int rc) {
		return "# privnode-suite-begin t\n1..0 # SKIP no device\n# privnode-suite-end t rc=" +
			std::to_string(rc) + "\n# privnode-run-done\n";
	};
	CHECK(judged(tap(0), "t * -- x\n", {"t"}).ok());
	CHECK(judged(tap(4), "t * -- x\n", {"t"}).ok());
	auto r = judged(tap(1), "t * -- x\n", {"t"});
	CHECK(r.failed() == 1);
	CHECK_THAT(report(r), ContainsSubstring("FAIL t: skipped but exited with rc=1"));
	// Without an expected-skips list too.
	CHECK_FALSE(run(tap(2), "", {"t"}).ok());

	// The guest's init for a suite missing from the initramfs.
	auto missing = judged("# privnode-suite-begin nope\n"
			      "1..0 # SKIP no such suite in the initramfs: nope\n"
			      "Bail out! unknown suite nope\n"
			      "# privnode-suite-end nope rc=1\n# privnode-run-done\n",
			      "nope * -- even listed, a missing suite fails\n", {"nope"});
	CHECK_FALSE(missing.ok());
	CHECK_THAT(report(missing), ContainsSubstring("exited with rc=1"));
}

TEST_CASE("1..0 without # SKIP is a failure, not a skip")
{
	auto r = run("# privnode-suite-begin s\n1..0\n# privnode-suite-end s rc=0\n# privnode-run-done\n");
	CHECK(r.failed() == 1);
	CHECK(r.skipped() == 0);
	CHECK_THAT(report(r), ContainsSubstring("a plan of zero tests is not a skip"));
	CHECK_FALSE(run("# privnode-suite-begin s\n1..0 # nothing here\n"
			"# privnode-suite-end s rc=0\n# privnode-run-done\n")
			    .ok());
	// Lower case is still a skip.
	CHECK(run("# privnode-suite-begin s\n1..0 # skip no device\n"
		  "# privnode-suite-end s rc=4\n# privnode-run-done\n")
		      .skipped() == 1);
}

TEST_CASE("a skipped suite that reports tests anyway fails")
{
	auto r = run("# privnode-suite-begin s\n1..0 # SKIP x\nok 1 - a\n"
		     "# privnode-suite-end s rc=0\n# privnode-run-done\n");
	CHECK_FALSE(r.ok());
	CHECK_THAT(report(r), ContainsSubstring("1..0 # SKIP but 1 test(s) reported"));
}

TEST_CASE("'not ok' without a test number is a failure")
{
	for (const char *line : {"not ok - foo", "not ok", "not ok foo", "not ok\t- foo # SKIP x"}) {
		CAPTURE(line);
		auto r = run(std::string("# privnode-suite-begin s\n1..2\nok 1 - a\n") + line +
			     "\n# privnode-suite-end s rc=1\n# privnode-run-done\n");
		CHECK(r.failed() == 1);
		CHECK(r.passed() == 1);
		CHECK_THAT(report(r), ContainsSubstring("FAIL s: malformed TAP, no test number: not ok"));
	}
}

TEST_CASE("'ok' without a test number is malformed TAP")
{
	for (const char *line : {"ok - foo", "ok", "ok # SKIP x"}) {
		CAPTURE(line);
		auto r = run(std::string("# privnode-suite-begin s\n1..2\nok 1 - a\n") + line +
			     "\n# privnode-suite-end s rc=0\n# privnode-run-done\n");
		CHECK(r.failed() == 1);
		CHECK(r.passed() == 1);
		CHECK_THAT(report(r), ContainsSubstring("FAIL s: malformed TAP, no test number: ok"));
	}
	// Words that merely start with "ok" are no test lines.
	CHECK(run("# privnode-suite-begin s\n1..1\nokay then\nok1\nok 1 - a\n"
		  "# privnode-suite-end s rc=0\n# privnode-run-done\n")
		      .ok());
}

TEST_CASE("huge test numbers, plans and exit statuses are failures, not exceptions")
{
	RunReport r;
	REQUIRE_NOTHROW(r = run("# privnode-suite-begin s\n1..2\nok 1 - a\nok 99999999999 - b\n"
				"# privnode-suite-end s rc=0\n# privnode-run-done\n"));
	CHECK(r.failed() == 1);
	CHECK_THAT(report(r), ContainsSubstring("FAIL s: test number out of range: ok 99999999999 - b"));

	REQUIRE_NOTHROW(r = run("# privnode-suite-begin s\n1..99999999999\nok 1 - a\n"
				"# privnode-suite-end s rc=0\n# privnode-run-done\n"));
	CHECK(r.failed() == 1);
	CHECK_THAT(report(r), ContainsSubstring("FAIL s: plan 1..99999999999: test number out of range"));

	REQUIRE_NOTHROW(r = run("# privnode-suite-begin s\n1..1\nok 1 - a\n"
				"# privnode-suite-end s rc=99999999999\n# privnode-run-done\n"));
	CHECK(r.failed() == 1);
	CHECK_THAT(report(r),
		   ContainsSubstring("FAIL s: end marker rc=99999999999: exit status out of range"));

	REQUIRE_NOTHROW(r = run("# privnode-suite-begin s\n1..1\nnot ok 2147483648\n"
				"# privnode-suite-end s rc=-99999999999\n# privnode-run-done\n"));
	CHECK_FALSE(r.ok());
}

TEST_CASE("the parser never throws, whatever the logs hold")
{
	// Pieces of TAP, markers and kernel lines, glued at random, plus
	// bytes no one meant to send.
	const std::vector<std::string> pieces = {
		"# privnode-suite-begin s",
		"# privnode-suite-end s rc=",
		"# privnode-run-done",
		"# privnode-expect oom-kill",
		"# privnode-expect ",
		"1..",
		"ok ",
		"not ok ",
		"# SKIP",
		"# TODO",
		" # ",
		"#",
		"-",
		"- ",
		"rc=",
		"99999999999999999999",
		"0",
		"7",
		"-1",
		" ",
		"\t",
		"\r",
		"\n",
		"Bail out!",
		"\xff\xfe",
		std::string(1, '\0'),
		"privnode-suite-begin ",
		"privnode-suite-end ",
		"[  1.0] ",
		"[",
		"]",
		"invoked oom-killer",
		"Out of memory: Killed process 1",
		"oom-kill:",
		"WARNING: at drivers/cxl/core/mbox.c",
		"raw command path used",
	};
	std::mt19937 rng(20261125);
	for (int round = 0; round < 300; round++) {
		std::string tap, console;
		for (int i = 0; i < 200; i++) {
			tap += pieces[rng() % pieces.size()];
			console += pieces[rng() % pieces.size()];
		}
		std::istringstream t(tap), c(console), e(tap + console);
		std::vector<std::string> errors;
		std::optional<std::vector<ExpectedSkip>> expected;
		REQUIRE_NOTHROW(expected = parse_expected_skips(e, "x", errors));
		RunReport r;
		REQUIRE_NOTHROW(r = parse_run(t, c, {"s", "t"}, expected));
		std::ostringstream o;
		REQUIRE_NOTHROW(print_report(o, r));
	}
	// One very long line: no recursion per character (std::regex had it).
	const std::string longline = "ok 1 - " + std::string(4 << 20, 'x');
	RunReport r;
	REQUIRE_NOTHROW(r = run("# privnode-suite-begin s\n1..1\n" + longline +
					"\n# privnode-suite-end s rc=0\n# privnode-run-done\n",
				longline));
	CHECK(r.passed() == 1);
}

TEST_CASE("hung tasks, RCU stalls and lockups on the console fail the run")
{
	for (const char *line : {
		     "[  250.1] INFO: task kworker/0:1:42 blocked for more than 122 seconds.",
		     "[  250.1] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:",
		     "[  250.1] rcu: INFO: rcu_preempt self-detected stall on CPU",
		     "[  250.1] rcu: INFO: rcu_preempt detected expedited stalls on CPUs/tasks: {",
		     "[  250.1] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [migration:90]",
		     "[  250.1] NMI watchdog: Watchdog detected hard LOCKUP on cpu 1",
	     }) {
		CAPTURE(line);
		CHECK(kernel_problem(line));
		auto r = run(kPassing, std::string(kCleanConsole) + line + "\n");
		CHECK(r.failed() == 1);
		CHECK_THAT(report(r), ContainsSubstring(std::string("FAIL kernel: ") + line));
	}
	CHECK_FALSE(kernel_problem("[ 0.5] watchdog: Disabling watchdog on nohz_full cores by default"));
	CHECK_FALSE(kernel_problem("[ 0.5] rcu: Hierarchical RCU implementation."));
}

namespace {

// One OOM kill as the kernel prints it.
const char *kOomKill = "[ 40.1] stress invoked oom-killer: "
		       "gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0\n"
		       "[ 40.1] CPU: 1 PID: 99 Comm: stress Not tainted 6.12.0\n"
		       "[ 40.1] Call Trace:\n"
		       "[ 40.1] Mem-Info:\n"
		       "[ 40.1] "
		       "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/"
		       ",mems_allowed=0,global_oom,task_memcg=/,task=stress,pid=99,uid=0\n"
		       "[ 40.1] Out of memory: Killed process 99 (stress) total-vm:1000kB, anon-rss:900kB\n"
		       "[ 40.2] oom_reaper: reaped process 99 (stress), now anon-rss:0kB\n";

const char *kOomTap = "# privnode-suite-begin s\n1..1\n# privnode-expect oom-kill\nok 1 - a\n"
		      "# privnode-suite-end s rc=0\n"
		      "# privnode-suite-begin t\n1..1\nok 1 - b\n# privnode-suite-end t rc=0\n"
		      "# privnode-run-done\n";

std::string in_suite(const std::string &suite, const std::string &lines)
{
	return "[ 30.0] privnode-suite-begin " + suite + "\n" + lines + "[ 50.0] privnode-suite-end " +
		suite + "\n";
}

} // namespace

TEST_CASE("an OOM kill fails the run, once per kill, unless its suite expects one")
{
	// Outside any suite.
	auto r = run(kOomTap, kOomKill, {"s", "t"});
	CHECK(r.failed() == 1);
	CHECK_THAT(report(r),
		   ContainsSubstring(
			   "FAIL kernel: OOM kill outside any suite: [ 40.1] stress invoked oom-killer"));

	// In a suite that did not declare it: the suite is named.
	r = run(kOomTap, in_suite("t", kOomKill), {"s", "t"});
	CHECK(r.failed() == 1);
	CHECK_THAT(report(r),
		   ContainsSubstring("FAIL kernel: OOM kill during suite t, which does not declare"));

	// In the suite that declared it: a note.
	r = run(kOomTap, in_suite("s", kOomKill), {"s", "t"});
	CHECK(r.ok());
	CHECK_THAT(
		report(r),
		ContainsSubstring("NOTE kernel: expected OOM kill during suite s: [ 40.1] stress invoked"));

	// Two kills are two failures; a kill whose first line got lost still
	// counts, and so does a lone line of any kind.
	CHECK(run(kOomTap, in_suite("t", std::string(kOomKill) + kOomKill), {"s", "t"}).failed() == 2);
	for (const char *line : {"[ 1.0] Out of memory: Killed process 9 (x) total-vm:1kB\n",
				 "[ 1.0] oom-kill:constraint=CONSTRAINT_NONE,task=x,pid=9\n",
				 "[ 1.0] Memory cgroup out of memory: Killed process 9 (x)\n",
				 "[ 1.0] x invoked oom-killer: gfp_mask=0x0\n"}) {
		CAPTURE(line);
		CHECK(run(kOomTap, in_suite("t", line), {"s", "t"}).failed() == 1);
	}
	// A kill after the declaring suite ended is no longer excused.
	CHECK(run(kOomTap, in_suite("s", "") + kOomKill, {"s", "t"}).failed() == 1);
	// Timestamps are optional on the markers.
	CHECK(run(kOomTap, "privnode-suite-begin s\n" + std::string(kOomKill) + "privnode-suite-end s\n",
		  {"s", "t"})
		      .ok());
}

TEST_CASE("a suite names its kernel problems; unknown expectations fail")
{
	auto r = run(kPassing, in_suite("s", "[ 41.0] BUG: unable to handle page fault\n"));
	CHECK_THAT(
		report(r),
		ContainsSubstring("FAIL kernel: [ 41.0] BUG: unable to handle page fault (during suite s)"));
	auto u = run("# privnode-suite-begin s\n1..1\n# privnode-expect oom-kills\nok 1 - a\n"
		     "# privnode-suite-end s rc=0\n# privnode-run-done\n");
	CHECK(u.failed() == 1);
	CHECK_THAT(report(u), ContainsSubstring("unknown expectation: # privnode-expect oom-kills"));
}

TEST_CASE("kernel_problem: debug-kernel reports (lockdep, kmemleak)")
{
	CHECK(kernel_problem("[ 3.1] INFO: trying to register non-static key."));
	CHECK(kernel_problem(
		"[ 9.9] kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)"));
	CHECK(kernel_problem("[ 1.0] WARNING: possible circular locking dependency detected"));
	CHECK(kernel_problem(
		"[ 1.0] BUG: sleeping function called from invalid context at mm/page_alloc.c:4321"));
	CHECK_FALSE(kernel_problem(
		"[ 1.0] kmemleak: Kernel memory leak detector initialized (mem pool available: 15000)"));
}
