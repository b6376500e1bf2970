#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Unit test of scripts/bench-cram-report on made-up runs whose medians,
ratios and targets are known: report_test.py PATH/TO/bench-cram-report"""

import csv
import json
import os
import subprocess
import sys
import tempfile
import unittest

REPORT = sys.argv.pop(1) if len(sys.argv) > 1 else "scripts/bench-cram-report"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def run(arm, k, ops_per_s, content="text", pattern="read", **kw):
    r = {"run": k, "arm": arm, "content": content, "pattern": pattern,
         "ops_per_s": ops_per_s, "ops": 1000, "reads": 900, "writes": 100,
         "access_faults": 100, "check_faults": 0, "pages": 500,
         "dram_saved_bytes": 0, "bad_pages": 0, "acc_zswpin": None, "acc_cram_demoted": None}
    r.update(kw)
    return r


class Report(unittest.TestCase):
    def report(self, rows, *extra):
        d = tempfile.mkdtemp()
        path = os.path.join(d, "r.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for r in rows:
                f.write((r if isinstance(r, str) else json.dumps(r)) + "\n")
        p = subprocess.run([REPORT, path, os.path.join(d, "out"), *extra],
                           capture_output=True, text=True, check=False)
        return p, os.path.join(d, "out")

    def test_ratios_medians_targets(self):
        rows = []
        for k, (d, z, c) in enumerate([(2000, 300, 700), (1000, 100, 400), (1500, 200, 900)], 1):
            rows += [run("dram", k, d),
                     run("zswap-lz4", k, z, access_faults=450, check_faults=250,
                         dram_saved_bytes=20 << 20, acc_zswpin=450),
                     run("cram-cxl", k, c, dram_saved_bytes=30 << 20, acc_cram_demoted=500,
                         cram_physical_bytes=16 << 20)]
        rows.insert(2, {"run": 1, "arm": "zswap-lz4", "content": "text", "pattern": "read",
                        "oom_killed": True})
        p, out = self.report(rows)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(out, "results.csv"), encoding="utf-8") as f:
            res = list(csv.DictReader(f))
        self.assertEqual(len(res), 9)
        got = {(r["arm"], r["run"]): float(r["throughput_ratio"]) for r in res}
        self.assertAlmostEqual(got[("zswap-lz4", "1")], 0.15)
        self.assertAlmostEqual(got[("cram-cxl", "3")], 0.6)
        with open(os.path.join(out, "summary.csv"), encoding="utf-8") as f:
            summ = {r["arm"]: r for r in csv.DictReader(f)}
        # cram ratios 0.4, 0.35, 0.6: median 0.4, range 0.35-0.6
        self.assertAlmostEqual(float(summ["cram-cxl"]["throughput_ratio_median"]), 0.4)
        self.assertAlmostEqual(float(summ["cram-cxl"]["throughput_ratio_min"]), 0.35)
        self.assertAlmostEqual(float(summ["cram-cxl"]["throughput_ratio_max"]), 0.6)
        self.assertAlmostEqual(float(summ["zswap-lz4"]["faults_per_access_median"]), 0.45)
        self.assertAlmostEqual(float(summ["zswap-lz4"]["check_faults_per_page_median"]), 0.5)
        self.assertAlmostEqual(float(summ["cram-cxl"]["dram_saved_mib_median"]), 30)
        self.assertEqual(summ["cram-cxl"]["zswpin_median"], "")  # never read: n/a, not 0
        self.assertEqual(summ["zswap-lz4"]["runs"], "3")  # the OOM record is no run
        self.assertEqual(summ["zswap-lz4"]["oom_kills"], "1")
        self.assertEqual(summ["cram-cxl"]["oom_kills"], "0")
        md = read(os.path.join(out, "report.md"))
        # per-run cram/zswap ratios 2.33, 4, 4.5: their median 4 (not 700/200
        # of the arms' medians); met, and zswap's OOM kill said
        self.assertIn("| read-mostly: >= 3x zswap, 0 faults on reads | text | cram-cxl | zswap-lz4 | 4.00x", md)
        self.assertRegex(md, r"4\.00x; faults/page on the read-only pass 0\.0000 \| "
                             r"yes \(zswap-lz4: 1 OOM kills, 3 of 3 runs\) \|")
        self.assertIn("The OOM killer ended 1 runs, which were run again: zswap-lz4 text/read 1.", md)
        for svg in ("throughput.svg", "dram-saved.svg"):
            self.assertIn("<svg", read(os.path.join(out, svg)))

    def test_targets(self):
        # 3.5x but faults on reads: no; zswap 1.25x cram on writes: no
        rows = [run("dram", 1, 1000), run("zswap-lz4", 1, 200),
                run("cram-soft", 1, 700, check_faults=3, dram_saved_bytes=40 << 20,
                    cram_physical_bytes=15 << 20),
                run("dram", 1, 1000, pattern="write"), run("zswap-lz4", 1, 250, pattern="write"),
                run("cram-soft", 1, 200, pattern="write", cram_physical_bytes=0)]
        p, out = self.report(rows, "--no-plot")
        self.assertEqual(p.returncode, 0, p.stderr)
        md = read(os.path.join(out, "report.md"))
        self.assertRegex(md, r"\| text \| cram-soft \| zswap-lz4 \| 3\.50x; .* 0\.0060 \| no \|")
        self.assertRegex(md, r"write-heavy: zswap <= 1\.2x cram \| text \| cram-soft \| zswap-lz4 \| zswap 1\.25x cram \| no \|")
        # cram_soft's media is DRAM: its footprint is not saved (40 - 15)
        with open(os.path.join(out, "summary.csv"), encoding="utf-8") as f:
            summ = {(r["arm"], r["pattern"]): r for r in csv.DictReader(f)}
        self.assertAlmostEqual(float(summ[("cram-soft", "read")]["dram_saved_mib_median"]), 25)
        # faults on reads 0, 4x: yes
        rows[2] = run("cram-soft", 1, 800, cram_physical_bytes=0)
        p, out = self.report(rows, "--no-plot")
        md = read(os.path.join(out, "report.md"))
        self.assertRegex(md, r"\| text \| cram-soft \| zswap-lz4 \| 4\.00x; .* \| yes \|")

    def test_cram_oom_kill_is_no(self):
        rows = [run("dram", 1, 1000), run("zswap-lz4", 1, 100), run("cram-cxl", 1, 900),
                {"run": 1, "arm": "cram-cxl", "content": "text", "pattern": "read", "oom_killed": True}]
        p, out = self.report(rows, "--no-plot")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(read(os.path.join(out, "report.md")),
                         r"\| cram-cxl \| zswap-lz4 \| 9\.00x; .* \| no \(cram runs missing or OOM-killed\) \|")

    def test_run_without_reference_is_left_out(self):
        p, out = self.report([run("dram", 1, 1000), run("cram-cxl", 1, 500), run("cram-cxl", 2, 5)],
                             "--no-plot")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("run 2 text read (cram-cxl) has no dram arm to compare with: left out", p.stderr)
        with open(os.path.join(out, "results.csv"), encoding="utf-8") as f:
            self.assertEqual(len(list(csv.DictReader(f))), 2)

    def test_bad_input_is_refused_with_its_line(self):
        good = run("dram", 1, 1000)
        for rows, msg in [
            ([good, "ok 1 - not json"], ":2: not JSON"),
            ([good, json.dumps([1])], ":2: not a JSON object"),
            ([good, run("zswap-lz4", 1, 5, bad_pages=3)], ":2: run 1 zswap-lz4 text read: 3 pages read back wrong"),
            ([run("cram-cxl", 2, 5)], "no run has a dram arm to compare with"),
            ([{"run": 1, "arm": "dram"}], ":1: no content, pattern"),
            ([run("dram", 1, None)], ":1: no ops_per_s"),
            ([run("nvme", 1, 5)], ":1: unknown arm"),
            ([], "no runs"),
            ([good, {"run": 1, "arm": "zram", "oom_killed": True}], ":2: OOM record of an unknown arm"),
        ]:
            p, _ = self.report(rows, "--no-plot")
            self.assertEqual(p.returncode, 1, msg)
            self.assertIn(msg, p.stderr)


if __name__ == "__main__":
    unittest.main()
