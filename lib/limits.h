/* limits.h - every bound postern enforces, each with the reason for its value.
 * Nothing else in the tree hard-codes a size that input can reach. */
#ifndef POSTERN_LIMITS_H
#define POSTERN_LIMITS_H

/* --- network input -------------------------------------------------- */
/* Read-ahead buffer of the line reader; large enough that a pipelined
 * burst of commands is one read(2). */
#define INPUT_BUFFER_SIZE 16384
/* Output buffer: a screenful of multi-line reply goes out in one write,
 * and a bulk download (POP3 RETR, IMAP FETCH) in writes of 64 KiB, as
 * many as a loopback or LAN socket takes at once. */
#define OUTPUT_BUFFER_SIZE 65536

/* --- SMTP (RFC 5321 §4.5.3.1) ---------------------------------------- */
/* §4.5.3.1.4: a command line is at most 512 octets including CRLF. */
#define SMTP_COMMAND_LINE_MAX 512
/* The longest MAIL line: §4.5.3.1.4's 512 plus what each parameter we
 * offer adds: SIZE 26 (RFC 1870 §4 (5)), AUTH= 500 (RFC 4954 §3 (5)),
 * BODY=BINARYMIME 16 (RFC 3030 §2 (8)), SMTPUTF8 10 (RFC 6531 §3.4 (5)),
 * " ENVID=" and its 100 characters (RFC 3461 §4.4), " RET=HDRS" 9. */
#define SMTP_MAIL_LINE_MAX (SMTP_COMMAND_LINE_MAX + 26 + 500 + 16 + 10 + 107 + 9)
/* The longest RCPT line: 512 plus " ORCPT=" and its 500 characters
 * (RFC 3461 §4.2) and " NOTIFY=SUCCESS,FAILURE,DELAY" (29). */
#define SMTP_RCPT_LINE_MAX (SMTP_COMMAND_LINE_MAX + 507 + 29)
/* §4.5.3.1.6: a text line is at most 1000 octets including CRLF. smtpd
 * reads message lines in pieces of this size and accepts longer ones
 * (real HTML mail has them, within maxsize); the runner folds a line
 * over it when relaying (as Postfix's smtp_line_length_limit). */
#define SMTP_TEXT_LINE_MAX 1000
/* §4.5.3.1.5: a reply line is at most 512 octets including CRLF. */
#define SMTP_REPLY_LINE_MAX 512
/* §4.5.3.1.1: a local part is at most 64 octets. */
#define ADDRESS_LOCAL_MAX 64
/* §4.5.3.1.2: a domain is at most 255 octets. */
#define ADDRESS_DOMAIN_MAX 255
/* §4.5.3.1.3: a path is at most 256 octets including the brackets. */
#define ADDRESS_PATH_MAX 256
/* §6.3: a message with more Received: headers than this is looping. */
#define SMTP_RECEIVED_MAX 100
/* Bad commands in a row before the server gives up (RFC 5321 §4.3.2
 * leaves it to the server; Postfix's smtpd_hard_error_limit is 20). */
#define SMTP_BAD_COMMANDS_MAX 20
/* RFC 4954 §4: an AUTH continuation line; "12288 octets is considered to
 * be a sufficient line length limit" for deployed mechanisms. */
#define SMTP_AUTH_LINE_MAX 12288
/* Free space smtpd leaves in the spool's file system beyond a message
 * (the habit of OpenSMTPD and Postfix's queue_minfree): room for other
 * writers and the runner's state files; below it, 452 4.3.1. */
#define SPOOL_MIN_FREE (1024L * 1024)

/* --- authentication -------------------------------------------------- */
/* Failed logins before the connection is closed. */
#define AUTH_FAILURES_MAX 3
/* Delay before a failed login is answered: slows guessing, costs a real
 * user one second. */
#define AUTH_FAILURE_DELAY_MS 1000
/* Password guessing across connections (penalty.h): the longest delay a
 * login attempt waits for the recent failures of its address or account
 * (Dovecot's auth penalty stops at 15 s too), and how long a failure is
 * remembered: 15 minutes, fail2ban's usual findtime. */
#define AUTH_PENALTY_MAX 15
#define AUTH_PENALTY_WINDOW 900
/* spool/authfail: slots (128 bytes each: 512 KiB) and how many a key may
 * probe. Two per guessing address and account: thousands of attackers
 * and accounts fit before the oldest records are reused. */
#define AUTH_PENALTY_SLOTS 4096
#define AUTH_PENALTY_PROBES 8
/* RFC 4616 §2: authcid, authzid and password are each at most 255 octets;
 * the base64 of all three plus NULs fits in this. */
#define SASL_PLAIN_MAX 1024
/* A users-file line: an address (256) plus a crypt(3) hash (< 200). */
#define USERS_LINE_MAX 1024
/* The whole users file postern-user edits: 64 MiB is some 200,000
 * users; larger sites keep users elsewhere. */
#define USERS_FILE_MAX (64L * 1024 * 1024)
/* A password postern-user takes (RFC 4616 §2: SASL PLAIN's 255). */
#define USER_PASSWORD_MAX 255
/* SHA-crypt ($6$, Drepper's "Unix crypt using SHA-256 and SHA-512"):
 * the specification's salt length and its bounds on "rounds=" (a stored
 * hash outside them is clamped, as every implementation does). */
#define SHA_CRYPT_SALT_MAX 16
#define SHA_CRYPT_ROUNDS_DEFAULT 5000
#define SHA_CRYPT_ROUNDS_MIN 1000
#define SHA_CRYPT_ROUNDS_MAX 999999999L
/* A SHA-512 crypt string: "$6$rounds=999999999$", 16 salt, "$", 86. */
#define SHA_CRYPT_HASH_MAX 128

/* --- POP3 (RFC 1939 §4, RFC 2449 §4) -------------------------------- */
/* RFC 2449 §4: a command line is at most 255 octets including CRLF. */
#define POP3_COMMAND_LINE_MAX 255
/* RFC 1939 §3: each argument is at most 40 characters (message numbers;
 * USER and PASS take the rest of the line, bounded by the line). */
#define POP3_ARGUMENT_MAX 40
/* RFC 1939 §7: a unique-id is 1 to 70 octets of 0x21..0x7E; longer
 * Maildir names are replaced by a hash of them. */
#define POP3_UNIQUE_ID_MAX 70
/* Unknown, malformed or misplaced commands before pop3d hangs up
 * (like SMTP_BAD_COMMANDS_MAX: no client errs this often by accident). */
#define POP3_BAD_COMMANDS_MAX 20
/* Messages listed in one session (more wait for a later session): bounds
 * the per-session list, 24 bytes a message plus its name (typically 40),
 * some 64 MB for a million. */
#define POP3_MESSAGES_MAX 1000000
/* A Maildir file name pop3d keeps (NAME_MAX of common file systems). */
#define POP3_FILE_NAME_MAX 255
/* RETR/TOP read the message file in chunks of this size: few read(2)s,
 * and a page-cache friendly size. */
#define POP3_READ_CHUNK 65536

/* --- IMAP (RFC 3501, RFC 7888 §4) ------------------------------------ */
/* A whole command, literals excepted: no client needs more; RFC 7888 §4
 * suggests a bound well above 8000 octets. */
#define IMAP_COMMAND_MAX 65536
/* Updating search contexts (RFC 5267 §4.3) a session keeps: each holds
 * its search keys (at most a command and a literal, 128 KiB) and its
 * result (4 octets a match), and every change to the folder is checked
 * against each; §4.3.1 asks for at least one. Past this, NOUPDATE. */
#define IMAP_CONTEXTS_MAX 8
/* Parenthesis nesting in a command (search keys, fetch atts). */
#define IMAP_NESTING_MAX 32
/* A tag: clients use a letter and a counter; a longer one is not echoed. */
#define IMAP_TAG_MAX 64
/* BAD replies in a row before imapd ends the session (as smtpd and
 * pop3d do: no client errs this often by accident). */
#define IMAP_BAD_COMMANDS_MAX 20
/* A literal in any command but APPEND: names, passwords and search
 * strings are small (RFC 7888 §4 invites a low bound there); APPEND's
 * literal is bounded by the control file "maxsize". */
#define IMAP_LITERAL_MAX IMAP_COMMAND_MAX
/* An APPEND literal streamed to its file (lib/store_upload.c) is written
 * this much at a time: one write(2) per chunk, not per line. */
#define STORE_UPLOAD_CHUNK 16384
/* What a message file is read by when a body is streamed to the client
 * (FETCH BODY[], RFC822, BODY[TEXT]) or counted, instead of held whole:
 * the chunk doubles at most (LF to CRLF), so a FETCH of any size needs
 * about 3 times this. */
#define IMAP_STREAM_CHUNK 32768
/* APPEND before ENABLE UTF8=ACCEPT looks for UTF-8 in a message's
 * header (RFC 6855 §4) within its first this many octets: a header
 * longer than this is very rare, and the rest is not read again. */
#define IMAP_HEADER_SCAN_MAX 65536
/* A mailbox name in modified UTF-7: a Maildir++ folder is one directory
 * entry, ".NAME", so NAME_MAX (255) less the dot. */
#define IMAP_MAILBOX_NAME_MAX 254
/* Folders listed by LIST/LSUB in one user's Maildir. */
#define IMAP_FOLDERS_MAX 10000
/* A folder's index (lib/store.h): about 70 octets a message; 64 MB is
 * about a million messages. */
#define STORE_INDEX_MAX (64L * 1024 * 1024)
/* The per-folder cache (lib/store_cache.h): about 400 octets a message
 * with ENVELOPE and BODYSTRUCTURE and as much for JMAP's summary; 512 MB
 * is over half a million messages. A bigger file is ignored (rebuilt as
 * needed). */
#define STORE_CACHE_MAX (512L * 1024 * 1024)
/* A header field kept in a summary (store_cache.h): a longer one (no
 * real From or Subject is) makes the summary unusable, so the readers
 * read that message's file instead: the cache never changes an answer. */
#define STORE_SUMMARY_FIELD_MAX 2048
/* The References a summary keeps (its last ids): threading keeps at
 * most MAIL_REFERENCES_MAX (64) ids, and 16 KB holds 64 of 256 octets. */
#define STORE_SUMMARY_REFERENCES (16 * 1024)
/* RFC 8621 §4.1.4: a preview is at most 256 characters. */
#define PREVIEW_MAX 256
/* ID (RFC 2971 §3.3): at most 30 field-value pairs. */
#define IMAP_ID_PAIRS_MAX 30
/* Keywords named in one STORE or APPEND: a folder holds at most 26 (the
 * Maildir info letters a..z), so more than this is no client's need. */
#define IMAP_KEYWORDS_ARG_MAX 64
/* Messages in one MULTIAPPEND (RFC 3502); together they are bounded by
 * "maxsize" too, the one command being held in memory. */
#define IMAP_MULTIAPPEND_MAX 1000
/* Patterns in one LIST (RFC 5258 §3 "mbox-or-pat"): clients send a
 * handful (INBOX, Drafts, Sent/%); 32 is plenty. */
#define IMAP_LIST_PATTERNS_MAX 32
/* Sort criteria in one SORT (RFC 5256): each of the 9 keys once is 9;
 * more is no client's need. */
#define IMAP_SORT_CRITERIA_MAX 16
/* IDLE (RFC 2177): how long one IDLE may last (the 29 minutes after which
 * §3 says clients re-issue it, plus a margin; "idletimeout" overrides),
 * how often the folder is polled (changes show within 5 s, the issue's
 * bound), and the longest line the client may send instead of DONE. */
#define IMAP_IDLE_TIMEOUT 1860
#define IMAP_IDLE_POLL_MS 1000
/* With inotify watching the folder (imapd/watch.c) a change wakes
 * IDLE at once; the poll stays as the fallback for what inotify does not
 * see (a Maildir on NFS changed by another host), less often. */
#define IMAP_IDLE_WATCHED_POLL_MS 5000
#define IMAP_IDLE_LINE_MAX 1024
/* NOTIFY (RFC 5465): what a session looks at once a NOTIFY SET is in
 * effect, every this many ms between commands and during IDLE where
 * inotify cannot be had (with it, on every change and every
 * IMAP_IDLE_WATCHED_POLL_MS, imapd/watch.c); at most
 * this many event groups, names in one group, and folders watched for
 * message events (each costs a look at its index and directories per
 * poll, some 100 us when nothing moved, and 3 inotify watches): past
 * that the session gets
 * [NOTIFICATIONOVERFLOW] (§5.8). */
#define IMAP_NOTIFY_POLL_MS 1000
#define IMAP_NOTIFY_GROUPS_MAX 16
#define IMAP_NOTIFY_NAMES_MAX 100
#define IMAP_NOTIFY_FOLDERS_MAX 100
/* A directory mtime this many ms old is trusted to change with any later
 * change (lib/store_index.c store_settled): file times come from the
 * kernel's coarse clock, which ticks every 1-10 ms. */
#define STORE_SETTLE_MS 100
/* Expunged UIDs a folder's index remembers with their MODSEQ (store.h):
 * QRESYNC and JMAP changes since a MODSEQ older than the oldest
 * remembered need a full resync. 10000 lines of ~20 octets and the
 * unique name (~60). */
#define STORE_EXPUNGED_MAX 10000
/* A view catches up from at most this much of the change log appended
 * since it last looked (store_view_fast.c): past it, a full sync (with
 * that many changes, a read of the index costs little more). */
#define STORE_CATCH_UP_MAX (256L * 1024)
/* A folder's change log (lib/store_log.c) is folded into its index once
 * it is over a quarter of the index and over this: below it, rewriting
 * a small index for every change would cost more fsyncs than the log
 * saves reading. About 800 flag changes. */
#define STORE_LOG_MIN (64L * 1024)
/* A directory entry (NAME_MAX of Linux file systems). A file in new/
 * whose name leaves no room for ":2," could never be given a flag: it is
 * not taken for a message. */
#define STORE_FILE_NAME_MAX 255

/* --- MIME parsing (RFC 2045, 2046; imapd FETCH BODYSTRUCTURE) -------- */
/* Nesting of multipart and message/rfc822 parts. Real mail nests fewer
 * than 10 deep (a forward of a forward of a digest); 32 keeps the
 * recursive parser and writer's stack small while leaving room, and
 * matches IMAP_NESTING_MAX. A deeper part is treated as a text leaf. */
#define MIME_DEPTH_MAX 32
/* Parts in one message. Dovecot's default (max_total_mime_parts) is
 * 10000; more than that is an attack, not mail. Further parts are
 * dropped from the structure (their bytes stay in the parent's body). */
#define MIME_PARTS_MAX 10000
/* Parameters kept from one Content-Type or Content-Disposition field,
 * counting each RFC 2231 continuation segment. Real fields carry fewer
 * than 10; the rest are ignored. */
#define MIME_PARAMS_MAX 64
/* Cap of a decoded header value or body held for SEARCH: above the
 * largest message smtpd accepts (maxsize default 35 MiB), so any stored
 * message decodes whole. */
#define MIME_DECODED_MAX (64 * 1024 * 1024)
/* What lib/mime holds of a message file at once (mime_parse_file): the
 * parse, SEARCH and BINARY read the file through a window this big, so
 * memory does not grow with the message (issue 16: 8 MB per server
 * process with a 50 MB message). A header is read through the same
 * window: the fields of a header longer than 256 KiB past this point are
 * not seen (Postfix refuses headers over 100 KiB, header_size_limit). */
#define MIME_WINDOW (256 * 1024)
/* A decoded text line held for SEARCH before it is matched: longer
 * lines are matched in pieces this long, overlapping by the needle. */
#define MIME_DECODE_PIECE (64 * 1024)
/* A charset name, NUL included: RFC 2978 §2.3 registers names of at most
 * 40 characters; a longer one in an encoded word or parameter is unknown. */
#define MIME_CHARSET_MAX 48
/* A word of a Date: field ("Wednesday,", "+0000", "(comment)" parts):
 * longer words are cut, no valid date word comes near it. */
#define MIME_DATE_WORD_MAX 32
/* References kept per message for threading (RFC 5256 §3): the last
 * ones, nearest the message; real chains are far shorter, and the bound
 * keeps THREAD linear in the folder's size. */
#define MAIL_REFERENCES_MAX 64
/* Longest IMAP quoted string written; longer values go as literals, which
 * need no escaping and which clients read without line-length limits. */
#define IMAP_QUOTED_MAX 1024

/* --- HTTP (RFC 7230) and JMAP (RFC 8620) ----------------------------- */
/* JSON nesting (RFC 8259 §9 lets a parser bound it): JMAP requests nest
 * a filter's AND/OR/NOT a few levels inside ~6 of envelope; 64 keeps the
 * recursive parser's stack small. */
#define JSON_DEPTH_MAX 64
/* RFC 7230 §3.1.1/§3.2.5: a server bounds the request line and header
 * fields; 8 KB per line is what Apache and nginx allow by default. */
#define HTTP_LINE_MAX 8192
/* Header fields in one request (Apache's LimitRequestFields is 100). */
#define HTTP_HEADERS_MAX 100
/* A JMAP request body (RFC 8620 §2 maxSizeRequest): 10 MB, as Fastmail
 * advertises; uploads are bounded by "maxsize" instead. */
#define JMAP_REQUEST_MAX (10L * 1024 * 1024)
/* A body value of Email/get (RFC 8621 §4.2 bodyValues): the response
 * is built in memory, so a text is cut here (isTruncated) whatever the
 * client's maxBodyValueBytes; the whole text is its part's blob. */
#define JMAP_BODY_VALUE_MAX (1024 * 1024)
/* Method calls in one request (maxCallsInRequest), and ids in one get or
 * set (maxObjectsInGet/Set): Fastmail's values. */
#define JMAP_CALLS_MAX 64
#define JMAP_OBJECTS_MAX 1024
/* Seconds a crashed upload's temporary file in postern-blobs/ stays
 * before an upload removes it (httpd/upload.c; its pid must be dead and
 * the file unlocked too): a day, as the spool's tmp/ debris (DESIGN.md). */
#define BLOB_TMP_STALE 86400
/* An attachment of Email/set create in base64, gathered before it is
 * written into tmp/: one write(2) per piece, memory flat whatever the
 * blob's size. */
#define COMPOSE_PIECE (64 * 1024)
/* Concurrent uploads and requests are one per process (per connection),
 * so maxConcurrentUpload/Request say what a client may open at once. */
#define JMAP_CONCURRENT_MAX 4
/* A Mailbox/Email/Thread state string (httpd/mail_state.c): ~45 octets
 * per folder (its MAILBOXID, HIGHESTMODSEQ, UIDNEXT...), so 8 KB holds
 * some 180 folders; an account with more gets a hashed state, for which
 * Foo/changes answers cannotCalculateChanges. */
#define JMAP_STATE_MAX 8192
/* JMAP Identities (RFC 8621 §6) per user, kept in one small file in the
 * Maildir (httpd/identity_file.c): a handful in practice (Fastmail's
 * limit is 100 too); one Identity's text (name, addresses, the two
 * signatures) is bounded so that the whole file stays small; the file's
 * log of changes (for Identity/changes) keeps the last 256. */
#define JMAP_IDENTITIES_MAX 100
#define JMAP_IDENTITY_MAX (16 * 1024)
#define JMAP_IDENTITY_LOG_MAX 256
#define JMAP_IDENTITY_FILE_MAX \
	(JMAP_IDENTITIES_MAX * (JMAP_IDENTITY_MAX + 512) + JMAP_IDENTITY_LOG_MAX * 64)
/* Session cookies live this long without use (seconds): a working day. */
#define HTTP_SESSION_LIFETIME (12 * 3600)
/* A static file served by httpd: the webmail page's files are small. */
#define HTTP_STATIC_MAX (1024L * 1024)
/* Push (RFC 8620 §7.3): states are polled this often (changes show
 * within a second, like IMAP IDLE); a ping interval above 5 minutes is
 * lowered to it; a stream lasts at most 30 minutes, then the client
 * reconnects. */
#define EVENTSOURCE_POLL_MS 1000
#define EVENTSOURCE_PING_MAX 300
#define EVENTSOURCE_MAX_SECONDS 1800
/* A keep-alive connection waits this long for the next request
 * (seconds); "timeout" caps it. */
#define HTTP_KEEPALIVE_TIMEOUT 60

/* --- DSN (RFC 3461) --------------------------------------------------- */
/* §4.4: ENVID is at most 100 characters (as xtext). */
#define DSN_ENVID_MAX 100
/* §4.2: ORCPT (addr-type ";" xtext) is at most 500 characters. */
#define DSN_ORCPT_MAX 500

/* --- control files and spool ----------------------------------------- */
/* A control-file line: an alias line with a handful of targets. */
#define CONTROL_LINE_MAX 4096
/* Control files are read in blocks of this size: one read(2) for most
 * files; at least a line (CONTROL_LINE_MAX) and its newline. */
#define CONTROL_READ_BLOCK 16384
/* A spool ID: 10 digits of seconds, 6 of microseconds, a pid, a counter. */
#define SPOOL_ID_MAX 48
/* An envelope line in the spool: a path plus its key. */
#define ENVELOPE_LINE_MAX (DSN_ORCPT_MAX + 64)
/* tmp/ files older than this are debris of a crashed writer. */
#define SPOOL_TMP_DEBRIS_AGE (24 * 3600)

/* Filesystem paths we build (control dir + file name, maildir paths). */
#define PATH_MAX_POSTERN 4096

/* --- queue runner and SMTP client (queue/) --------------------------- */
/* Last remote reply kept per recipient in state/ID and quoted in a DSN:
 * one RFC 5321 reply line (512) is what a DSN Diagnostic-Code needs. */
#define STATE_REPLY_MAX 512
/* A state file is read whole; recipients (maxrcpt) plus alias targets
 * times a line each fit easily in this. */
#define STATE_FILE_MAX (4 * 1024 * 1024)
/* Recipients one message may grow to by alias expansion: bounds a
 * runaway alias file (a mailing list of a few hundred fits). */
#define ALIAS_EXPANSION_MAX 1000
/* Client side, a reply line may exceed §4.5.3.1.5's 512 octets from a
 * sloppy server; accept up to this; a longer one is treated as a
 * broken connection (retry later). */
#define SMTP_CLIENT_REPLY_LINE_MAX 2048
/* BDAT chunks the runner sends (RFC 3030): big enough that a typical
 * message is one chunk, small enough to hold per delivery child. */
#define SMTP_BDAT_CHUNK 65536
/* The runner folds a message line longer than this when relaying, with
 * CRLF SP, as Postfix's smtp_line_length_limit (998 + CRLF = the 1000
 * octets of RFC 5321 §4.5.3.1.6); smtpd stores such lines whole. */
#define SMTP_FOLD_AT 998
/* Lines in one multi-line reply (an EHLO list is ~20). */
#define SMTP_REPLY_LINES_MAX 100
/* RFC 5321 §4.5.3.2 client timeouts, seconds. Connect has no RFC value;
 * 30 s is what MTAs use. The "relaytimeout" control file caps them all. */
#define SMTP_TIMEOUT_CONNECT 30
#define SMTP_TIMEOUT_GREETING 300       /* §4.5.3.2.1: 5 minutes */
#define SMTP_TIMEOUT_MAIL 300           /* §4.5.3.2.2: 5 minutes */
#define SMTP_TIMEOUT_RCPT 300           /* §4.5.3.2.3: 5 minutes */
#define SMTP_TIMEOUT_DATA 120           /* §4.5.3.2.4: 2 minutes */
#define SMTP_TIMEOUT_BLOCK 180          /* §4.5.3.2.5: 3 minutes */
#define SMTP_TIMEOUT_DATA_END 600       /* §4.5.3.2.6: 10 minutes */
/* MX hosts tried per domain, and addresses per host: beyond a few the
 * later ones are never reached before the timeouts add up. */
#define MX_HOSTS_MAX 16
#define MX_ADDRESSES_MAX 8
/* A DNS answer read by res_query; 64 KiB is the TCP maximum. */
#define DNS_ANSWER_MAX 65536
/* Header bytes of the original message quoted in a DSN (RFC 3464 §2:
 * text/rfc822-headers); more is cut. */
#define BOUNCE_HEADERS_MAX 65536
/* The whole message returned in a failure DSN under RET=FULL (RFC 3461
 * §4.3); a bigger message is cut at a line end. */
#define BOUNCE_MESSAGE_MAX (10L * 1024 * 1024)
/* Header bytes local delivery reads to drop stale Return-Path: fields
 * and find a looping Delivered-To: (larger headers are spam, not mail;
 * the part past it is delivered as it is). */
#define LOCAL_HEADER_MAX (256 * 1024)
/* Messages the runner holds in memory at once; more wait in queue/ for
 * the next scan, so memory stays flat with a deep queue. */
#define RUNNER_ACTIVE_MAX 200
/* Delivery children at once, whatever "concurrency" says: each holds a
 * pipe and maybe a socket; 500 stays far below the usual 1024 fd limit. */
#define RUNNER_CONCURRENCY_MAX 500
/* The highest "maxsize" (lib/settings.c): imapd holds an APPEND literal
 * in memory, so a message is kept well below what a long or size_t
 * offset could count. 1 GiB. */
#define MESSAGE_SIZE_MAX (1024L * 1024 * 1024)
/* Messages one delivery child takes in turn (one SMTP connection for
 * a remote domain): fewer forks and handshakes; small enough that a
 * scan's messages still spread over the concurrency slots. */
#define JOB_BATCH_MAX 10
/* Longest sleep of an idle runner before it rescans queue/ anyway. */
#define RUNNER_SCAN_INTERVAL 3600
/* Scans one "runner -1" makes at most (bounces made by the first pass
 * are delivered by the next). */
#define RUNNER_ONCE_SCANS_MAX 8
/* What a delivery child may report on its pipe: a line per recipient. */
#define JOB_REPORT_MAX (JOB_BATCH_MAX * ALIAS_EXPANSION_MAX * (STATE_REPLY_MAX + 512))
/* The job the runner writes to a delivery process (queue/jobspec.h): a
 * line per recipient, each an address and a few numbers. */
#define JOB_SPEC_MAX (JOB_BATCH_MAX * ALIAS_EXPANSION_MAX * (ADDRESS_PATH_MAX + 64) + 4096)
/* spool/domains (queue/domains.h), read whole: a line (under 1 KiB)
 * per remote domain failing now; past this many failing domains at once
 * (about 4000) their backoff is not saved, only kept in memory. */
#define DOMAINS_FILE_MAX (4 * 1024 * 1024)
/* A journal (state/ID.journal) is read whole: two lines per recipient
 * attempt (a Maildir's name and the result, each well under 4 KiB) for
 * ALIAS_EXPANSION_MAX recipients fit. */
#define JOURNAL_FILE_MAX (8 * 1024 * 1024)
/* A runner that finds the spool lock held by the delivery children of a
 * runner that died waits this long (seconds) for them: each finishes
 * only the delivery it has begun (an SMTP transaction past its final
 * dot waits at most SMTP_TIMEOUT_DATA_END, usually a second). */
#define RUNNER_ORPHAN_WAIT 60
/* sendmail: a header block it parses for -t and the headers it adds. */
#define SENDMAIL_HEADER_MAX (1024 * 1024)

/* Parts of one APPEND CATENATE message (RFC 4469): a client replacing
 * an attachment sends a handful (header, boundaries, parts); 64 leaves
 * room for many while bounding what one message of a MULTIAPPEND
 * allocates. */
#define IMAP_CATENATE_PARTS_MAX 64
/* Maildir++ (Courier's maildirquota): a "maildirsize" file grown past
 * 5120 octets is recalculated (and so replaced by one line of totals),
 * which keeps its reading cheap and bounds the drift of lost lines. */
#define MAILDIRSIZE_MAX 5120
/* Maildir++: a maildirsize that says "over quota" and has not changed
 * for 15 minutes is recalculated before a message is refused: others'
 * deletions (mutt, a shell) may not have been written to it. */
#define MAILDIRSIZE_RECHECK (15 * 60)
/* The longest line of the control file "quota" (an address and two
 * numbers); an item longer is broken. */
#define QUOTA_LINE_MAX 512

#endif
