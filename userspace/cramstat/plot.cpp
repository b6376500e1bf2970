// SPDX-License-Identifier: GPL-2.0-only
// --plot: the recording drawn by gnuplot (Debian's gnuplot-nox) as an SVG.
// The script carries the data as inline datablocks, so nothing but the SVG
// is written.
#include "cramstat.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cramstat {

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// A gnuplot single-quoted string: a quote is written twice.
std::string quoted(const std::string &s)
{
	std::string q = "'";
	for (char c : s) {
		q += c;
		if (c == '\'')
			q += '\'';
	}
	return q + "'";
}

// gnuplot's datablock for node @nid: elapsed s, demoted/s, promoted/s,
// denied/s, write faults/s, logical MiB, physical MiB, high watermark MiB,
// ratio. A sample without the node (gone) ends the line there.
std::string node_block(int nid, const std::vector<Sample> &samples)
{
	std::ostringstream b;
	b << "$node" << nid << " << EOD\n";
	for (const auto &s : samples)
		for (const auto &n : s.nodes) {
			if (n.now.node != nid)
				continue;
			const NodeReading &v = n.now;
			b << s.elapsed_s << ' ' << n.per_s[kDemoted] << ' ' << n.per_s[kPromoted] << ' '
			  << n.per_s[kDenied] << ' ' << n.per_s[kWriteFaults] << ' '
			  << static_cast<double>(v.logical_bytes) / kMiB << ' '
			  << static_cast<double>(v.physical_bytes) / kMiB << ' '
			  << static_cast<double>(v.capacity_bytes) * static_cast<double>(v.wm_high) / 1000 /
					kMiB
			  << ' ' << v.ratio << '\n';
		}
	b << "EOD\n";
	return b.str();
}

// elapsed s, zswpin/s, zswpout/s, zswpwb/s, stored MiB, pool MiB, ratio
std::string zswap_block(const std::vector<Sample> &samples)
{
	std::ostringstream b;
	b << "$zswap << EOD\n";
	for (const auto &s : samples) {
		if (!s.zswap)
			continue;
		const ZswapSample &z = *s.zswap;
		b << s.elapsed_s << ' ' << z.zswpin_per_s << ' ' << z.zswpout_per_s << ' ' << z.zswpwb_per_s
		  << ' ' << static_cast<double>(z.now.stored_bytes) / kMiB << ' '
		  << static_cast<double>(z.now.pool_bytes) / kMiB << ' ' << z.ratio << '\n';
	}
	b << "EOD\n";
	return b.str();
}

// "plot A, B, C" from the curves; empty if there are none.
std::string plot(const std::vector<std::string> &curves)
{
	if (curves.empty())
		return "";
	std::string p = "plot ";
	for (size_t i = 0; i < curves.size(); i++)
		p += (i ? ", \\\n     " : "") + curves[i];
	return p + "\n";
}

} // namespace

std::string gnuplot_script(const Layout &l, const std::vector<Sample> &samples, const std::string &svg)
{
	std::ostringstream g;
	g << "# cramstat recording: " << samples.size() << " samples\n";
	for (int nid : l.nodes)
		g << node_block(nid, samples);
	if (l.zswap)
		g << zswap_block(samples);

	auto line = [](const std::string &block, int col, const std::string &title,
		       const std::string &style = "lines") {
		return block + " using 1:" + std::to_string(col) + " with " + style + " title " +
			quoted(title);
	};
	std::vector<std::string> cram_rates, zswap_rates, memory, ratios;
	for (int nid : l.nodes) {
		const std::string b = "$node" + std::to_string(nid);
		const std::string n = "node " + std::to_string(nid);
		cram_rates.push_back(line(b, 2, n + " demoted"));
		cram_rates.push_back(line(b, 3, n + " promoted"));
		cram_rates.push_back(line(b, 4, n + " denied"));
		cram_rates.push_back(line(b, 5, n + " write faults"));
		memory.push_back(line(b, 6, n + " logical"));
		memory.push_back(line(b, 7, n + " physical"));
		memory.push_back(line(b, 8, n + " high watermark", "lines dashtype 2"));
		ratios.push_back(line(b, 9, n));
	}
	if (l.zswap) {
		zswap_rates.push_back(line("$zswap", 2, "zswpin"));
		zswap_rates.push_back(line("$zswap", 3, "zswpout"));
		zswap_rates.push_back(line("$zswap", 4, "zswpwb (written back)"));
		memory.push_back(line("$zswap", 5, "zswap stored"));
		memory.push_back(line("$zswap", 6, "zswap pool"));
		ratios.push_back(line("$zswap", 7, "zswap"));
	}
	struct Panel {
		const char *title, *ylabel;
		std::vector<std::string> *curves;
	};
	std::vector<Panel> panels;
	for (Panel p :
	     {Panel{"cram: pages per second", "pages/s", &cram_rates},
	      Panel{"zswap: pages per second", "pages/s", &zswap_rates}, Panel{"memory held", "MiB", &memory},
	      Panel{"compression ratio (logical / physical, stored / pool)", "ratio", &ratios}})
		if (!p.curves->empty())
			panels.push_back(p);

	g << "set terminal svg size 1000," << std::max<size_t>(300, 280 * panels.size())
	  << " dynamic enhanced font 'sans,10' background rgb 'white'\n"
	  << "set output " << quoted(svg) << "\n"
	  << "set multiplot layout " << panels.size()
	  << ",1\n"
	  // the same margins for every panel, so that their time axes line up;
	  // headroom, so that a flat line at a tic is not hidden by the border
	  << "set lmargin at screen 0.08\nset rmargin at screen 0.74\n"
	  << "set offsets 0, 0, graph 0.1, 0\n"
	  << "set grid\nset key outside right top\nset xlabel 'seconds'\nset yrange [0:*]\n";
	for (const auto &p : panels)
		g << "set title " << quoted(p.title) << "\nset ylabel " << quoted(p.ylabel) << "\n"
		  << plot(*p.curves);
	g << "unset multiplot\nset output\n";
	return g.str();
}

bool have_gnuplot()
{
	const char *path = std::getenv("PATH");
	std::istringstream dirs(path ? path : "");
	for (std::string d; std::getline(dirs, d, ':');)
		if (!d.empty() && ::access((d + "/gnuplot").c_str(), X_OK) == 0)
			return true;
	return false;
}

privnode::Status run_gnuplot(const std::string &script, const std::string &svg)
{
	if (!have_gnuplot())
		return privnode::fail(ENOENT, "gnuplot",
				      "not installed (Debian package gnuplot-nox), needed by --plot");
	int fds[2];
	if (::pipe(fds) < 0)
		return privnode::fail(errno, "gnuplot", "pipe");
	pid_t pid = ::fork();
	if (pid < 0) {
		int err = errno;
		::close(fds[0]);
		::close(fds[1]);
		return privnode::fail(err, "gnuplot", "fork");
	}
	if (pid == 0) {
		::dup2(fds[0], 0);
		::close(fds[0]);
		::close(fds[1]);
		// gnuplot's messages go to our stderr
		::execlp("gnuplot", "gnuplot", static_cast<char *>(nullptr));
		_exit(127);
	}
	::close(fds[0]);
	// a gnuplot that dies early makes write() fail with EPIPE, not kill us
	struct sigaction ign {
	}, old{};
	ign.sa_handler = SIG_IGN;
	::sigaction(SIGPIPE, &ign, &old);
	size_t off = 0;
	int werr = 0;
	while (off < script.size()) {
		ssize_t n = ::write(fds[1], script.data() + off, script.size() - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			werr = errno;
			break;
		}
		off += static_cast<size_t>(n);
	}
	::close(fds[1]);
	::sigaction(SIGPIPE, &old, nullptr);
	int status = 0;
	while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return privnode::fail(0, "gnuplot",
				      "failed (exit status " +
					      std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
					      "); its messages are above");
	if (werr)
		return privnode::fail(werr, "gnuplot", "write the script");
	std::ifstream in(svg);
	std::string head(256, '\0');
	in.read(head.data(), static_cast<std::streamsize>(head.size()));
	if (!in && in.gcount() == 0)
		return privnode::fail(errno ? errno : EIO, svg, "gnuplot left no plot");
	if (head.find("<svg") == std::string::npos && head.find("<?xml") == std::string::npos)
		return privnode::fail(EINVAL, svg, "not an SVG after gnuplot ran");
	return {};
}

} // namespace cramstat
