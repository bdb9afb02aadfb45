#!/usr/bin/env bash
# Renders actorshop-bench's --summary-json with npm's k6-html-reporter (the third-party reader of
# k6's handleSummary data) and checks what the page shows: the threshold tally, the failed
# threshold, the checks and http_req_duration / http_reqs with the run's own values.
# Usage: k6_html_reporter.sh ACTORSHOP_BENCH NPM_PREFIX   (installs the package there once)
set -euo pipefail
bench="$(realpath "$1")"
prefix="$(realpath -m "$2")"
modules="$prefix/node_modules"
if [ ! -f "$modules/k6-html-reporter/package.json" ]; then
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error k6-html-reporter@1.0.5
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 20 coupon iterations in-process; four thresholds: the profile's two, a loose one, and one
# that can never hold (a rate below 0), so the run exits 99 and the page must show 1 failure.
rc=0
"$bench" --target actors -u 2 -i 20 --quiet --no-audit --summary-json "$work/data.json" \
  --threshold 'http_req_duration{expected_response:true}:p(95)<60000' \
  --threshold 'http_req_failed:rate<0' >"$work/summary.txt" || rc=$?
if [ "$rc" -ne 99 ]; then
  echo "actorshop-bench exited $rc, expected 99 (one threshold fails)" >&2
  exit 1
fi

cd "$work"
NODE_PATH="$modules" node -e '
  require("k6-html-reporter").generateSummaryReport({ jsonFile: "data.json", output: "html" });'
NODE_PATH="$modules" node -e '
  const fs = require("fs");
  const data = JSON.parse(fs.readFileSync("data.json"));
  const html = fs.readFileSync("html/report.html", "utf8").replace(/\s+/g, " ");
  const m = data.metrics;
  const expect = [
    "1 threshold was not met",
    "passes: 3</p>",
    "fails: 1</p>",
    "<li class=\"list-group-item fail-block\"> rate&lt;0 </li>",
    "<li class=\"list-group-item success-block\"> p(95)&lt;60000 </li>",
    "<td>is 201 or 409</td> <td>" + data.root_group.checks[0].passes + "</td> <td>0</td>",
    "<td>http_req_duration</td> <td>" + m.http_req_duration.values.avg.toFixed(2) + " ms</td>",
    "<td>http_reqs</td> <td>20</td>",
  ];
  let failed = 0;
  for (const e of expect)
    if (!html.includes(e)) { console.error("report.html lacks: " + e); failed++; }
  if (m.http_reqs.values.count !== 20) { console.error("http_reqs.count != 20"); failed++; }
  process.exit(failed ? 1 : 0);'
echo "k6-html-reporter renders the summary JSON: thresholds, checks and metrics as run"
