#!/usr/bin/env bats
# The manual pages in man/: each renders without a warning, and every
# program and file the issue names has its page.

load helpers

# The groff options of a page: mdoc when it has .Dd, else man; the
# preprocessors its first line asks for ('\" t: tbl, e: eqn).
macros() {
	local pre
	if grep -q '^\.Dd' "$1"; then echo -mdoc; else echo -man; fi
	pre=$(sed -n "1s/^'\\\\\" //p" "$1")
	[[ $pre == *t* ]] && echo -t
	[[ $pre == *e* ]] && echo -e
	return 0
}

@test "man: every page renders with groff -ww -z without a warning" {
	local page n=0
	for page in "$TOP"/man/*.[58]; do
		run groff -ww -z $(macros "$page") "$page"
		echo "$page: $output"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
		n=$((n + 1))
	done
	[ "$n" -ge 1 ]
}

@test "man: every page renders with man -l, with a NAME and no warning" {
	local page name
	for page in "$TOP"/man/*.[58]; do
		name=$(basename "$page")
		name=${name%.*}
		run env MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$page"
		[ "$status" -eq 0 ]
		# a warning would be on stderr, which run mixes into the output
		if [[ $output == *"warning:"* ]]; then
			echo "$page: $output"
			false
		fi
		echo "$output" | grep -q "^NAME"
		echo "$output" | grep -q "^ *$name "
	done
}

@test "man: every page the issue names is there" {
	local p missing=()
	for p in postern-smtpd.8 postern-pop3d.8 postern-imapd.8 postern-runner.8 \
		 postern-sendmail.8 postern-queue.8 postern-control.5 postern-spool.5 \
		 postern-setup.8 postern-log.8; do
		[ -f "$TOP/man/$p" ] || missing+=("$p")
	done
	echo "missing: ${missing[*]}"
	[ ${#missing[@]} -eq 0 ]
}

@test "man: postern-control(5) describes every control file of DESIGN.md" {
	local f
	for f in me domains users aliases relaynets routes spool mailroot maxsize \
		 maxrcpt timeout retrymin retrymax queuelifetime concurrency plaintextauth; do
		grep -q "^\.B $f\$" "$TOP/man/postern-control.5" || { echo "no $f"; false; }
	done
}

@test "man: make install puts every page under PREFIX/share/man" {
	local d="$BATS_TEST_TMPDIR/inst" page
	"$TOP/scripts/install" "$d" /usr >/dev/null
	for page in "$TOP"/man/*.[58]; do
		[ -f "$d/usr/share/man/man${page##*.}/$(basename "$page")" ]
	done
	MANPATH="$d/usr/share/man" run man -w postern-control
	[ "$output" = "$d/usr/share/man/man5/postern-control.5" ]
}
