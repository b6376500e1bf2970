// SPDX-License-Identifier: GPL-2.0-only
// The harness's verdicts on whole runs: passing, failing, skipped,
// truncated and crashed guests.
#include "guestlog.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <sstream>

using namespace privnode::harness;
using Catch::Matchers::ContainsSubstring;

namespace {

RunReport run(const std::string &tap, const std::string &console = "",
	      const std::vector<std::string> &requested = {"s"})
{
	std::istringstream t(tap), c(console);
	return parse_run(t, c, requested);
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
