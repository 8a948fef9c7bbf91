#include "completion_scripts.hpp"

namespace orka::cli {

namespace {

// Bash splits words at '=' and ':' too (COMP_WORDBREAKS), so `-n=kube` and `8080:ht` reach a
// completion function in pieces. The script joins pieces that nothing separated on the line,
// asks orka about the whole word, and hands bash back only the part after the last piece.
// No eval: the words go to orka as arguments, exactly as typed.
constexpr std::string_view kBash = R"SCRIPT(# bash completion for orka: source <(orka completion bash)
# Every TAB asks `orka __complete WORDS... CURRENT` (one candidate a line, then :DIRECTIVE).

_orka_complete() {
  local line=${COMP_LINE:0:COMP_POINT} position=0 index word rest before
  local -a joined=()
  for ((index = 0; index <= COMP_CWORD && index < ${#COMP_WORDS[@]}; index++)); do
    word=${COMP_WORDS[index]}
    rest=${line:position}
    if [[ -z $word ]]; then
      before=$rest
    else
      before=${rest%%"$word"*}
    fi
    if ((index > 0)) && [[ -n $word && -z $before ]]; then
      joined[${#joined[@]}-1]+=$word
    else
      joined+=("$word")
    fi
    position=$((position + ${#before} + ${#word}))
  done
  ((COMP_CWORD >= ${#COMP_WORDS[@]})) && joined+=("")
  local current=${joined[${#joined[@]}-1]}
  local bash_word=${COMP_WORDS[COMP_CWORD]}
  [[ $bash_word == [=:] ]] && bash_word=""
  local cut=$((${#current} - ${#bash_word}))

  local out
  out=$("${COMP_WORDS[0]}" __complete "${joined[@]:1:${#joined[@]}-2}" "$current" 2>/dev/null) || return 0
  local directive=${out##*:}
  [[ $directive =~ ^[0-9]+$ ]] || return 0
  out=${out%:*}

  COMPREPLY=()
  (( directive & 1 )) && return 0
  local candidate
  while IFS='' read -r candidate; do
    [[ -n $candidate ]] && COMPREPLY+=("${candidate:cut}")
  done <<<"$out"
  if ((${#COMPREPLY[@]} == 0)); then
    if (( directive & 16 )); then
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -d -- "$current")
    elif (( ! (directive & 4) )); then
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$current")
    fi
    return 0
  fi
  if (( directive & 2 )) || { ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == */ ]]; }; then
    compopt -o nospace 2>/dev/null
  fi
  return 0
}

complete -F _orka_complete orka kubectl-orka
)SCRIPT";

constexpr std::string_view kZsh = R"SCRIPT(#compdef orka kubectl-orka
# zsh completion for orka: source <(orka completion zsh) after compinit, or save as _orka in
# a directory on $fpath. Every TAB asks `orka __complete WORDS... CURRENT`.

_orka() {
  local out directive
  local -a lines candidates
  out=$("${words[1]}" __complete "${(@Q)words[2,CURRENT-1]}" "${(Q)words[CURRENT]}" 2>/dev/null) || return 1
  lines=("${(@f)out}")
  directive=${lines[-1]#:}
  [[ $directive == <-> ]] || return 1
  candidates=("${(@)lines[1,-2]}")
  (( directive & 1 )) && return 1
  if (( ${#candidates} == 0 )); then
    if (( directive & 16 )); then
      _path_files -/
    elif (( ! (directive & 4) )); then
      _files
    fi
    return
  fi
  if (( directive & 2 )) || [[ ${#candidates} -eq 1 && ${candidates[1]} == */ ]]; then
    compadd -Q -S '' -- "${candidates[@]}"
  else
    compadd -Q -- "${candidates[@]}"
  fi
}

if [[ ${funcstack[1]} == _orka ]]; then
  _orka "$@"
else
  compdef _orka orka kubectl-orka
fi
)SCRIPT";

constexpr std::string_view kFish = R"SCRIPT(# fish completion for orka: orka completion fish | source
# (or save as ~/.config/fish/completions/orka.fish). Every TAB asks
# `orka __complete WORDS... CURRENT`.

function __orka_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l out ($tokens[1] __complete $tokens[2..-1] $current 2>/dev/null)
    or return
    set -l directive (string replace -r '^:' '' -- $out[-1])
    string match -qr '^[0-9]+$' -- $directive
    or return
    set -e out[-1]
    if test (math "$directive % 2") -eq 1
        return
    end
    if test (count $out) -eq 0
        if test (math "floor($directive / 16) % 2") -eq 1
            __fish_complete_directories $current
        else if test (math "floor($directive / 4) % 2") -eq 0
            __fish_complete_path $current
        end
        return
    end
    printf '%s\n' $out
end

complete -c orka -f -a '(__orka_complete)'
complete -c kubectl-orka -f -a '(__orka_complete)'
)SCRIPT";

}  // namespace

std::optional<std::string> completion_script(std::string_view shell) {
  if (shell == "bash") return std::string(kBash);
  if (shell == "zsh") return std::string(kZsh);
  if (shell == "fish") return std::string(kFish);
  return std::nullopt;
}

}  // namespace orka::cli
