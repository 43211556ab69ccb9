#!/usr/bin/env bash
# What an operator installs besides the binaries: the bash completion, the manual pages and the
# systemd files. The completion completes what a user types; it and the manual pages follow the
# commands (every command and option of every --help is offered, every offered option is
# accepted, every command has its paragraph in ekonet(1), every configuration setting in
# ekonetd(8)); and `cmake --install` puts every file in its place.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../share/bash-completion/ekonet
. "$SRC/share/bash-completion/ekonet"

# offered WORD...: what the completion offers when the last WORD is being completed, one per
# line, sorted. The completion runs as in an interactive shell: without -e and -u.
offered() {
    local COMP_WORDS=("$@") COMP_CWORD=$(($# - 1)) COMP_LINE="$*" COMP_POINT
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    set +eu
    if [ "$1" = ekonetd ]; then _ekonetd; else _ekonet; fi
    set -eu
    [ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort
}
# offers WHAT EXPECTED WORD...: the completion offers exactly EXPECTED (space-separated, sorted)
offers() {
    local what=$1 expected=$2
    shift 2
    expect_eq "$what" "$expected" "$(offered "$@" | tr '\n' ' ' | sed 's/ $//')"
}
# includes WHAT NEEDLE WORD...: the completion offers NEEDLE among others
includes() {
    local what=$1 needle=$2
    shift 2
    offered "$@" | grep -qxF -- "$needle" || fail "$what: '$needle' not offered for '$*'; got: $(offered "$@" | tr '\n' ' ')"
}

# --- what a user types --------------------------------------------------------------------
offers "ekonet con<TAB>" "contact" ekonet con
includes "ekonet contact <TAB>" reply ekonet contact ''
offers "ekonet contact <TAB>" "inbox outbox reply request show" ekonet contact ''
offers "--ro<TAB>" "--role" ekonet contact request --ro
offers "--role <TAB>" "either official politician" ekonet contact request 1280 --role ''
offers "after --dir DIR" "contact" ekonet --dir /var/lib/ekonet con
offers "--kind of events" "annual-meeting conference seminar study-visit webinar" \
    ekonet events add --title x --kind ''
offers "--kind of reports" "experience media" ekonet report list --kind ''
offers "--format of export" "csv xlsx" ekonet indicators export --format ''
offers "--format of import" "csv kolada" ekonet indicators import --format ''
includes "--kind of watch" contact_request ekonet watch --kind ''
offers "a global option" "--json" ekonet --js
offers "--version before a command" "--version" ekonet --vers
offers "a flag takes no argument" "--contacts" ekonet members --json --con
offers "an option's value is not a command" "" ekonet report add --title ''
ok "commands, subcommands, options and their values complete as typed"

mkdir -p "$TESTDIR/files/node dir" "$TESTDIR/files/notes"
: >"$TESTDIR/files/body.md"
: >"$TESTDIR/files/overtornea.bundle"
offers "--dir completes directories" "$TESTDIR/files/node dir $TESTDIR/files/notes" \
    ekonet --dir "$TESTDIR/files/"
offers "--body-file completes files" "$TESTDIR/files/body.md" \
    ekonet report add --body-file "$TESTDIR/files/bo"
offers "--message-file completes files" "$TESTDIR/files/body.md" \
    ekonet contact request 1280 --message-file "$TESTDIR/files/b"
offers "join BUNDLE completes files" "$TESTDIR/files/overtornea.bundle" \
    ekonet join "$TESTDIR/files/over"
offers "--dir=DIR" "$TESTDIR/files/notes" ekonet --dir = "$TESTDIR/files/not"
offers "board sign PROPOSAL" "$TESTDIR/files/body.md" ekonet board sign "$TESTDIR/files/bo"
offers "restore FILE" "$TESTDIR/files/body.md" ekonet restore "$TESTDIR/files/bo"
offers "import's second page" "$TESTDIR/files/body.md" \
    ekonet indicators import "$TESTDIR/files/overtornea.bundle" "$TESTDIR/files/bo"
offers "backup --check FILE" "$TESTDIR/files/body.md" ekonet backup --check "$TESTDIR/files/bo"
ok "file and directory names complete where a command wants a file"

offers "ekonetd options" "--check-config --config" ekonetd --c
offers "ekonetd --log-level" "debug error info warn" ekonetd --log-level ''
for opt in $("$EKONETD" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    includes "ekonetd --help names $opt" "$opt" ekonetd --
done
ok "ekonetd completes its options and log levels"

# --- the completion follows the commands ----------------------------------------------------
# The commands of `ekonet --help`, and the subcommands and options of each command's --help.
commands=$(cli_commands)
[ "$(echo "$commands" | wc -l)" -ge 15 ] || fail "could not read the commands of ekonet --help"
expect_eq "the commands offered are those of ekonet --help" "$(echo "$commands" | sort)" \
    "$(offered ekonet '')"

# accepted ARGS... OPTION: ekonet's option parser knows OPTION (it is offered, so it must be)
accepted() {
    local opt=${*: -1} out
    if [[ " $_ekonet_flags " == *" $opt "* ]]; then
        out=$("$EKONET" --dir "$TESTDIR/nowhere" "$@" --help 2>&1 </dev/null || true)
    else
        out=$("$EKONET" --dir "$TESTDIR/nowhere" "$@"=x --help 2>&1 </dev/null || true)
    fi
    case $out in
    *"unrecognized option"* | *"unknown option"*) fail "ekonet ${*:1:$#-1} does not accept $opt, which the completion offers" ;;
    *"$opt takes no value"*) fail "ekonet ${*:1:$#-1} $opt takes no value, but the completion completes one (add it to _ekonet_flags)" ;;
    esac
}
# check_options WHAT ARGS...: the completion offers every option of `ekonet ARGS --help` and
# ekonet accepts every option the completion offers
check_options() {
    local what=$1 opt
    shift
    for opt in $(help_options "$@"); do
        [ "$opt" = --version ] || includes "$what --help names $opt" "$opt" ekonet "$@" --
    done
    for opt in $(offered ekonet "$@" --); do accepted "$@" "$opt"; done
}

checked=0
for cmd in $commands; do
    subs=$(cli_subcommands "$cmd")
    if [ -n "$subs" ]; then
        expect_eq "the subcommands of ekonet $cmd" "$subs" "$(offered ekonet "$cmd" '')"
        all=""
        for sub in $subs; do
            # a group whose commands share its help (board): checked below, all together
            if cli_shares_help "$cmd" "$sub"; then
                for opt in $(offered ekonet "$cmd" "$sub" --); do accepted "$cmd" "$sub" "$opt"; done
                all+=" $(offered ekonet "$cmd" "$sub" --)"
            else
                check_options "ekonet $cmd $sub" "$cmd" "$sub"
            fi
            checked=$((checked + 1))
        done
        if [ -n "$all" ]; then
            for opt in $(help_options "$cmd"); do
                [[ " $(echo $all) " == *" $opt "* ]] ||
                    fail "ekonet $cmd --help names $opt, which no ekonet $cmd command completes"
            done
        fi
    else
        check_options "ekonet $cmd" "$cmd"
        checked=$((checked + 1))
    fi
done
ok "the completion offers every command, subcommand and option of the $checked commands' --help, and nothing else"

# --- manual pages ---------------------------------------------------------------------------
man1=$SRC/share/man/ekonet.1 man8=$SRC/share/man/ekonetd.8
for cmd in $commands; do
    usage=$("$EKONET" "$cmd" --help)
    if [[ $usage == "usage: ekonet $cmd COMMAND"* ]]; then
        for sub in $(offered ekonet "$cmd" ''); do
            grep -q "^\.B ekonet $cmd $sub\b" "$man1" || fail "ekonet.1 has no paragraph on ekonet $cmd $sub"
        done
    else
        grep -q "^\.B ekonet $cmd\b" "$man1" || fail "ekonet.1 has no paragraph on ekonet $cmd"
    fi
done
for opt in $("$EKONETD" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    grep -qF -- "${opt//-/\\-}" "$man8" || fail "ekonetd.8 does not describe $opt"
done
# Every section and setting of the configuration `ekonet init` writes.
"$EKONET" --dir "$TESTDIR/conf" init --code 2518 >/dev/null
section=""
while IFS= read -r line; do
    case $line in
    \[*\]) section=${line//[][]/}
        grep -qxF ".SS [$section]" "$man8" || fail "ekonetd.8 has no section on [$section]" ;;
    [a-z]*=* | \#[a-z]*=*)
        name=${line#\#}
        name=${name%%[ =]*}
        # the setting's paragraph (.TP, .B name) within its section's
        sed -n "/^\.SS \[$section\]/,/^\.S[SH]/p" "$man8" | grep -qxF ".B $name" ||
            fail "ekonetd.8 does not describe $name in [$section]"
        ;;
    esac
done <"$TESTDIR/conf/ekonetd.conf"
if command -v groff >/dev/null; then
    for page in "$man1" "$man8"; do
        warnings=$(groff -man -Tutf8 -ww "$page" 2>&1 >/dev/null)
        [ -z "$warnings" ] || fail "groff warns about $page: $warnings"
    done
fi
ok "the manual pages describe every command, ekonetd option and setting, without a groff warning"

# --- installation ---------------------------------------------------------------------------
# The build directory of the binaries under test, installed into a temporary prefix.
build=$(dirname "$EKONET")
unitdir=$(sed -n 's/^EKONET_SYSTEMD_UNITDIR:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
if [ ! -f "$build/cmake_install.cmake" ] || ! command -v cmake >/dev/null; then
    echo "# skipped the installation: no cmake build directory at $build"
elif [[ $unitdir == /* ]]; then
    echo "# skipped the installation: EKONET_SYSTEMD_UNITDIR=$unitdir is outside the prefix"
else
    prefix=$TESTDIR/prefix
    DESTDIR='' cmake --install "$build" --prefix "$prefix" >"$TESTDIR/install.log" 2>&1 ||
        fail "cmake --install failed: $(tail -n 5 "$TESTDIR/install.log")"
    for f in bin/ekonet sbin/ekonetd \
        share/man/man1/ekonet.1 share/man/man8/ekonetd.8 \
        share/bash-completion/completions/ekonet share/bash-completion/completions/ekonetd \
        "$unitdir/ekonetd.service" lib/sysusers.d/ekonet.conf lib/tmpfiles.d/ekonet.conf \
        share/ekonet/kommuner.csv share/ekonet/indicators-default.csv share/ekonet/kolada-kpi.csv; do
        [ -f "$prefix/$f" ] || fail "cmake --install did not install $f; it installed: $(cd "$prefix" && find . -type f | sort | tr '\n' ' ')"
    done
    [ -x "$prefix/bin/ekonet" ] && [ -x "$prefix/sbin/ekonetd" ] || fail "the binaries are not executable"
    unit=$prefix/$unitdir/ekonetd.service
    ! grep -q '@[A-Z_]*@' "$unit" || fail "ekonetd.service still has a placeholder: $(grep '@[A-Z_]*@' "$unit")"
    exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
    [[ $exec_start == /*/sbin/ekonetd\ --dir\ /var/lib/ekonet ]] || fail "ExecStart=$exec_start"
    expect_eq "sysusers" 'u ekonet - "ekonet node" /var/lib/ekonet' \
        "$(grep -v '^#' "$prefix/lib/sysusers.d/ekonet.conf")"
    if command -v systemd-analyze >/dev/null; then
        # verified as installed, with ExecStart naming the ekonetd of the temporary prefix
        mkdir -p "$TESTDIR/unit"
        sed "s|^ExecStart=[^ ]*|ExecStart=$prefix/sbin/ekonetd|" "$unit" >"$TESTDIR/unit/ekonetd.service"
        out=$(systemd-analyze verify --man=no "$TESTDIR/unit/ekonetd.service" 2>&1) ||
            fail "systemd-analyze verify: $out"
        [ -z "$out" ] || fail "systemd-analyze verify warns: $out"
    fi
    ok "cmake --install puts the binaries, manual pages, completion and systemd files in place"
fi
