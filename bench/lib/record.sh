# shellcheck shell=bash
# What the runs produced: every run to the runs TSV, the successful runs' values kept per
# scenario, contender and metric for the summary (medians, spread, per-round ratios).

declare -A VALS ROUND OKS FAILS SKIPS NOTE AUTO_CHOICE TIMED_OUT

runs_tsv_header() {
  local IFS=$'\t'
  printf 'scenario\tcontender\trun\tstatus\t%s\tnote\n' "${METRICS[*]}"
}

record() {  # scenario contender run
  local key="$1|$2" m v row=""
  for m in "${METRICS[@]}"; do row+=$'\t'$(metric_value "$m"); done
  printf '%s\t%s\t%s\t%s%s\t%s\n' "$1" "$2" "$3" "$R_STATUS" "$row" "$R_NOTE" >>"$RUNS_TSV"
  case $R_STATUS in
    ok)
      for m in "${METRICS[@]}"; do
        v=$(metric_value "$m")
        [[ -n $v ]] || continue
        VALS[$key|$m]+="$v "
        ROUND[$key|$m|$3]=$v
      done
      OKS[$key]=$((${OKS[$key]:-0} + 1))
      [[ -n $R_NOTE && -z ${NOTE[$key]:-} ]] && NOTE[$key]=$R_NOTE ;;
    skipped)
      SKIPS[$key]=$((${SKIPS[$key]:-0} + 1)); NOTE[$key]=$R_NOTE ;;
    *)
      FAILS[$key]=$((${FAILS[$key]:-0} + 1))
      # The first failure's reason is the one shown.
      [[ ${FAILS[$key]} == 1 ]] && NOTE[$key]=$R_NOTE ;;
  esac
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '
  { v[NR] = $1 }
  END { if (NR == 0) exit; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }

# The median of a metric over a contender's successful runs, or empty. A contender with a
# failed run has no medians at all: a time that only counts the good runs would flatter it.
med() {  # scenario contender metric
  [[ $(status_of "$1" "$2") == ok ]] || return 0
  median <<<"${VALS[$1|$2|$3]:-}"
}
status_of() {  # scenario contender -> ok|FAILED|skipped|none
  local key="$1|$2"
  if ((${FAILS[$key]:-0} > 0)); then echo FAILED
  elif ((${SKIPS[$key]:-0} > 0)); then echo skipped
  elif ((${OKS[$key]:-0} > 0)); then echo ok
  else echo none; fi
}

# "min–max" of a metric over the runs, relative to the median: how far apart the runs were.
spread_percent() {  # scenario contender metric
  local m; m=$(med "$@")
  [[ -n $m ]] || { echo "-"; return; }
  tr ' ' '\n' <<<"${VALS[$1|$2|$3]}" | grep -v '^$' | sort -g |
    awk -v m="$m" 'NR == 1 { lo = $1 } { hi = $1 } END { if (m + 0 == 0) print "-"; else printf "±%.0f%%", 50 * (hi - lo) / m }'
}

# The ratio of a to b in each round where both succeeded, as "lo–hi": runs alternate, so a
# round's two runs saw the same load; this range is the ratio's spread.
round_ratio_range() {  # scenario a b metric
  local run lo="" hi="" r
  for ((run = 1; run <= MAX_RUNS; run++)); do
    local va=${ROUND[$1|$2|$4|$run]:-} vb=${ROUND[$1|$3|$4|$run]:-}
    [[ -n $va && -n $vb ]] || continue
    r=$(ratio "$va" "$vb"); [[ $r == - ]] && continue
    [[ -z $lo ]] || awk -v a="$r" -v b="$lo" 'BEGIN { exit !(a < b) }' && lo=$r
    [[ -z $hi ]] || awk -v a="$r" -v b="$hi" 'BEGIN { exit !(a > b) }' && hi=$r
  done
  [[ -n $lo ]] && echo "$lo–$hi"
}
