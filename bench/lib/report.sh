# shellcheck shell=bash
# The summary: the table (one block per scenario), the targets, the summary TSV, and for a
# full run the results section of docs/benchmarks.md and the chart docs/benchmarks.png.

metric_label() {
  case $1 in
    wall) echo "wall time" ;; cpu) echo "CPU seconds" ;; rss) echo "peak RSS" ;;
    p50) echo "median latency" ;; reqs) echo "API requests" ;; *) echo "$1" ;;
  esac
}

# The orka contender a user gets by default in a scenario.
default_orka() {
  local c
  for c in orka orka-auto orka-websocket; do
    [[ " ${S_CONTENDERS[$1]} " == *" $c "* && $(status_of "$1" "$c") != skipped ]] && { echo "$c"; return; }
  done
  echo orka
}

# One row's scenario-specific figures, from its medians.
row_detail() {  # scenario contender
  local s=$1 c=$2 d="" wall bytes p50 p99 want got dropped growth failed
  wall=$(med "$s" "$c" wall); bytes=${S_BYTES[$s]:-}
  [[ -n $bytes && -n $wall ]] && d+=$(awk -v b="$bytes" -v w="$wall" 'BEGIN { if (w > 0) printf "%.1f MB/s ", b / w / 1e6 }')
  p50=$(med "$s" "$c" p50); p99=$(med "$s" "$c" p99)
  [[ -n $p50 ]] && d+="p50 ${p50} ms p99 ${p99} ms "
  failed=$(med "$s" "$c" failed)
  [[ -n $failed ]] && d+="failed $failed "
  want=$(med "$s" "$c" lines_want); got=$(med "$s" "$c" lines_got)
  [[ -n $want ]] && d+="lines $got/$want (lost $(med "$s" "$c" lost)) "
  dropped=$(med "$s" "$c" dropped)
  [[ -n $dropped ]] && d+="dropped $dropped "
  growth=$(med "$s" "$c" rss_growth)
  [[ -n $growth ]] && d+="RSS growth after 10 s ${growth}% "
  echo "${d% }"
}

rss_mb() { awk -v k="$1" 'BEGIN { if (k != "" && k > 0) printf "%.1f", k / 1024; else print "-" }'; }

print_table() {
  local fmt='  %-15s %7s %9s %6s %7s %7s %5s  %-17s %8s %8s  %s\n'
  local s c key st primary ok
  for s in "${SCENARIOS[@]}"; do
    primary=${S_PRIMARY[$s]}
    printf '\n%s — %s (ratio of %s; below 1.00 orka is better)\n' "$s" "${S_DESC[$s]}" "$(metric_label "$primary")"
    printf "$fmt" contender ok/run "median s" spread "CPU s" "RSS MB" reqs "vs kubectl" "CPU vs k" "RSS vs k" "figures; notes"
    for c in ${S_CONTENDERS[$s]}; do
      key="$s|$c"; st=$(status_of "$s" "$c")
      ok="${OKS[$key]:-0}/$((${OKS[$key]:-0} + ${FAILS[$key]:-0}))"
      local note=${NOTE[$key]:-}
      [[ $c == orka-auto && -n ${AUTO_CHOICE[$s]:-} ]] && note="${AUTO_CHOICE[$s]}${note:+; $note}"
      case $st in
        ok)
          local vs="-" range cvs="-" rvs="-" detail
          if [[ $c != kubectl && $(status_of "$s" kubectl) == ok ]]; then
            vs=$(ratio "$(med "$s" "$c" "$primary")" "$(med "$s" kubectl "$primary")")
            range=$(round_ratio_range "$s" "$c" kubectl "$primary")
            [[ -n $range && $vs != - ]] && vs+=" ($range)"
            cvs=$(ratio "$(med "$s" "$c" cpu)" "$(med "$s" kubectl cpu)")
            rvs=$(ratio "$(med "$s" "$c" rss)" "$(med "$s" kubectl rss)")
          fi
          detail=$(row_detail "$s" "$c")
          printf "$fmt" "$c" "$ok" "$(med "$s" "$c" wall)" "$(spread_percent "$s" "$c" wall)" \
            "$(med "$s" "$c" cpu)" "$(rss_mb "$(med "$s" "$c" rss)")" "$(med "$s" "$c" reqs)" \
            "$vs" "$cvs" "$rvs" "$detail${note:+; $note}" ;;
        FAILED) printf "$fmt" "$c" "$ok" FAILED - - - - - - - "${FAILS[$key]} failed: $note" ;;
        skipped) printf "$fmt" "$c" - skipped - - - - - - - "$note" ;;
        none) printf "$fmt" "$c" - "not run" - - - - - - - "$note" ;;
      esac
    done
  done
}

write_summary_tsv() {
  local s c m
  {
    printf '# orka\t%s\t%s\n# kubectl\t%s\t%s\n# server\t%s\n' "$ORKA" "$ORKA_VERSION" "$KUBECTL" "$KUBECTL_VERSION" "$SERVER_GIT"
    printf '# commit\t%s\n# machine\t%s\n# runs\t%s\n# started\t%s\n# load_average_start\t%s\n# load_average_end\t%s\n' \
      "$COMMIT" "$MACHINE" "$RUNS" "$STAMP" "$LOAD_START" "$LOAD_END"
    printf 'scenario\tcontender\tstatus\truns_ok\truns_failed\tprimary\tratio_vs_kubectl\tratio_range'
    for m in "${METRICS[@]}"; do printf '\tmedian_%s' "$m"; done
    printf '\tnote\n'
    for s in "${SCENARIOS[@]}"; do
      for c in ${S_CONTENDERS[$s]}; do
        local p=${S_PRIMARY[$s]} r="-" range=""
        if [[ $c != kubectl ]]; then
          r=$(ratio "$(med "$s" "$c" "$p")" "$(med "$s" kubectl "$p")")
          range=$(round_ratio_range "$s" "$c" kubectl "$p")
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$s" "$c" "$(status_of "$s" "$c")" "${OKS[$s|$c]:-0}" \
          "${FAILS[$s|$c]:-0}" "$p" "$r" "$range"
        for m in "${METRICS[@]}"; do printf '\t%s' "$(med "$s" "$c" "$m")"; done
        printf '\t%s\n' "${NOTE[$s|$c]:-}"
      done
    done
  } >"$SUMMARY_TSV"
}

# ------------------------------------------------------------------ targets
# target SCENARIO METRIC AGAINST LIMIT: orka's default contender's median METRIC divided by
# AGAINST's (kubectl, curl, or SCENARIO:CONTENDER for another row) must be <= LIMIT; AGAINST
# "value" compares the median itself with LIMIT. Registered by the scenario files.
TARGETS=()
target() { TARGETS+=("$1|$2|$3|$4"); }

verdict() {  # value limit
  [[ -z $1 || $1 == - ]] && { echo "n/a"; return; }
  awk -v r="$1" -v l="$2" -v t="${BENCH_TOLERANCE:-0.05}" 'BEGIN { print (r <= l * (1 + t) ? "met" : "NOT MET") }'
}

print_targets() {
  local t s metric against limit o value what
  printf '\ntargets (a ratio within %s%% above its limit counts as met: run-to-run noise here is larger):\n' \
    "$(awk -v t="${BENCH_TOLERANCE:-0.05}" 'BEGIN { printf "%.0f", 100 * t }')"
  for t in "${TARGETS[@]}"; do
    IFS='|' read -r s metric against limit <<<"$t"
    [[ " ${SCENARIOS[*]} " == *" $s "* ]] || continue
    o=$(default_orka "$s")
    case $against in
      slower-transport)
        # orka-auto against the slower of websocket and spdy (whichever succeeded)
        [[ $o == orka-auto ]] || continue
        local slower="" other
        for other in orka-websocket orka-spdy; do
          [[ $(status_of "$s" "$other") == ok ]] || continue
          if [[ -z $slower ]] || awk -v a="$(med "$s" "$other" "$metric")" -v b="$(med "$s" "$slower" "$metric")" 'BEGIN { exit !(a > b) }'; then
            slower=$other
          fi
        done
        value=$(ratio "$(med "$s" "$o" "$metric")" "$(med "$s" "${slower:-none}" "$metric")")
        what="$metric vs slower (${slower#orka-})" ;;
      value) value=$(med "$s" "$o" "$metric"); what="$metric" ;;
      *:*) value=$(ratio "$(med "$s" "$o" "$metric")" "$(med "${against%%:*}" "${against#*:}" "$metric")")
           what="$metric vs ${against}" ;;
      *) value=$(ratio "$(med "$s" "$o" "$metric")" "$(med "$s" "$against" "$metric")"); what="$metric vs $against" ;;
    esac
    printf '  %-22s %-15s %-32s %-7s <= %-5s %s\n' "$s" "$o" "$what" "${value:--}" "$limit" "$(verdict "$value" "$limit")"
  done
}

# ------------------------------------------------------------------ docs and chart
RESULTS_BEGIN='<!-- bench/run results: begin (written by bench/run; do not edit by hand) -->'
RESULTS_END='<!-- bench/run results: end -->'

write_docs() {  # report-file
  local doc=$REPO/docs/benchmarks.md section=$SCRATCH/section.md
  grep -qF "$RESULTS_BEGIN" "$doc" && grep -qF "$RESULTS_END" "$doc" ||
    { say "docs/benchmarks.md has no results markers; not written"; return 0; }
  {
    echo "$RESULTS_BEGIN"
    echo
    echo "$(date -u +%Y-%m-%d), commit $COMMIT, \`bench/run --runs $RUNS --runs-long $RUNS_LONG\` ($(elapsed_text))."
    echo
    echo "- machine: $MACHINE"
    echo "- load average: $LOAD_START at start, $LOAD_END at end"
    echo "- orka: $ORKA_VERSION; kubectl: $KUBECTL_VERSION ($KUBECTL); server: $SERVER_GIT"
    echo
    echo '![orka / kubectl per scenario](benchmarks.png)'
    echo
    echo '```'
    sed -e 's/[[:space:]]*$//' "$1"
    echo '```'
    echo
    echo "$RESULTS_END"
  } >"$section"
  awk -v begin="$RESULTS_BEGIN" -v end="$RESULTS_END" -v file="$section" '
    $0 == begin { while ((getline line < file) > 0) print line; skip = 1; next }
    $0 == end { skip = 0; next }
    !skip { print }' "$doc" >"$doc.tmp" && mv "$doc.tmp" "$doc"
  say "wrote the results section of docs/benchmarks.md"
}

# One bar per scenario: orka's default contender over kubectl on the scenario's metric, with
# the spread of the per-round ratios, a line at 1.0, and curl over kubectl where it ran.
draw_chart() {
  local data=$SCRATCH/chart.dat s o r range lo hi limit n=0
  : >"$data"
  for s in "${SCENARIOS[@]}"; do
    o=$(default_orka "$s")
    r=$(ratio "$(med "$s" "$o" "${S_PRIMARY[$s]}")" "$(med "$s" kubectl "${S_PRIMARY[$s]}")")
    [[ $r == - ]] && continue
    range=$(round_ratio_range "$s" "$o" kubectl "${S_PRIMARY[$s]}")
    lo=${range%–*}; hi=${range#*–}
    limit=$(ratio "$(med "$s" curl "${S_PRIMARY[$s]}")" "$(med "$s" kubectl "${S_PRIMARY[$s]}")")
    [[ $limit == - ]] && limit=NaN
    printf '"%s" %s %s %s %s\n' "$s" "$r" "${lo:-$r}" "${hi:-$r}" "$limit" >>"$data"
    n=$((n + 1))
  done
  ((n > 0)) || { say "nothing to chart"; return 0; }
  local gnuplot; gnuplot=$(bench_gnuplot) || { say "no chart: $gnuplot"; return 0; }
  local width=$((200 + 45 * n))
  ((width < 900)) && width=900
  "$gnuplot" <<EOF 2>"$SCRATCH/gnuplot.log" || { say "gnuplot failed: $(last_line "$SCRATCH/gnuplot.log")"; return 0; }
set terminal png size $width,640 font ",10"
set output "$REPO/docs/benchmarks.png"
set title "orka / kubectl per scenario (median of alternating runs; below 1: orka better) — $(date -u +%Y-%m-%d), $COMMIT"
set logscale y 2
set yrange [0.03:8]
set ytics ("1/32" 0.03125, "1/16" 0.0625, "1/8" 0.125, "1/4" 0.25, "1/2" 0.5, "1" 1, "2" 2, "4" 4, "8" 8)
set grid ytics
set xtics rotate by -50 noenhanced
set xrange [-0.7:$n - 0.3]
set boxwidth 0.6
set style fill solid 0.55 border -1
set key top left
set bmargin 10
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 2 lc rgb "black"
plot "$data" using 0:2:xtic(1) with boxes lc rgb "#4472c4" title "orka / kubectl", \
     "" using 0:2:3:4 with yerrorbars pt -1 lc rgb "black" title "range over rounds", \
     "" using 0:5 with points pt 7 ps 1.3 lc rgb "#c00000" title "curl (raw client) / kubectl", \
     "" using 0:(\$2 * 1.25):(sprintf("%.2f", \$2)) with labels font ",8" notitle
EOF
  say "drew docs/benchmarks.png"
}

# gnuplot from Debian, unpacked into a cache (never installed into the system: it is needed
# by this harness only). Prints its path, or why there is none.
bench_gnuplot() {
  if command -v gnuplot >/dev/null 2>&1; then command -v gnuplot; return 0; fi
  local cache=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/orka/bench-tools/gnuplot
  if [[ ! -x $cache/usr/bin/gnuplot-nox ]]; then
    command -v apt-get >/dev/null && command -v dpkg >/dev/null || { echo "no apt-get/dpkg to fetch gnuplot"; return 1; }
    rm -rf "$cache.tmp"; mkdir -p "$cache.tmp/debs"
    ( cd "$cache.tmp/debs" && apt-get download gnuplot-nox gnuplot-data liblua5.4-0 ) >"$cache.tmp/download.log" 2>&1 ||
      { echo "apt-get download gnuplot-nox failed (see $cache.tmp/download.log)"; return 1; }
    local deb
    for deb in "$cache.tmp"/debs/*.deb; do dpkg -x "$deb" "$cache.tmp" || { echo "dpkg -x $deb failed"; return 1; }; done
    rm -rf "$cache"; mv "$cache.tmp" "$cache"
  fi
  # A wrapper, so the caller runs one command.
  cat >"$SCRATCH/gnuplot" <<EOF
#!/bin/sh
export LD_LIBRARY_PATH="$(echo "$cache"/usr/lib/*-linux-gnu)\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
export GNUPLOT_LIB="$(echo "$cache"/usr/share/gnuplot/gnuplot/*)"
exec "$cache/usr/bin/gnuplot-nox" "\$@"
EOF
  chmod +x "$SCRATCH/gnuplot"
  echo "$SCRATCH/gnuplot"
}
