// Self-contained HTML pages built on the embedded chart assets: dygraphs, its synchronizer, our
// charts.js wrapper and stylesheet, plus a page script (report.js), all inlined; the live
// dashboard's page: the same plus live.js and dashboard.js.
#pragma once

#include <string>
#include <string_view>

namespace actorshop::http::assets {

/// Returns `<style>` and `<script>` elements that inline dygraphs, its synchronizer extra,
/// charts.css and charts.js: what any chart page needs in its <head>.
std::string chart_head();

/// Returns the `<style>` and `<script>` elements of the live dashboard's <head>: live.js, its
/// canvas renderer for the once-a-second charts (dygraphs cost ~3x the CPU there:
/// bench/http/dashboard_cpu.sh), and dygraphs with charts.js for a chart's detail view, the
/// charting piece the bench's report uses (drawn only while a detail is open).
std::string live_head();

/// Returns a `<script>` element that inlines embedded script `name`.
std::string inline_script(std::string_view name);

/// Returns `json` as the text of a `<script type="application/json" id="ID">` element: every
/// "</" is written "<\/" so that no value can close the element early.
std::string json_script(std::string_view id, std::string_view json);

/// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

} // namespace actorshop::http::assets
