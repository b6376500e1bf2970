// SPDX-License-Identifier: GPL-2.0-only
#include "guestlog.hpp"

#include <algorithm>
#include <istream>
#include <ostream>
#include <regex>

namespace privnode::harness {

namespace {

const std::string kBegin = "# privnode-suite-begin ";
const std::string kEnd = "# privnode-suite-end ";
const std::string kDone = "# privnode-run-done";

bool starts_with(const std::string &s, const std::string &prefix)
{
	return s.compare(0, prefix.size(), prefix) == 0;
}

std::string trim(std::string s)
{
	const auto notspace = [](unsigned char c) { return !std::isspace(c); };
	s.erase(s.begin(), std::find_if(s.begin(), s.end(), notspace));
	s.erase(std::find_if(s.rbegin(), s.rend(), notspace).base(), s.end());
	return s;
}

// Serial consoles deliver "\r\n"; a test may also print a stray '\r'.
std::string chomp(std::string s)
{
	while (!s.empty() && (s.back() == '\r' || s.back() == '\n'))
		s.pop_back();
	return s;
}

void parse_test_line(SuiteReport &suite, const std::smatch &m)
{
	TestResult t;
	const bool ok = m[1].length() == 2;
	t.number = std::stoi(m[2].str());
	std::string rest = m[3].str();
	std::string directive;
	if (auto hash = rest.find(" # "); hash != std::string::npos) {
		directive = trim(rest.substr(hash + 3));
		rest = rest.substr(0, hash);
	}
	rest = trim(rest);
	if (starts_with(rest, "- "))
		rest = rest.substr(2);
	t.description = rest;

	std::smatch d;
	static const std::regex directive_re(R"(^(SKIP|TODO)\S*\s*(.*)$)", std::regex::icase);
	const bool has_directive = std::regex_match(directive, d, directive_re);
	const bool is_skip = has_directive && (d[1].str()[0] == 'S' || d[1].str()[0] == 's');
	const bool is_todo = has_directive && !is_skip;
	if (has_directive)
		t.reason = d[2].str();

	if (is_skip)
		t.outcome = ok ? Outcome::skip : Outcome::fail;
	else if (is_todo)
		t.outcome = Outcome::skip; // known-broken: neither a pass nor a failure
	else
		t.outcome = ok ? Outcome::pass : Outcome::fail;
	if (is_skip && !ok)
		t.reason = "'not ok' with SKIP: " + t.reason;
	suite.tests.push_back(std::move(t));
}

void finish_suite(SuiteReport &s)
{
	if (s.skipped)
		return;
	if (!s.plan) {
		s.problems.push_back("no TAP plan (1..N)");
		return;
	}
	const int seen = static_cast<int>(s.tests.size());
	if (seen != *s.plan)
		s.problems.push_back("plan 1.." + std::to_string(*s.plan) + " but " +
				     std::to_string(seen) + " test(s) reported");
	for (int i = 0; i < seen; i++)
		if (s.tests[i].number != i + 1) {
			s.problems.push_back("test numbers out of order at " +
					     std::to_string(s.tests[i].number));
			break;
		}
}

} // namespace

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
		if (before.find(e.message) != std::string::npos &&
		    warning.find(e.at) != std::string::npos)
			return true;
	return false;
}

std::optional<std::string> kernel_problem(const std::string &raw)
{
	static const std::regex re(
		R"((WARNING:|BUG:|KASAN|Oops|Kernel panic|kernel BUG at|general protection fault|UBSAN:))");
	std::string line = chomp(raw);
	if (std::regex_search(line, re))
		return line;
	return std::nullopt;
}

RunReport parse_run(std::istream &tap, std::istream &console,
		    const std::vector<std::string> &requested)
{
	static const std::regex plan_re(R"(^1\.\.(\d+)\s*(#\s*(.*))?$)");
	static const std::regex test_re(R"(^(ok|not ok)\s+(\d+)(.*)$)");
	static const std::regex end_re(R"(^(\S+)\s+rc=(-?\d+)\s*$)");

	RunReport run;
	SuiteReport *cur = nullptr;
	bool done = false;
	std::string line;

	while (std::getline(tap, line)) {
		line = chomp(line);
		if (starts_with(line, kBegin)) {
			if (cur)
				cur->problems.push_back("suite ended without its end marker");
			run.suites.push_back(SuiteReport{});
			cur = &run.suites.back();
			cur->name = trim(line.substr(kBegin.size()));
			continue;
		}
		if (starts_with(line, kEnd)) {
			std::smatch m;
			std::string rest = line.substr(kEnd.size());
			if (!cur || !std::regex_match(rest, m, end_re) || m[1].str() != cur->name) {
				run.problems.push_back("stray end marker: " + line);
				continue;
			}
			cur->ended = true;
			cur->exit_code = std::stoi(m[2].str());
			finish_suite(*cur);
			cur = nullptr;
			continue;
		}
		if (line == kDone) {
			done = true;
			continue;
		}
		if (!cur)
			continue; // guest chatter between suites
		// Nested (indented) subtest output belongs to the test that follows.
		if (!line.empty() && (line[0] == ' ' || line[0] == '\t'))
			continue;
		std::smatch m;
		if (std::regex_match(line, m, plan_re)) {
			if (cur->plan) {
				cur->problems.push_back("second TAP plan: " + line);
				continue;
			}
			cur->plan = std::stoi(m[1].str());
			if (*cur->plan == 0) {
				std::string why = trim(m[3].str());
				if (starts_with(why, "SKIP") || starts_with(why, "skip"))
					why = trim(why.substr(4));
				cur->skipped = why.empty() ? "no reason given" : why;
			}
		} else if (std::regex_match(line, m, test_re)) {
			parse_test_line(*cur, m);
		} else if (starts_with(line, "Bail out!")) {
			cur->problems.push_back(line);
		}
	}
	if (cur) {
		cur->problems.push_back("cut short: no end marker (guest crashed or timed out?)");
		if (!cur->plan)
			cur->problems.push_back("no TAP plan (1..N)");
	}
	for (auto &s : run.suites)
		if (s.ended && s.exit_code && *s.exit_code != 0 && !s.skipped &&
		    std::none_of(s.tests.begin(), s.tests.end(),
				 [](const TestResult &t) { return t.outcome == Outcome::fail; }))
			s.problems.push_back(
				"exited with rc=" + std::to_string(*s.exit_code) + " but reported no failure");

	for (const auto &name : requested)
		if (std::none_of(run.suites.begin(), run.suites.end(),
				 [&](const SuiteReport &s) { return s.name == name; }))
			run.problems.push_back("suite " + name + " was requested but never started");
	if (!done)
		run.problems.push_back("guest did not finish the run (no done marker)");

	// The few lines before a WARNING hold its message ("cut here" first).
	std::vector<std::string> recent;
	while (std::getline(console, line)) {
		line = chomp(line);
		if (auto p = kernel_problem(line)) {
			std::string before;
			for (const auto &r : recent)
				before += r + "\n";
			if (line.find("WARNING:") != std::string::npos && expected_warning(line, before))
				run.expected_warnings.push_back(*p);
			else
				run.kernel_problems.push_back(*p);
		}
		recent.push_back(line);
		if (recent.size() > 3)
			recent.erase(recent.begin());
	}
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
		n += s.skipped ? 1 : 0;
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

void print_report(std::ostream &out, const RunReport &run)
{
	for (const auto &s : run.suites) {
		if (s.skipped)
			out << "SKIP " << s.name << ": whole suite (" << *s.skipped << ")\n";
		for (const auto &t : s.tests) {
			switch (t.outcome) {
			case Outcome::pass:
				out << "PASS " << s.name << ": " << t.description << "\n";
				break;
			case Outcome::fail:
				out << "FAIL " << s.name << ": " << t.description << "\n";
				break;
			case Outcome::skip:
				out << "SKIP " << s.name << ": " << t.description << " ("
				    << (t.reason.empty() ? "no reason given" : t.reason) << ")\n";
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

	if (run.skipped()) {
		out << "skipped:\n";
		for (const auto &s : run.suites) {
			if (s.skipped)
				out << "  " << s.name << ": " << *s.skipped << "\n";
			for (const auto &t : s.tests)
				if (t.outcome == Outcome::skip)
					out << "  " << s.name << ": " << t.description << ": "
					    << (t.reason.empty() ? "no reason given" : t.reason) << "\n";
		}
	}
	out << run.passed() << " passed, " << run.failed() << " failed";
	if (run.skipped())
		out << ", " << run.skipped() << " skipped";
	out << "\n";
}

} // namespace privnode::harness
