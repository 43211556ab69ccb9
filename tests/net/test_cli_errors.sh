#!/usr/bin/env bash
# Every error path of every command, as a user meets it, under the sanitizers of the build.
# The cases are made from the commands' own --help: every command and subcommand, each of
# its options (given without a value, empty, absurd, unknown, or a value to an option that
# takes none), its operands (missing, one too many, absurd), the files it reads (missing,
# unreadable, empty, binary, a directory), and each command against a node in four states: a
# directory with no node, the daemon stopped, a node that has published nothing, and one with
# reports, an event, indicator values and a contact request. A new command or option is tested
# as soon as its --help names it; only SAMPLE below must learn a new command (docs/TESTING.md).
#
# What a user must see, whatever the case: an exit status of 0, 1, 2 or 3 (ekonet --help);
# on failure a message on stderr that starts with "ekonet: ", "ekonet COMMAND: " or "usage:",
# names the problem, and shows no absurd value whole nor its control bytes; no sanitizer
# report, no signal, no hang. Every failure is listed at the end, not only the first.
. "$(dirname "$0")/lib.sh"

JOBS=${CLI_ERRORS_JOBS:-4} # cases run at once: most of a case is the sanitizers' start and exit

# ---- expectations: what each command needs to get past its usage checks ---------------------
# Operands first, then options: what a user who knows the command would type. Placeholders,
# filled in per case and state (the data: see "the node in its states" below):
#   @REPORT @EVENT  a report, an event of node a (in the state with data), else an unknown id
#   @REQUEST        the contact request in a's inbox (with data), else an unknown id
#   @MEMBER         member b                          @OUT  a new file, one per command
#   @NEWFILE        a new file, one per case          @NODEKEY  c's node id
#   @PUB @KEY       a board member's public key, its key file
# and files: a file case puts a bad file in their place:
#   @TEXT a text file, @CSV indicator values, @PAGE1 @PAGE2 the two pages of a Kolada answer,
#   @APP c's application, @PROPOSAL a signed board act,
#   @CATALOGUE the default indicator catalogue, @BUNDLE the network's bundle for b, @BACKUP a
#   backup of a
declare -A SAMPLE=(
    [init]="--code 2518"
    [status]=""
    [pending]=""
    [application]="--politician Pia --official Olle --out @OUT"
    [join]="@BUNDLE"
    [members]=""
    [profile show]=""
    [profile set]="--politician-title Kommunalråd"
    [contact request]="@MEMBER --role official --subject Fråga --message-file @TEXT --from-name Eva --reply-to eva@example.se"
    [contact outbox]=""
    [contact inbox]=""
    [contact show]="@REQUEST"
    [contact reply]="@REQUEST --accept"
    [network]=""
    [reach]="@REPORT"
    [watch]="--count 1"
    [peers]=""
    [report add]="--title Solceller --summary Kort --body-file @TEXT"
    [report edit]="@REPORT --title Solceller2"
    [report list]=""
    [report search]="solceller"
    [report show]="@REPORT"
    [report retract]="@REPORT"
    [report redact]="@REPORT --reason Fel"
    [report export]="--format jsonl --out @OUT"
    [events add]="--title Klimatdagen --kind seminar --start 2031-05-01"
    [events list]=""
    [events show]="@EVENT"
    [events cancel]="@EVENT"
    [indicators catalogue]=""
    [indicators set]="2024 GN.4=10"
    [indicators withdraw]="2024 GN.4"
    [indicators import]="@PAGE1 @PAGE2"
    [indicators show]=""
    [indicators trend]="GN.4"
    [indicators examples]="GN.4"
    [indicators export]="--out @OUT"
    [board keygen]="--out @OUT"
    [board init]="--name Styrelsen --board-key @PUB --threshold 1 --out @OUT"
    [board admit]="@APP --decision Beslut --out @OUT"
    [board revoke]="@MEMBER --reason Skäl --out @OUT"
    [board catalogue]="@CATALOGUE --revision R1 --out @OUT"
    [board amend]="--board-key @PUB --threshold 1 --out @OUT"
    [board redact]="@REPORT --reason Skäl --out @OUT"
    [board sign]="@PROPOSAL --key @KEY --yes"
    [board show]="@PROPOSAL"
    [board publish]="@PROPOSAL"
    [board bundle]="--out @OUT"
    [board succeed]="@MEMBER @NODEKEY --reason lost --decision Beslut --out @OUT"
    [backup]="@NEWFILE"
    [restore]="@BACKUP"
    [key rotate]="--out @OUT"
)
# An option that makes a form of the command of its own (a second usage line): the sample for
# its cases instead of SAMPLE, "COMMAND OPTION" (the option's value comes after it).
declare -A FORM=(
    [backup --check]=""
    [board succeed --rotation]="--decision Beslut --out @OUT"
    [indicators import --format]="@CSV"
)
FILE_PLACEHOLDERS=" @TEXT @CSV @PAGE1 @PAGE2 @APP @PROPOSAL @CATALOGUE @BUNDLE @BACKUP "
# A message a command may fail with in a case for a reason other than what the case varies: the
# state the cases before it left (they run in parallel: one edit makes the next one stale).
declare -A OTHER=(
    [report edit]="has a newer version"
    [indicators withdraw]="has no values for 2024 to withdraw" # its sample withdrew them
)
# Commands that change the node for good (key rotate: it publishes nothing more under its key):
# their cases run after all the others, without the state "nothing published".
LAST=" key rotate "
# Commands that run until interrupted: a case still running after LIVE_SECONDS is stopped with
# SIGINT, and that passes.
LIVE=" watch "
LIVE_SECONDS=2
CASE_SECONDS=20 # any other case running this long has hung
# CLI_ERRORS_ONLY=REGEX: only the commands it matches ("^indicators"), to work on one command

# ---- absurd values ----------------------------------------------------------------------------
# report add/edit --edit open $EDITOR: one that saves the template unchanged (nothing published)
export EDITOR=true VISUAL=
FILES=$TESTDIR/files
mkdir -p "$FILES" "$TESTDIR/out"
# 100,000 bytes of every byte value but NUL (an argument cannot hold one), control bytes and
# invalid UTF-8 included
BLOB=$(printf "$(printf '\\%03o' $(seq 1 255))")
while [ ${#BLOB} -lt 100000 ]; do BLOB+=$BLOB; done
BLOB=${BLOB:0:100000}
HUGE=99999999999999999999
UNKNOWN_ID=0123456789abcdef

# absurd_values PLACEHOLDER: values of the kind an option's placeholder names ("--year Y",
# "--member M"), absurd or unknown; none for free text (the empty and the binary value test it)
absurd_values() {
    case $1 in
    N | K | Y | YEAR | YEARS | DAYS) printf '%s\n' -1 "$HUGE" ;;
    *CODE*) echo GN.99 ;;
    M | MEMBER) echo finns-inte ;;
    ID*) echo zzzz ;;
    TIME) echo "2031-02-30 25:61" ;;
    KIND | ROLE | EMAIL | PHONE | EP | ENDPOINT | PUB* | TAG) echo finns-inte ;;
    esac
}

# unknown_operand WORD: what nobody has in the place of a sample operand
unknown_operand() {
    case $1 in
    @NEWFILE) echo "$TESTDIR/no/such/dir/file" ;;
    @MEMBER) echo finns-inte ;;
    GN.*) echo GN.99 ;;
    [0-9][0-9][0-9][0-9]) echo 1989 ;;
    *) echo zzzz ;;
    esac
}

# bad_files DIR: the files a command is given where it reads one: in $FILES for every case that
# only reads them, in a directory of its own for a case that may write (an --out FILE)
bad_files() {
    mkdir -p "$1/directory"
    : >"$1/empty"
    printf '%s' "${BLOB:0:3000}" >"$1/binary"
    echo hej >"$1/text"
    echo hej >"$1/unreadable"
    chmod 000 "$1/unreadable"
}
BAD_FILES="missing empty binary directory no/such/dir/file"
# root reads any file: "unreadable" is only one when the test does not run as root
[ "$(id -u)" -eq 0 ] && echo "# running as root: no unreadable file" || BAD_FILES+=" unreadable"

# ---- cases --------------------------------------------------------------------------------------
# A case is its arguments (NUL-separated), what it is, a rule and a needle:
#   usage  exit 2, and stderr names NEEDLE
#   fails  exit 1, 2 or 3, and stderr names NEEDLE (one of its |-separated words)
#   value  any documented exit; a usage error (2) names NEEDLE: the option or the value
#   any    any documented exit; if it is not 0, stderr names NEEDLE (if any)
CASES=$TESTDIR/cases
mkdir -p "$CASES"
NCASES=0 RAN=0 FAILURES=0 WORKERS=()

# LeakSanitizer's check at exit doubles what a case costs: it is made in the cases that run each
# command whole in each state, and in every case with CLI_ERRORS_LEAKS=all.
LEAKS=1

# add_case WHAT RULE NEEDLE ARGS...
add_case() {
    local n=$NCASES a args=()
    for a in "${@:4}"; do args+=("${a//\/out\/@N//out/$n}"); done
    printf '%s\0' "${args[@]}" >"$CASES/$n.args"
    printf '%s\n%s\n%s\n%s\n' "$1" "$2" "$3" "$LEAKS" >"$CASES/$n.meta"
    NCASES=$((NCASES + 1))
}

# run_case N: runs case N, keeping its exit status, stdout, stderr and milliseconds
run_case() {
    local n=$1 args rc=0 secs=$CASE_SECONDS sig=KILL t0 what rule needle leaks
    mapfile -d '' args <"$CASES/$n.args"
    { read -r what; read -r rule; read -r needle; read -r leaks; } <"$CASES/$n.meta"
    if [[ $LIVE == *" ${args[2]:-} "* ]]; then secs=$LIVE_SECONDS sig=INT; fi
    t0=${EPOCHREALTIME/[.,]/}
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=$leaks" \
        timeout -s $sig $secs "$EKONET" --no-color "${args[@]}" </dev/null \
        >"$CASES/$n.out" 2>"$CASES/$n.err" || rc=$?
    echo $rc >"$CASES/$n.rc"
    echo $(((${EPOCHREALTIME/[.,]/} - t0) / 1000)) >"$CASES/$n.ms"
}

# run_cases: runs the cases added since the last call, JOBS at a time (each of JOBS shells
# takes every JOBS-th case), then checks them.
run_cases() {
    local n k
    for ((k = 0; k < JOBS; k++)); do
        (for ((n = RAN + k; n < NCASES; n += JOBS)); do run_case "$n"; done) &
        WORKERS[k]=$!
    done
    wait "${WORKERS[@]}"
    for ((n = RAN; n < NCASES; n++)); do check_case "$n"; done
    RAN=$NCASES
}

# problem N WHY: records what went wrong in case N
problem() {
    local what
    what=$(sed -n 1p "$CASES/$1.meta")
    FAILURES=$((FAILURES + 1))
    {
        echo "FAIL: ekonet $what: $2"
        echo "    exit $(cat "$CASES/$1.rc"); stderr: $(head -c 600 "$CASES/$1.err" | cat -v | sed '2,$s/^/        /')"
    } >>"$TESTDIR/failures"
}

# names TEXT NEEDLE: TEXT contains one of NEEDLE's |-separated words (in any case)
names() {
    local w words
    [ -n "$2" ] || return 0
    IFS='|' read -ra words <<<"$2"
    for w in "${words[@]}"; do [[ ${1,,} == *"${w,,}"* ]] && return 0; done
    return 1
}

check_case() {
    local n=$1 what rule needle rc err first args w1 w2
    { read -r what; read -r rule; read -r needle; } <"$CASES/$n.meta"
    rc=$(<"$CASES/$n.rc")
    err=$(<"$CASES/$n.err")
    case $err in
    *AddressSanitizer* | *LeakSanitizer* | *"runtime error"*) problem "$n" "a sanitizer report"; return ;;
    esac
    if [ "$rc" -eq 124 ]; then
        mapfile -d '' args <"$CASES/$n.args"
        [[ $LIVE == *" ${args[2]:-} "* ]] && return
    fi
    [ "$rc" -le 3 ] || { problem "$n" "exit status $rc (a signal, or it hung)"; return; }
    if [ "$rc" -ne 0 ]; then
        first=${err%%$'\n'*}
        [ -n "$err" ] || { problem "$n" "it failed with nothing on stderr"; return; }
        [[ $first =~ ^(ekonet(:|\ [a-z][a-z\ ]*:)\ |usage:\ ekonet) ]] ||
            { problem "$n" "the message does not start with \"ekonet: \" or \"ekonet COMMAND: \""; return; }
        if [ ${#err} -gt 300 ] && LC_ALL=C awk 'length > 300 { bad = 1 } END { exit !bad }' "$CASES/$n.err"; then
            problem "$n" "a line of the message is longer than 300 bytes (an absurd value shown whole?)"
            return
        fi
        if [[ $err == *[$'\x01'-$'\x08'$'\x0b'-$'\x1f'$'\x7f']* ]] ||
            { [[ $err == *[^[:ascii:]]* ]] && ! iconv -f UTF-8 -t UTF-8 "$CASES/$n.err" >/dev/null 2>&1; }; then
            problem "$n" "the message shows control characters or bytes that are not UTF-8"
            return
        fi
    fi
    case $rule in
    usage) [ "$rc" -eq 2 ] || { problem "$n" "exit $rc, not 2 (usage)"; return; } ;;
    fails) [ "$rc" -ne 0 ] || { problem "$n" "it succeeded"; return; } ;;
    value) [ "$rc" -eq 2 ] || return 0 ;;
    esac
    read -r w1 w2 _ <<<"$what"
    local other=${OTHER[$w1 $w2]:-${OTHER[$w1]:-}}
    [ "$rc" -eq 0 ] || names "$err" "$needle" || { [ -n "$other" ] && names "$err" "$other"; } ||
        problem "$n" "the message does not name the problem (${needle//|/ or })"
}

# ---- the commands -----------------------------------------------------------------------------
# every command of ekonet --help, a group's commands one by one ("report add")
COMMANDS=() ALL=()
for cmd in $(cli_commands); do
    subs=$(cli_subcommands "$cmd")
    if [ -z "$subs" ]; then ALL+=("$cmd"); else for s in $subs; do ALL+=("$cmd $s"); done; fi
done
[ ${#ALL[@]} -ge 40 ] || fail "found only ${#ALL[@]} commands in ekonet --help"
missing=""
for key in "${ALL[@]}"; do
    [ -n "${SAMPLE[$key]+set}" ] || missing+=" '$key'"
    [[ $key =~ ${CLI_ERRORS_ONLY:-.} ]] && COMMANDS+=("$key")
done
[ -z "$missing" ] || fail "give SAMPLE in $0 arguments for:$missing (docs/TESTING.md)"
RUN=() # the commands the cases are made for now: all but LAST, then LAST
for key in "${COMMANDS[@]}"; do [[ $LAST == *" $key "* ]] || RUN+=("$key"); done

# Each command's help, and its own options (not --dir --json --no-color --help: tested apart).
declare -A HELP OPTIONS
for key in $(cli_commands); do HELP[$key]=$("$EKONET" "$key" --help); done
for key in "${COMMANDS[@]}"; do
    [ -n "${HELP[$key]+set}" ] || HELP[$key]=$("$EKONET" $key --help)
    group=${key%% *}
    if [ "$key" != "$group" ] && [ "${HELP[$key]}" = "${HELP[$group]}" ]; then
        OPTIONS[$key]=$(options_of_sub "${key#* }" <<<"${HELP[$key]}")
    else
        OPTIONS[$key]=$(options_in_help <<<"${HELP[$key]}")
    fi
    OPTIONS[$key]=$(grep -vxE -- '--(dir|json|no-color|help|version)' <<<"${OPTIONS[$key]}" || true)
done
# placeholder KEY OPT: PLACEHOLDER is the word after OPT in the command's help ("--year Y": Y)
placeholder() {
    PLACEHOLDER=""
    [[ ${HELP[$1]} =~ $2\ ([A-Za-z][A-Za-z_=.|@]*) ]] && PLACEHOLDER=${BASH_REMATCH[1]} || true
}
# is_file PLACEHOLDER: the option names a file
is_file() { [[ $1 =~ ^(FILE|PROPOSAL|BUNDLE|APPLICATION)$ ]]; }

# fill STATE WORD: FILLED is a sample word with its placeholder filled in for STATE
fill() {
    FILLED=$2
    case $2 in
    @REPORT) FILLED=$UNKNOWN_ID; [ "$1" != data ] || FILLED=$REPORT_ID ;;
    @EVENT) FILLED=$UNKNOWN_ID; [ "$1" != data ] || FILLED=$EVENT_ID ;;
    @REQUEST) FILLED=$UNKNOWN_ID; [ "$1" != data ] || FILLED=$REQUEST_ID ;;
    @MEMBER) FILLED=1980 ;;
    @OUT) FILLED="$TESTDIR/out/$NCASES" ;;
    @NEWFILE) FILLED="$TESTDIR/out/@N" ;;
    @NODEKEY) FILLED=$NODEKEY ;;
    @BACKUP) FILLED="$TESTDIR/a.backup" ;;
    @PUB) FILLED="$BOARD_PUB" ;;
    @KEY) FILLED="$TESTDIR/board/b1.key" ;;
    @TEXT) FILLED="$FILES/text" ;;
    @CSV) FILLED="$FILES/values.csv" ;;
    @PAGE1 | @PAGE2) FILLED="$FILES/page${2#@PAGE}.json" ;;
    @APP) FILLED="$TESTDIR/c.app" ;;
    @PROPOSAL) FILLED="$TESTDIR/admit-b.ekp" ;;
    @CATALOGUE) FILLED="$SRC/share/indicators-default.csv" ;;
    @BUNDLE) FILLED="$TESTDIR/b.bundle" ;;
    *) FILLED="$2" ;;
    esac
}

# dir_for STATE: the --dir of a case in STATE (a new one for each case where there is no node)
dir_for() {
    case $1 in
    nowhere) echo "$TESTDIR/nowhere/$NCASES" ;;
    nonode) mkdir -p "$TESTDIR/nonode/$NCASES" && echo "$TESTDIR/nonode/$NCASES" ;;
    stopped) dir_of b ;;
    *) dir_of a ;;
    esac
}

# sample STATE KEY: OPERANDS and OPTS, the command's sample filled in for STATE; RAW_OPERANDS
# the operands as SAMPLE has them
sample() {
    local w words
    read -ra words <<<"${SAMPLE[$2]}"
    OPERANDS=() OPTS=() RAW_OPERANDS=()
    for w in "${words[@]}"; do
        if [ ${#OPTS[@]} -eq 0 ] && [[ $w != -* ]]; then
            fill "$1" "$w"
            OPERANDS+=("$FILLED") RAW_OPERANDS+=("$w")
        else
            fill "$1" "$w"
            OPTS+=("$FILLED")
        fi
    done
}

# state_cases STATE: every command's sample (of RUN), as it is
state_cases() {
    local key cmd
    for key in "${RUN[@]}"; do
        read -ra cmd <<<"$key"
        sample "$1" "$key"
        add_case "$key ${SAMPLE[$key]} ($1)" any "" --dir "$(dir_for "$1")" "${cmd[@]}" "${OPERANDS[@]}" "${OPTS[@]}"
    done
}

# parser_of KEY: what parses the command's options: its group, when the group's commands share
# one help and one option table (board); else the first command of its group with the same
# options (report add and edit); else the command itself. An option's cases are made once a
# parser, for the first command (PARSED) that has it.
declare -A PARSED PARSER
parser_of() {
    local group=${1%% *} k
    [ "$1" != "$group" ] || { echo "$1"; return; }
    if [ "${HELP[$1]}" = "${HELP[$group]}" ]; then echo "$group"; return; fi
    for k in "${COMMANDS[@]}"; do
        [ "${k%% *}" = "$group" ] && [ "${OPTIONS[$k]}" = "${OPTIONS[$1]}" ] && { echo "$k"; return; }
    done
}
for key in "${COMMANDS[@]}"; do
    PARSER[$key]=$(parser_of "$key")
    for opt in ${OPTIONS[$key]}; do
        [ -n "${PARSED["${PARSER[$key]} $opt"]:-}" ] || PARSED["${PARSER[$key]} $opt"]=$key
    done
done

# option_probes: an unknown option, and each option given last without its value, which also
# tells the options that take one ("--title needs a value") from the others
declare -A PROBE
option_probes() {
    local key cmd opt d
    d=$(dir_of a)
    for key in "${RUN[@]}"; do
        read -ra cmd <<<"$key"
        sample data "$key"
        add_case "$key ... --bogus-option" usage "--bogus-option" --dir "$d" "${cmd[@]}" "${OPERANDS[@]}" "${OPTS[@]}" --bogus-option
        for opt in ${OPTIONS[$key]}; do
            [ "${PARSED["${PARSER[$key]} $opt"]}" = "$key" ] || continue
            PROBE["$key $opt"]=$NCASES
            add_case "$key ... $opt (no value)" value "$opt" --dir "$d" "${cmd[@]}" "${OPERANDS[@]}" "${OPTS[@]}" "$opt"
        done
    done
}
# takes_value KEY OPT: the probe said that OPT needs a value
takes_value() { grep -qF -- "$2 needs a value" "$CASES/${PROBE["$1 $2"]}.err"; }

# option_cases KEY: the options of a command given absurd values, or bad files; a value to an
# option that takes none
option_cases() {
    local key=$1 cmd opt ph v f d name values
    read -ra cmd <<<"$key"
    d=$(dir_of a)
    for opt in ${OPTIONS[$key]}; do
        [ "${PARSED["${PARSER[$key]} $opt"]}" = "$key" ] || continue
        sample data "$key"
        if [ -n "${FORM["$key $opt"]+set}" ]; then
            local saved=${SAMPLE[$key]}
            SAMPLE[$key]=${FORM["$key $opt"]}
            sample data "$key"
            SAMPLE[$key]=$saved
        fi
        placeholder "$key" "$opt"
        ph=$PLACEHOLDER
        name="${opt#--}|${opt//-/ }|${opt##*-}"
        if ! takes_value "$key" "$opt"; then
            add_case "$key ... $opt=x" usage "$opt takes no value" --dir "$d" "${cmd[@]}" "${OPERANDS[@]}" "${OPTS[@]}" "$opt=x"
            continue
        fi
        add_case "$key ... $opt ''" value "$name" --dir "$d" "${cmd[@]}" "${OPERANDS[@]}" "${OPTS[@]}" "$opt" ""
        values=$(absurd_values "$ph")
        [ -n "$values" ] || # free text: long, binary
            add_case "$key ... $opt <100 KB of binary>" value "$name" --dir "$d" "${cmd[@]}" "${OPERANDS[@]}" "${OPTS[@]}" "$opt" "$BLOB"
        while read -r v; do
            [ -z "$v" ] || add_case "$key ... $opt $v" value "$name|$v" --dir "$d" "${cmd[@]}" "${OPERANDS[@]}" "${OPTS[@]}" "$opt" "$v"
        done <<<"$values"
        is_file "$ph" || continue
        for f in $BAD_FILES; do
            bad_files "$FILES/$NCASES" # a directory of its own: the command may write there
            add_case "$key ... $opt <$f file>" any "$f" --dir "$d" "${cmd[@]}" "${OPERANDS[@]}" "${OPTS[@]}" "$opt" "$FILES/$NCASES/$f"
        done
    done
}

# operand_cases KEY: operands missing, one too many, absurd; bad files for a file operand
operand_cases() {
    local key=$1 cmd i v f d
    read -ra cmd <<<"$key"
    sample data "$key"
    d=$(dir_of a)
    add_case "$key ${SAMPLE[$key]} extra-operand" any "extra-operand" --dir "$d" "${cmd[@]}" "${OPERANDS[@]}" "${OPTS[@]}" extra-operand
    [ ${#OPERANDS[@]} -gt 0 ] || return 0
    add_case "$key (no operand)" any "" --dir "$d" "${cmd[@]}" "${OPTS[@]}"
    for i in "${!OPERANDS[@]}"; do
        local before=("${OPERANDS[@]:0:i}") after=("${OPERANDS[@]:i+1}")
        if [[ $FILE_PLACEHOLDERS == *" ${RAW_OPERANDS[$i]} "* ]]; then
            for f in $BAD_FILES; do
                add_case "$key <$f file>" fails "$f" --dir "$d" "${cmd[@]}" "${before[@]}" "$FILES/$f" "${after[@]}" "${OPTS[@]}"
            done
            continue
        fi
        add_case "$key '' (operand $((i + 1)))" any "" --dir "$d" "${cmd[@]}" "${before[@]}" "" "${after[@]}" "${OPTS[@]}"
        add_case "$key <100 KB of binary> (operand $((i + 1)))" any "" --dir "$d" "${cmd[@]}" "${before[@]}" "$BLOB" "${after[@]}" "${OPTS[@]}"
        v=$(unknown_operand "${RAW_OPERANDS[$i]}")
        add_case "$key $v (operand $((i + 1)))" any "$v" --dir "$d" "${cmd[@]}" "${before[@]}" "$v" "${after[@]}" "${OPTS[@]}"
    done
}

# command_cases: for each command of RUN, an unknown option and its options' probes; then the
# cases the probes tell (option_cases) and its operands'
command_cases() {
    [ "${CLI_ERRORS_LEAKS:-}" = all ] || LEAKS=0
    option_probes
    run_cases
    for key in "${RUN[@]}"; do
        option_cases "$key"
        operand_cases "$key"
    done
    LEAKS=1
}

# global_cases: ekonet's own options and words
global_cases() {
    local d
    d=$(dir_of a)
    add_case "(nothing)" usage "usage: ekonet"
    add_case "--bogus-option status" usage "--bogus-option" --bogus-option status
    add_case "no-such-command" usage "no-such-command" --dir "$d" no-such-command
    add_case "<100 KB of binary> (as the command)" usage "unknown command" --dir "$d" "$BLOB"
    add_case "--dir (no value)" usage "--dir needs a value" --dir
    add_case "--dir '' status" fails "node" --dir "" status
    add_case "--dir <100 KB of binary> status" fails "node|path" --dir "$BLOB" status
    add_case "--dir <a file> status" fails "node" --dir "$FILES/text" status
    add_case "--json=x status" usage "--json takes no value" --dir "$d" --json=x status
    add_case "--version=x" usage "--version takes no value" --version=x
}

# ---- the node in its states -----------------------------------------------------------------------
# a: the member under test, running; b: another member, stopped (it asks a one question first);
# c: a node that applied for membership. No node: an empty directory (or none).
SRC=$(cd "$(dirname "$0")/../.." && pwd)
board_found "Sveriges Ekokommuner"
BOARD_PUB=$(pubkey_of "$TESTDIR/board/b1.key")
node_init a 2518 # Övertorneå
node_init b 1980 # Västerås
node_init c 0180 # Stockholm
NODEKEY=$(node_id c)
apply c
bad_files "$FILES"
printf 'code;year;value\nGN.4;2021;11\n' >"$FILES/values.csv"
answer=http://api.kolada.se/v2/data/kpi/U07801/municipality/2518/year/2020,2021
printf '{"count": 2, "values": [{"kpi": "U07801", "municipality": "2518", "period": 2020, "values": [{"gender": "T", "value": 500}]}], "next_page": "%s?page=2&per_page=1"}\n' "$answer" >"$FILES/page1.json"
printf '{"count": 2, "values": [{"kpi": "U07801", "municipality": "2518", "period": 2021, "values": [{"gender": "T", "value": 490}]}], "previous_page": "%s?page=1&per_page=1"}\n' "$answer" >"$FILES/page2.json"

state_cases nonode
add_case "status (no directory)" fails "no node" --dir "$TESTDIR/nowhere" status
run_cases
ok "$RAN cases with no node"

network_first a
network_join a b
REPORT_ID=$UNKNOWN_ID EVENT_ID=$UNKNOWN_ID REQUEST_ID=$UNKNOWN_ID
d=$(dir_of a)
add_case "indicators trend GN.4 (nothing published)" fails "has published no values" --dir "$d" indicators trend GN.4
add_case "indicators show (nothing published)" any "" --dir "$d" indicators show
add_case "report list (nothing published)" any "" --dir "$d" report list
run_cases
grep -qF "has no snapshot yet" "$CASES/$((RAN - 2)).out" || fail "indicators show with nothing published: $(cat "$CASES/$((RAN - 2)).out")"
state_cases empty
run_cases
ok "$RAN cases so far: a node that has published nothing"

node_start b
ek b contact request 2518 --role official --subject "Hur gjorde ni?" --message "Berätta" \
    --from-name "Vera" --reply-to vera@example.se >/dev/null
wait_for 30 "the request in a's inbox" sh -c "[ \"\$('$EKONET' --dir '$d' contact inbox --json | jq length)\" = 1 ]"
node_stop b
REQUEST_ID=$(ek a contact inbox --json | json '.[0].id')
REPORT_ID=$(ek a report add --title "Solceller på skolorna" --summary "Tolv skolor" --body "Text" --json | json .id)
EVENT_ID=$(ek a events add --title "Klimatdagen" --kind seminar --start "2031-05-01 09:00" --json | json .id)
ek a indicators set 2022 GN.4=12 >/dev/null
ek a indicators set 2023 GN.4=10 >/dev/null
ek a backup "$TESTDIR/a.backup" >/dev/null
global_cases
add_case "indicators trend GN.99" fails "GN.99 is not an indicator" --dir "$d" indicators trend GN.99
command_cases
state_cases data
run_cases
ok "$RAN cases so far: a node with reports, an event, indicator values and a contact request"

state_cases stopped
run_cases
ok "$RAN cases so far: the daemon stopped"

# The commands that change the node for good, last, in the states it is still in.
RUN=()
for key in "${COMMANDS[@]}"; do [[ $LAST != *" $key "* ]] || RUN+=("$key"); done
if [ ${#RUN[@]} -gt 0 ]; then
    state_cases nonode
    command_cases
    state_cases data
    state_cases stopped
    run_cases
    ok "$RAN cases in all: ${RUN[*]}, last"
fi

for ((n = 0; n < RAN; n++)); do echo "$(<"$CASES/$n.ms") ms: ekonet $(head -n 1 "$CASES/$n.meta")"; done |
    sort -n -r | awk 'NR <= 5 { print "# slowest: " $0 }'
if [ -s "$TESTDIR/failures" ]; then
    cat "$TESTDIR/failures" >&2
    fail "$FAILURES of $RAN cases went wrong"
fi
ok "every case exits 0-3 with a clear message on stderr and no sanitizer report"
