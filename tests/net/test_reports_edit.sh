#!/usr/bin/env bash
# Publishing safely, and links that survive edits, on two nodes. The editor opens a template
# (title, summary, topics, indicators, body, with hints); an empty body or an unchanged template
# publishes nothing; a blank title, a NUL byte or a control character is refused with its line
# and column, never cut at; limits are counted in characters, so 300 Swedish letters fit.
. "$(dirname "$0")/lib.sh"

board_found "Sveriges Ekokommuner"
node_init a 2084 # Avesta
node_init b 2161 # Ljusdal
network_first a
network_join a b
for n in a b; do tune $n digest_interval 1; done
node_stop a
for n in a b; do node_start $n; done
total_at() { ek "$1" report list --json | json .total; }
# Runs ek at node a, expecting failure: prints what it said; fails the test on exit 0.
refused() {
    local out rc
    set +e
    out=$(ek a "$@" 2>&1 </dev/null); rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "expected a refusal from: $*; got: $out"
    printf '%s\n' "$out"
}

# --- the editor's template ---------------------------------------------------------------------
# An "editor" that saves what the test wrote into $TESTDIR/saved, and keeps the template it saw.
cat >"$TESTDIR/editor.sh" <<'SH'
#!/bin/sh
cp "$1" "$TESTDIR/template"
if [ -f "$TESTDIR/saved" ]; then cp "$TESTDIR/saved" "$1"; fi
SH
chmod +x "$TESTDIR/editor.sh"
export TESTDIR EDITOR="$TESTDIR/editor.sh" VISUAL=

rm -f "$TESTDIR/saved"
out=$(refused report add --title "Fjärrvärme i Avesta" --edit)
expect_contains "unchanged template" "the template was saved unchanged; nothing was published" "$out"
tpl=$(cat "$TESTDIR/template")
expect_contains "template title" "Title: Fjärrvärme i Avesta" "$tpl"
expect_contains "template hint" "# Title: one line of 1 to 300 characters." "$tpl"
expect_contains "template summary" "Summary: " "$tpl"
expect_contains "template topics" "Topics:" "$tpl"
expect_contains "template indicators" "Indicators:" "$tpl"
expect_contains "template body hint" "# The body follows the empty line below" "$tpl"

sed 's/^Summary: $/Summary: Ny rapport/' "$TESTDIR/template" >"$TESTDIR/saved"
out=$(refused report add --title "Fjärrvärme i Avesta" --edit)
expect_contains "empty body" "the body is empty; nothing was published" "$out"
expect_eq "nothing published" 0 "$(total_at a)"
ok "the editor opens a template with hints; an unchanged template or an empty body publishes nothing"

cat >"$TESTDIR/saved" <<'TXT'
# Hints are left out.
Title: Fjärrvärme från spillvärme
Summary: Spillvärme från bruket
  värmer 2000 hushåll.
Topics: energi, fjärrvärme
Indicators: GN.9

# Bakgrund

Bruket levererar värme sedan 2019.
TXT
ek a report add --edit --json >"$TESTDIR/added.json"
id=$(json .id <"$TESTDIR/added.json")
r=$(ek a report show "$id" --json)
expect_eq "title from the editor" "Fjärrvärme från spillvärme" "$(json .title <<<"$r")"
expect_eq "summary over two lines" "Spillvärme från bruket
värmer 2000 hushåll." "$(json .summary <<<"$r")"
expect_eq "topics" "energi,fjärrvärme" "$(json '.topics | join(",")' <<<"$r")"
expect_eq "indicators" "GN.9" "$(json '.indicators | join(",")' <<<"$r")"
expect_eq "body with a Markdown heading" "# Bakgrund

Bruket levererar värme sedan 2019." "$(json .body <<<"$r")"
ok "what is saved in the editor is published: fields, a summary over two lines, a Markdown body"

printf 'Title: Fjärrvärme\nSumary: fel\n\nText\n' >"$TESTDIR/saved"
out=$(refused report add --edit)
expect_contains "unknown field" 'line 2: unknown field "Sumary" (Title, Summary, Topics or Indicators)' "$out"
printf 'Title: Fjärrvärme\n\nhej\001då\n' >"$TESTDIR/saved"
out=$(refused report add --edit)
expect_contains "control in the editor" "the edited text: line 3, column 4: the control character U+0001; nothing was published" "$out"
ok "a line that is not a field, or a control character in the editor, is refused with its line"

# --- bad text -------------------------------------------------------------------------------
out=$(refused report add --title "   " --body "Text")
expect_contains "blank title" "the title is blank (only spaces); nothing was published" "$out"
printf 'hej\0då\n' >"$TESTDIR/nul.md"
out=$(refused report add --title "Noll" --body-file "$TESTDIR/nul.md")
expect_contains "NUL in a body file" "nul.md: line 1, column 4: a NUL byte; nothing was published" "$out"
out=$(set +e; printf 'rad ett\nrad två \033[2J\n' | ek a report add --title "Styrtecken" 2>&1; true)
expect_contains "escape on standard input" "standard input: line 2, column 9: the control character U+001B" "$out"
out=$(refused report add --title "$(printf 'Matavfall\tbiogas')" --body "Text")
expect_contains "tab in the title" "the title: line 1, column 10: the control character U+0009" "$out"
out=$(refused report add --title "Ämne" --topic "  " --body "Text")
expect_contains "blank topic" "topic 1 is blank (only spaces)" "$out"
expect_eq "nothing published" 1 "$(total_at a)"
ok "a blank title or topic, a NUL byte or a control character is refused with where it is"

# a body saved by Notepad: Windows line ends are line ends, a lone carriage return is not
printf 'Vi bytte till fossilfria bussar 2021.\r\nResultatet: 40 %% mindre utsläpp.\r\n' >"$TESTDIR/crlf.md"
crlf_id=$(ek a report add --title "Fossilfria bussar" --body-file "$TESTDIR/crlf.md" --json | json .id)
expect_eq "CRLF read as lines" "$(printf 'Vi bytte till fossilfria bussar 2021.\nResultatet: 40 %% mindre utsläpp.\n')" \
    "$(ek a report show "$crlf_id" --json | json .body)"
printf 'rad ett\rrad två\n' >"$TESTDIR/cr.md"
out=$(refused report add --title "Vagnretur" --body-file "$TESTDIR/cr.md")
expect_contains "a lone CR" "cr.md: line 1, column 8: the control character U+000D" "$out"
ok "a body file with Windows line ends is published with its lines; a lone carriage return is refused"

title300=$(printf 'ö%.0s' $(seq 300))
ek a report add --title "$title300" --body "Trehundra ö." >/dev/null
out=$(refused report add --title "${title300}ä" --body "Text")
expect_contains "301 characters" "the title has 301 characters; at most 300 are allowed" "$out"
expect_contains "help counts characters" "Limits, in characters: title 1-300" "$(ek a report add --help)"
ok "limits are counted in characters: a title of 300 'ö' (600 bytes) is published, 301 is not"

# --- links that survive edits ---------------------------------------------------------------
first=$id
ek a report edit "${first:0:10}" --summary "Spillvärme från bruket värmer 2400 hushåll." >/dev/null
second=$(ek a report list --topic energi --json | json '.reports[0].id')
ek a report edit "${first:0:10}" --title "Fjärrvärme från spillvärme, 2024" --topic energi --topic spillvärme >/dev/null
wait_for 10 "the second edit at b" sh -c "'$EKONET' --dir '$TESTDIR/b' report list | grep -q ', 2024'"
listed=$(ek b report list --topic energi --json)
third=$(json '.reports[0].id' <<<"$listed")
expect_eq "the stable id is the first version's" "$first" "$(json '.reports[0].stable_id' <<<"$listed")"
[ "$third" != "$first" ] || fail "the newest version has an id of its own"
out=$(ek b report show "${first:0:10}")
expect_contains "the first id shows the newest" "Fjärrvärme från spillvärme, 2024" "$out"
expect_contains "version 3 of 3" "Version 3 of 3, changed: title, topics." "$out"
expect_contains "stable id named" "Stable id $first" "$out"
shown=$(ek b report show "$second" --json)
expect_eq "a middle id shows the newest" "$third" "$(json .id <<<"$shown")"
expect_eq "version" 3 "$(json .version <<<"$shown")"
expect_eq "version_count" 3 "$(json .version_count <<<"$shown")"
expect_eq "changed" "title,topics" "$(json '.changed | join(",")' <<<"$shown")"
expect_eq "stable_id" "$first" "$(json .stable_id <<<"$shown")"
ok "a report keeps its first id: show of any version's id at b shows version 3 of 3 and what changed"

out=$(ek b report show "${third:0:10}" --version 1)
expect_contains "version 1" "Fjärrvärme från spillvärme" "$out"
expect_contains "version 1 of 3" "Version 1 of 3." "$out"
expect_contains "not the newest" "This is not the newest version: it is 1 of 3." "$out"
v2=$(ek b report show "$first" --version 2 --json)
expect_eq "version 2's id" "$second" "$(json .id <<<"$v2")"
expect_eq "version 2 changed the summary" "summary" "$(json '.changed | join(",")' <<<"$v2")"
expect_eq "version 2's summary" "Spillvärme från bruket värmer 2400 hushåll." "$(json .summary <<<"$v2")"
set +e
out=$(ek b report show "$first" --version 4 2>&1); rc=$?
set -e
expect_eq "no version 4: exit" 1 "$rc"
expect_contains "no version 4" "has 3 versions; there is no version 4" "$out"
out=$(set +e; ek b report show "$first" --version 0 2>&1; true)
expect_contains "version 0" "--version must be a number from 1 to 1000000, not \"0\"" "$out"
ok "--version N shows an older version and what it changed; a version that does not exist is named"

# An edit through an old id edits the newest version.
ek a report edit "${first:0:10}" --period 2024 >/dev/null
expect_contains "edit through the first id" "Version 4 of 4, changed: period." "$(ek a report show "$first")"
ok "report edit with the first id publishes version 4 over version 3"
