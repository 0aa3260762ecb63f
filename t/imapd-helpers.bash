# t/imapd-helpers.bash - shared by the t/imapd*.bats files.
load helpers

IMAPD="$TOP/imapd/imapd"

# A user bob@example.test (password "secret") whose Maildir is $MAILDIR.
imap_setup() {
	instance_setup
	add_user bob@example.test secret
	control plaintextauth 1
	MAILDIR="$MAILROOT/example.test/bob"
	mkdir -p "$MAILDIR/cur" "$MAILDIR/new" "$MAILDIR/tmp"
	# not a first login: no SPECIAL-USE folders made (t/imapd-special-use.bats)
	: > "$MAILDIR/subscriptions"
}

# imap LINE...: run one session; each argument is a line sent with CRLF.
# Output has its CRs removed; the log goes to $BATS_TEST_TMPDIR/imapd.log.
imap() {
	printf '%s\r\n' "$@" | "$IMAPD" 2>>"$BATS_TEST_TMPDIR/imapd.log" |
		tr -d '\r'
}

# imap_raw BYTES: the exact bytes (printf %b) as the client's input.
imap_raw() {
	printf '%b' "$1" | "$IMAPD" 2>>"$BATS_TEST_TMPDIR/imapd.log" |
		tr -d '\r'
}

LOGIN="L LOGIN bob@example.test secret"

# uidvalidity [DIR]: the UIDVALIDITY in the folder's index (lib/store.h:
# "postern-index 2 UIDVALIDITY UIDNEXT HIGHESTMODSEQ MAILBOXID FLOOR").
uidvalidity() { sed -n '1s/^postern-index 2 \([0-9]*\) .*/\1/p' "${1:-$MAILDIR}/postern-index"; }
# messages_indexed [DIR]: how many messages the index holds.
messages_indexed() { grep -c '^m ' "${1:-$MAILDIR}/postern-index"; }
# What CAPABILITY lists in every state (imapd/reply.c).
CAPS="IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN IDLE SPECIAL-USE ESEARCH SEARCHRES WITHIN SORT SORT=DISPLAY ESORT CONTEXT=SEARCH CONTEXT=SORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES THREAD=REFS LIST-EXTENDED LIST-STATUS STATUS=SIZE BINARY MULTIAPPEND CONDSTORE QRESYNC UTF8=ACCEPT NOTIFY QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE CREATE-SPECIAL-USE CATENATE"

# deliver NAME TEXT [DIR]: a message (LF line ends) into DIR/new (default
# $MAILDIR).
deliver() {
	local dir=${3:-$MAILDIR}
	mkdir -p "$dir/tmp" "$dir/new" "$dir/cur"
	printf '%b' "$2" > "$dir/tmp/$1"
	mv "$dir/tmp/$1" "$dir/new/$1"
}

# Three messages, delivered in order.
three_messages() {
	deliver 1000000001.M1P1.test 'From: a@example.test\nSubject: first\nX-Long: one\n two\n\nbody one\n'
	deliver 1000000002.M2P2.test 'From: b@example.test\nSubject: second\n\nbody two\nline two\n'
	deliver 1000000003.M3P3.test 'From: c@example.test\nSubject: third\n\nbody three\n'
}

# Fail unless the output has this exact line.
has_line() {
	if ! grep -qxF -- "$1" <<<"$output"; then
		echo "missing line: $1" >&2
		echo "--- output:" >&2
		echo "$output" >&2
		return 1
	fi
}

lacks_line() {
	if grep -qxF -- "$1" <<<"$output"; then
		echo "unexpected line: $1" >&2
		echo "$output" >&2
		return 1
	fi
}

# The number of files in the Maildir (all folders, new and cur).
message_files() {
	find "$MAILDIR" -path '*/new/*' -type f -o -path '*/cur/*' -type f |
		wc -l
}

# client: run the steps on stdin through t/imap-script.py (see there).
client() { python3 "$TOP/t/imap-script.py" "$IMAPD" "$BATS_TEST_TMPDIR/imapd.log"; }

# other CMD...: a "run" step for client: another session selects INBOX
# and sends CMDs.
other() {
	local f="$BATS_TEST_TMPDIR/other.$RANDOM"
	printf '%s\r\n' "$LOGIN" "o SELECT INBOX" "$@" > "$f"
	echo "run $IMAPD < $f 2>/dev/null"
}
