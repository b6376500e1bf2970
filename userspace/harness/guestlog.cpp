// SPDX-License-Identifier: GPL-2.0-only
#include "guestlog.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <istream>
#include <ostream>
#include <string_view>

namespace privnode::harness {

namespace {

// No std::regex here: libstdc++'s matcher recurses per character and can
// overflow the stack on one long line, and the judge must survive any log.
const std::string kBegin = "# privnode-suite-begin ";
const std::string kEnd = "# privnode-suite-end ";
const std::string kDone = "# privnode-run-done";
const std::string kExpect = "# privnode-expect ";
const std::string kConsoleBegin = "privnode-suite-begin ";
const std::string kConsoleEnd = "privnode-suite-end ";

bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s)
{
	const auto notspace = [](unsigned char c) { return !std::isspace(c); };
	const auto b = std::find_if(s.begin(), s.end(), notspace);
	const auto e = std::find_if(s.rbegin(), s.rend(), notspace).base();
	return b < e ? std::string_view(b, e) : std::string_view();
}

std::string trim(const std::string &s)
{
	return std::string(trim(std::string_view(s)));
}

bool istarts_with(std::string_view s, std::string_view prefix)
{
	return s.size() >= prefix.size() &&
		std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
			return std::tolower(static_cast<unsigned char>(a)) ==
				std::tolower(static_cast<unsigned char>(b));
		});
}

// Serial consoles deliver "\r\n"; a test may also print a stray '\r'.
std::string chomp(std::string s)
{
	while (!s.empty() && (s.back() == '\r' || s.back() == '\n'))
		s.pop_back();
	return s;
}

// A guest line quoted in a message: a runaway one must not drown the report.
std::string clip(std::string_view s)
{
	constexpr size_t max = 200;
	return s.size() <= max ? std::string(s) : std::string(s.substr(0, max)) + "...";
}

bool all_digits(std::string_view s)
{
	return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// @s (digits, perhaps after a '-') as an int, or nullopt when it does not
// fit: a test number, plan or exit status that large is a broken stream to
// report, not a reason to throw.
std::optional<int> to_int(std::string_view s)
{
	int v = 0;
	const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
	if (ec != std::errc() || end != s.data() + s.size())
		return std::nullopt;
	return v;
}

// The first word of @s and the trimmed rest.
std::pair<std::string_view, std::string_view> split_word(std::string_view s)
{
	s = trim(s);
	const auto sp = std::find_if(s.begin(), s.end(), is_blank);
	return {std::string_view(s.begin(), sp), trim(std::string_view(sp, s.end()))};
}

// Split "- description # SKIP reason" (what follows "ok N"). The directive
// starts at a '#' after whitespace whose word is SKIP or TODO in any case
// ("SKIPPED:" too); failing that, " # " still starts a comment that is not
// part of the description, as it always was here.
void split_directive(std::string_view rest, TestResult &t, bool &skip, bool &todo)
{
	skip = todo = false;
	std::string_view desc = rest;
	for (auto h = rest.find('#'); h != std::string_view::npos; h = rest.find('#', h + 1)) {
		if (h > 0 && !is_blank(rest[h - 1]))
			continue;
		const auto tail = trim(rest.substr(h + 1));
		skip = istarts_with(tail, "skip");
		todo = istarts_with(tail, "todo");
		if (skip || todo) {
			desc = rest.substr(0, h);
			t.reason = std::string(split_word(tail).second);
			break;
		}
	}
	if (!skip && !todo)
		if (const auto c = rest.find(" # "); c != std::string_view::npos)
			desc = rest.substr(0, c);
	desc = trim(desc);
	if (desc == "-")
		desc = {};
	else if (desc.starts_with("- "))
		desc = trim(desc.substr(2));
	t.description = std::string(desc);
}

// "ok N ..." / "not ok N ...". False for lines that are no test line at
// all ("okay", "ok1"). A test line without a usable number still counts,
// as a failure: TAP allows leaving numbers out, but every TAP writer of
// ours numbers its tests, so a missing number means a broken writer, and
// dropping the line would lose a "not ok".
bool parse_test_line(SuiteReport &suite, const std::string &line)
{
	bool ok;
	std::string_view rest = line;
	if (rest.starts_with("not ok")) {
		ok = false;
		rest.remove_prefix(6);
	} else if (rest.starts_with("ok")) {
		ok = true;
		rest.remove_prefix(2);
	} else {
		return false;
	}
	if (!rest.empty() && !is_blank(rest[0]))
		return false;

	std::string_view number;
	const auto d = rest.find_first_not_of(" \t");
	if (d != std::string_view::npos && rest[d] >= '0' && rest[d] <= '9') {
		const auto e = std::min(rest.find_first_not_of("0123456789", d), rest.size());
		number = rest.substr(d, e - d);
		rest.remove_prefix(e);
	}

	TestResult t;
	bool skip, todo;
	split_directive(rest, t, skip, todo);
	if (skip)
		t.outcome = ok ? Outcome::skip : Outcome::fail;
	else if (todo)
		t.outcome = Outcome::skip; // known-broken: neither a pass nor a failure
	else
		t.outcome = ok ? Outcome::pass : Outcome::fail;
	t.todo = todo;
	if (skip && !ok)
		t.reason = "'not ok' with SKIP: " + t.reason;

	// Where the number is missing or absurd, the test takes the place it
	// has in the stream, so the plan and order checks stay quiet and the
	// line costs exactly one failure.
	const int implied = static_cast<int>(std::min<size_t>(suite.tests.size() + 1, 1 << 30));
	if (number.empty()) {
		t.number = implied;
		t.outcome = Outcome::fail;
		t.failure = "malformed TAP, no test number: " + clip(line);
	} else if (auto n = to_int(number)) {
		t.number = *n;
	} else {
		t.number = implied;
		t.outcome = Outcome::fail;
		t.failure = "test number out of range: " + clip(line);
	}
	suite.tests.push_back(std::move(t));
	return true;
}

// "1..N [# comment]", as the one plan line of a suite.
bool parse_plan_line(SuiteReport &suite, const std::string &line)
{
	std::string_view v = line;
	if (!v.starts_with("1.."))
		return false;
	v.remove_prefix(3);
	const auto e = std::min(v.find_first_not_of("0123456789"), v.size());
	const auto digits = v.substr(0, e);
	auto comment = trim(v.substr(e));
	if (digits.empty() || (!comment.empty() && comment[0] != '#'))
		return false;
	if (!comment.empty())
		comment = trim(comment.substr(1));

	if (suite.plan || suite.bad_plan) {
		suite.problems.push_back("second TAP plan: " + clip(line));
		return true;
	}
	suite.plan = to_int(digits);
	if (!suite.plan) {
		suite.bad_plan = true;
		suite.problems.push_back("plan " + clip(line) + ": test number out of range");
		return true;
	}
	if (*suite.plan != 0)
		return true;
	// Only "1..0 # SKIP why" is a skip; a bare "1..0" is a suite that
	// found nothing to test, and nothing tested is no pass.
	if (!istarts_with(comment, "skip")) {
		suite.problems.push_back("plan " + clip(line) +
					 " without # SKIP: a plan of zero tests is not a skip");
		return true;
	}
	const auto why = split_word(comment).second;
	suite.skipped = why.empty() ? "no reason given" : std::string(why);
	return true;
}

void finish_suite(SuiteReport &s)
{
	if (s.skipped) {
		if (!s.tests.empty())
			s.problems.push_back("1..0 # SKIP but " + std::to_string(s.tests.size()) +
					     " test(s) reported");
		return;
	}
	if (!s.plan) {
		if (!s.bad_plan)
			s.problems.push_back("no TAP plan (1..N)");
		return;
	}
	const int seen = static_cast<int>(s.tests.size());
	if (seen != *s.plan)
		s.problems.push_back("plan 1.." + std::to_string(*s.plan) + " but " + std::to_string(seen) +
				     " test(s) reported");
	for (int i = 0; i < seen; i++)
		if (s.tests[i].number != i + 1) {
			s.problems.push_back("test numbers out of order at " +
					     std::to_string(s.tests[i].number));
			break;
		}
}

// "# privnode-suite-end NAME rc=N" of the current suite.
void parse_end_marker(RunReport &run, SuiteReport *&cur, const std::string &line)
{
	const auto [name, tail] = split_word(std::string_view(line).substr(kEnd.size()));
	std::string_view rc = tail;
	const bool rc_ok = rc.starts_with("rc=") && all_digits(rc.substr(rc.starts_with("rc=-") ? 4 : 3));
	if (!cur || name != cur->name || !rc_ok) {
		run.problems.push_back("stray end marker: " + clip(line));
		return;
	}
	cur->ended = true;
	cur->exit_code = to_int(rc.substr(3));
	if (!cur->exit_code)
		cur->problems.push_back("end marker " + std::string(rc.substr(0, 40)) +
					": exit status out of range");
	finish_suite(*cur);
	cur = nullptr;
}

std::string skip_reason(const std::string &reason)
{
	return reason.empty() ? "no reason given" : reason;
}

// Every skip and TODO must be listed in @expected; the rest are failures,
// so a suite that quietly stopped testing something cannot pass a run.
void judge_skips(RunReport &run, const std::vector<ExpectedSkip> &expected)
{
	std::vector<bool> used(expected.size());
	const auto listed = [&](const std::string &suite, const std::string *desc) -> const ExpectedSkip * {
		for (size_t i = 0; i < expected.size(); i++) {
			const auto &e = expected[i];
			if (e.suite != suite)
				continue;
			bool match;
			if (!desc)
				match = e.test == "*";
			else if (e.test != "*" && e.test.ends_with('*'))
				match = desc->starts_with(
					std::string_view(e.test).substr(0, e.test.size() - 1));
			else
				match = *desc == e.test;
			if (match) {
				used[i] = true;
				return &e;
			}
		}
		return nullptr;
	};

	for (auto &s : run.suites) {
		if (s.skipped) {
			if (const auto *e = listed(s.name, nullptr)) {
				s.skip_listed = e->reason;
			} else {
				s.skip_unexpected = true;
				s.problems.push_back("unexpected skip: whole suite (" + *s.skipped + ")");
			}
		}
		for (auto &t : s.tests) {
			if (t.outcome != Outcome::skip)
				continue;
			if (const auto *e = listed(s.name, &t.description)) {
				t.listed = e->reason;
				continue;
			}
			t.outcome = Outcome::fail;
			t.failure = std::string(t.todo ? "unexpected TODO: " : "unexpected skip: ") +
				t.description + " (" + skip_reason(t.reason) + ")";
		}
	}
	// Only suites that ran to the end can tell that an entry is stale; a
	// run of a few suites says nothing about the others.
	for (size_t i = 0; i < expected.size(); i++) {
		const auto &e = expected[i];
		if (used[i] || std::none_of(run.suites.begin(), run.suites.end(), [&](const SuiteReport &s) {
			    return s.name == e.suite && s.ended;
		    }))
			continue;
		run.notes.push_back("expected-skips: " + e.where + ": " + e.suite + " " + e.test +
				    ": listed but did not happen (stale entry?)");
	}
}

// The kmsg suite markers as the console shows them:
// "[   12.345678] privnode-suite-begin NAME". Timestamps (and a
// CONFIG_PRINTK_CALLER "[T1]") are optional; so is a "# ", for a guest
// whose TAP stream fell back to the console.
bool console_marker(const std::string &line, bool &begin, std::string &name)
{
	std::string_view v = line;
	for (;;) {
		v = trim(v);
		if (!v.starts_with('['))
			break;
		const auto close = v.find(']');
		if (close == std::string_view::npos)
			return false;
		v.remove_prefix(close + 1);
	}
	if (v.starts_with("# "))
		v.remove_prefix(2);
	if (v.starts_with(kConsoleBegin))
		begin = true;
	else if (v.starts_with(kConsoleEnd))
		begin = false;
	else
		return false;
	name = std::string(split_word(v.substr(begin ? kConsoleBegin.size() : kConsoleEnd.size())).first);
	return true;
}

// The lines of an OOM kill. One kill prints "X invoked oom-killer: ...",
// a memory dump, "oom-kill:constraint=...", and "Out of memory: Killed
// process N (X) ..." ("Memory cgroup out of memory: ..." in a cgroup).
enum class Oom { none, start, part, end };

Oom oom_line(const std::string &line)
{
	if (line.find("invoked oom-killer") != std::string::npos)
		return Oom::start;
	const bool part = line.find("oom-kill:") != std::string::npos ||
		line.find("Out of memory") != std::string::npos ||
		line.find("out of memory: Kill") != std::string::npos;
	if (!part)
		return Oom::none;
	return line.find("Killed process") != std::string::npos ? Oom::end : Oom::part;
}

void parse_console(RunReport &run, std::istream &console)
{
	std::string suite; // between the console markers of this suite
	std::vector<std::string> oom_seen; // suites whose expected OOM kill happened
	bool in_oom = false; // between an OOM kill's first and last line
	// The few lines before a WARNING hold its message ("cut here" first).
	std::vector<std::string> recent;
	std::string line;

	const auto during = [&] { return suite.empty() ? std::string() : " (during suite " + suite + ")"; };
	while (std::getline(console, line)) {
		line = chomp(line);
		bool begin = false;
		std::string name;
		if (console_marker(line, begin, name)) {
			suite = begin ? name : std::string();
			in_oom = false;
		} else if (auto p = kernel_problem(line)) {
			std::string before;
			for (const auto &r : recent)
				before += r + "\n";
			if (line.find("WARNING:") != std::string::npos && expected_warning(line, before))
				run.expected_warnings.push_back(*p);
			else
				run.kernel_problems.push_back(clip(*p) + during());
		} else if (const auto oom = oom_line(line); oom != Oom::none) {
			// One kill, one verdict: its first line counts, the rest
			// of the same kill do not. Any line can be the first, so
			// a kill whose other lines got lost still counts.
			const bool first = oom == Oom::start || !in_oom;
			in_oom = oom != Oom::end;
			const bool declared =
				std::any_of(run.suites.begin(), run.suites.end(), [&](const SuiteReport &s) {
					return s.name == suite && s.expects_oom_kill;
				});
			if (!first) {
				// the same kill as the line that counted
			} else if (suite.empty()) {
				run.kernel_problems.push_back("OOM kill outside any suite: " + clip(line));
			} else if (declared) {
				run.notes.push_back("kernel: expected OOM kill during suite " + suite + ": " +
						    clip(line));
				oom_seen.push_back(suite);
			} else {
				run.kernel_problems.push_back(
					"OOM kill during suite " + suite +
					", which does not declare '# privnode-expect oom-kill': " +
					clip(line));
			}
		}
		recent.push_back(line);
		if (recent.size() > 3)
			recent.erase(recent.begin());
	}
	for (const auto &s : run.suites)
		if (s.expects_oom_kill && s.ended &&
		    std::find(oom_seen.begin(), oom_seen.end(), s.name) == oom_seen.end())
			run.notes.push_back(
				s.name +
				": declares '# privnode-expect oom-kill' but no OOM kill was seen in it");
}

} // namespace

std::vector<ExpectedSkip> parse_expected_skips(std::istream &in, const std::string &file,
					       std::vector<std::string> &errors)
{
	std::vector<ExpectedSkip> out;
	std::string raw;
	for (int n = 1; std::getline(in, raw); n++) {
		const std::string where = file + ":" + std::to_string(n);
		const auto line = trim(std::string_view(raw));
		if (line.empty() || line[0] == '#')
			continue;
		const auto fail = [&](const std::string &what) {
			errors.push_back(where + ": " + what + " (format: SUITE TEST -- REASON)");
		};
		const auto [suite, rest] = split_word(line);
		// TEST runs up to the first "--" standing alone between blanks.
		std::string_view padded = line.substr(suite.size());
		size_t sep = std::string_view::npos;
		for (size_t i = 1; i + 1 < padded.size(); i++)
			if (padded[i] == '-' && padded[i + 1] == '-' && is_blank(padded[i - 1]) &&
			    (i + 2 == padded.size() || is_blank(padded[i + 2]))) {
				sep = i;
				break;
			}
		if (rest.empty()) {
			fail("no test and no reason");
			continue;
		}
		if (sep == std::string_view::npos) {
			fail("no ' -- REASON': every entry needs a reason");
			continue;
		}
		ExpectedSkip e;
		e.suite = std::string(suite);
		e.test = std::string(trim(padded.substr(0, sep)));
		e.reason = std::string(trim(padded.substr(sep + 2)));
		e.where = where;
		if (e.test.empty()) {
			fail("no test description ('*' for the whole suite)");
			continue;
		}
		if (e.reason.empty()) {
			fail("empty reason after '--': every entry needs a reason");
			continue;
		}
		const auto dup = std::find_if(out.begin(), out.end(), [&](const ExpectedSkip &o) {
			return o.suite == e.suite && o.test == e.test;
		});
		if (dup != out.end()) {
			fail("the same entry as " + dup->where);
			continue;
		}
		out.push_back(std::move(e));
	}
	return out;
}

bool expected_warning(const std::string &warning, const std::string &before)
{
	// Warnings the kernel prints on purpose for a use we make deliberately.
	// Each is tied to the message printed just before the WARNING line and
	// to its source file, so an unrelated WARN is never excused.
	static const struct {
		const char *message, *at;
	} expected[] = {
		// CONFIG_CXL_MEM_RAW_COMMANDS: the first raw mailbox command
		// (vendor opcodes of the QEMU compressed-memory device) taints.
		{"raw command path used", "drivers/cxl/core/mbox.c"},
	};
	for (const auto &e : expected)
		if (before.find(e.message) != std::string::npos && warning.find(e.at) != std::string::npos)
			return true;
	return false;
}

std::optional<std::string> kernel_problem(const std::string &raw)
{
	static const char *const markers[] = {
		"WARNING:",
		"BUG:",
		"KASAN",
		"Oops",
		"Kernel panic",
		"kernel BUG at",
		"general protection fault",
		"UBSAN:",
		// Hung task: "INFO: task X:1 blocked for more than 120 seconds."
		"blocked for more than",
		// RCU: "rcu: INFO: rcu_sched detected stalls on CPUs/tasks:",
		// "rcu_preempt self-detected stall on CPU", "... detected
		// expedited stalls ...", "rcu_tasks detected stalls on tasks".
		"detected stall",
		"detected expedited stall",
		// "watchdog: BUG: soft lockup - CPU#0 stuck for 22s!" (BUG: too),
		// "NMI watchdog: Watchdog detected hard LOCKUP on cpu 1".
		"soft lockup",
		"hard LOCKUP",
		// Debug kernels (make check-debug): lockdep's reports start with
		// "WARNING:" except this one; kmemleak's background scan.
		"INFO: trying to register non-static key",
		"suspected memory leak",
	};
	std::string line = chomp(raw);
	for (const char *m : markers)
		if (line.find(m) != std::string::npos)
			return line;
	return std::nullopt;
}

RunReport parse_run(std::istream &tap, std::istream &console, const std::vector<std::string> &requested,
		    const std::optional<std::vector<ExpectedSkip>> &expected)
{
	RunReport run;
	SuiteReport *cur = nullptr;
	bool done = false;
	std::string line;

	while (std::getline(tap, line)) {
		line = chomp(line);
		if (line.starts_with(kBegin)) {
			if (cur)
				cur->problems.push_back("suite ended without its end marker");
			run.suites.push_back(SuiteReport{});
			cur = &run.suites.back();
			cur->name = trim(line.substr(kBegin.size()));
			continue;
		}
		if (line.starts_with(kEnd)) {
			parse_end_marker(run, cur, line);
			continue;
		}
		if (line == kDone) {
			done = true;
			continue;
		}
		if (!cur)
			continue; // guest chatter between suites
		if (const auto t = trim(std::string_view(line)); t.starts_with(kExpect)) {
			if (trim(t.substr(kExpect.size())) == "oom-kill")
				cur->expects_oom_kill = true;
			else
				cur->problems.push_back("unknown expectation: " + clip(t));
			continue;
		}
		// Nested (indented) subtest output belongs to the test that follows.
		if (!line.empty() && is_blank(line[0]))
			continue;
		if (parse_plan_line(*cur, line) || parse_test_line(*cur, line))
			continue;
		if (line.starts_with("Bail out!"))
			cur->problems.push_back(clip(line));
	}
	if (cur) {
		cur->problems.push_back("cut short: no end marker (guest crashed or timed out?)");
		if (!cur->plan && !cur->bad_plan)
			cur->problems.push_back("no TAP plan (1..N)");
	}
	for (auto &s : run.suites) {
		if (!s.ended || !s.exit_code || *s.exit_code == 0)
			continue;
		const int rc = *s.exit_code;
		// kselftest's skip status is 4; tap.sh's skip_all uses it too.
		if (s.skipped && rc != 4)
			s.problems.push_back("skipped but exited with rc=" + std::to_string(rc) +
					     " (a skipping suite exits 0 or 4)");
		if (!s.skipped && std::none_of(s.tests.begin(), s.tests.end(), [](const TestResult &t) {
			    return t.outcome == Outcome::fail;
		    }))
			s.problems.push_back("exited with rc=" + std::to_string(rc) +
					     " but reported no failure");
	}
	if (expected)
		judge_skips(run, *expected);

	for (const auto &name : requested)
		if (std::none_of(run.suites.begin(), run.suites.end(),
				 [&](const SuiteReport &s) { return s.name == name; }))
			run.problems.push_back("suite " + name + " was requested but never started");
	if (!done)
		run.problems.push_back("guest did not finish the run (no done marker)");

	parse_console(run, console);
	return run;
}

int RunReport::passed() const
{
	int n = 0;
	for (const auto &s : suites)
		n += std::count_if(s.tests.begin(), s.tests.end(),
				   [](const TestResult &t) { return t.outcome == Outcome::pass; });
	return n;
}

int RunReport::skipped() const
{
	int n = 0;
	for (const auto &s : suites) {
		n += s.skipped && !s.skip_unexpected ? 1 : 0;
		n += std::count_if(s.tests.begin(), s.tests.end(),
				   [](const TestResult &t) { return t.outcome == Outcome::skip; });
	}
	return n;
}

int RunReport::failed() const
{
	int n = static_cast<int>(problems.size() + kernel_problems.size());
	for (const auto &s : suites) {
		n += static_cast<int>(s.problems.size());
		n += std::count_if(s.tests.begin(), s.tests.end(),
				   [](const TestResult &t) { return t.outcome == Outcome::fail; });
	}
	return n;
}

namespace {

// A skip's reason as reported: the listed one when expected-skips excused
// it, else the guest's.
std::string shown_reason(const std::string &listed, const std::string &guest)
{
	return listed.empty() ? skip_reason(guest) : listed;
}

// The guest's own reason after a listed one, when it says something else:
// a skip listed for one reason may well happen for another.
std::string guest_reason(const std::string &listed, const std::string &guest)
{
	if (listed.empty() || guest.empty() || guest == listed)
		return {};
	return " [guest: " + guest + "]";
}

} // namespace

void print_report(std::ostream &out, const RunReport &run)
{
	for (const auto &s : run.suites) {
		if (s.skipped && !s.skip_unexpected)
			out << "SKIP " << s.name << ": whole suite ("
			    << shown_reason(s.skip_listed, *s.skipped) << ")"
			    << guest_reason(s.skip_listed, *s.skipped) << "\n";
		for (const auto &t : s.tests) {
			switch (t.outcome) {
			case Outcome::pass:
				out << "PASS " << s.name << ": " << t.description << "\n";
				break;
			case Outcome::fail:
				out << "FAIL " << s.name << ": "
				    << (t.failure.empty() ? t.description : t.failure) << "\n";
				break;
			case Outcome::skip:
				out << "SKIP " << s.name << ": " << t.description << " ("
				    << shown_reason(t.listed, t.reason) << ")"
				    << guest_reason(t.listed, t.reason) << "\n";
				break;
			}
		}
		for (const auto &p : s.problems)
			out << "FAIL " << s.name << ": " << p << "\n";
	}
	for (const auto &p : run.problems)
		out << "FAIL run: " << p << "\n";
	for (const auto &p : run.kernel_problems)
		out << "FAIL kernel: " << p << "\n";
	for (const auto &p : run.expected_warnings)
		out << "NOTE kernel: expected warning: " << p << "\n";
	for (const auto &n : run.notes)
		out << "NOTE " << n << "\n";

	if (run.skipped()) {
		out << "skipped:\n";
		for (const auto &s : run.suites) {
			if (s.skipped && !s.skip_unexpected)
				out << "  " << s.name << ": " << shown_reason(s.skip_listed, *s.skipped)
				    << guest_reason(s.skip_listed, *s.skipped) << "\n";
			for (const auto &t : s.tests)
				if (t.outcome == Outcome::skip)
					out << "  " << s.name << ": " << t.description << ": "
					    << shown_reason(t.listed, t.reason)
					    << guest_reason(t.listed, t.reason) << "\n";
		}
	}
	out << run.passed() << " passed, " << run.failed() << " failed";
	if (run.skipped())
		out << ", " << run.skipped() << " skipped";
	out << "\n";
}

} // namespace privnode::harness
