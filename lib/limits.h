/* limits.h - every bound postern enforces, each with the reason for its value.
 * Nothing else in the tree hard-codes a size that input can reach. */
#ifndef POSTERN_LIMITS_H
#define POSTERN_LIMITS_H

/* --- network input -------------------------------------------------- */
/* Read-ahead buffer of the line reader; large enough that a pipelined
 * burst of commands is one read(2). */
#define INPUT_BUFFER_SIZE 16384
/* Output buffer: a screenful of multi-line reply goes out in one write. */
#define OUTPUT_BUFFER_SIZE 16384

/* --- SMTP (RFC 5321 §4.5.3.1) ---------------------------------------- */
/* §4.5.3.1.4: a command line is at most 512 octets including CRLF. */
#define SMTP_COMMAND_LINE_MAX 512
/* §4.5.3.1.6: a text line is at most 1000 octets including CRLF. */
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

/* --- authentication -------------------------------------------------- */
/* Failed logins before the connection is closed. */
#define AUTH_FAILURES_MAX 3
/* Delay before a failed login is answered: slows guessing, costs a real
 * user one second. */
#define AUTH_FAILURE_DELAY_MS 1000
/* RFC 4616 §2: authcid, authzid and password are each at most 255 octets;
 * the base64 of all three plus NULs fits in this. */
#define SASL_PLAIN_MAX 1024
/* A users-file line: an address (256) plus a crypt(3) hash (< 200). */
#define USERS_LINE_MAX 1024

/* --- POP3 (RFC 1939 §4, RFC 2449 §4) -------------------------------- */
/* RFC 2449 §4: a command line is at most 255 octets including CRLF. */
#define POP3_COMMAND_LINE_MAX 255

/* --- IMAP (RFC 3501, RFC 7888 §4) ------------------------------------ */
/* A whole command, literals excepted: no client needs more; RFC 7888 §4
 * suggests a bound well above 8000 octets. */
#define IMAP_COMMAND_MAX 65536
/* Parenthesis nesting in a command (search keys, fetch atts). */
#define IMAP_NESTING_MAX 32

/* --- control files and spool ----------------------------------------- */
/* A control-file line: an alias line with a handful of targets. */
#define CONTROL_LINE_MAX 4096
/* A spool ID: 10 digits of seconds, 6 of microseconds, a pid, a counter. */
#define SPOOL_ID_MAX 48
/* An envelope line in the spool: a path plus its key. */
#define ENVELOPE_LINE_MAX (ADDRESS_PATH_MAX + 64)
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
 * sloppy server; accept up to this and cut the rest. */
#define SMTP_CLIENT_REPLY_LINE_MAX 2048
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
/* Messages the runner holds in memory at once; more wait in queue/ for
 * the next scan, so memory stays flat with a deep queue. */
#define RUNNER_ACTIVE_MAX 200
/* Delivery children at once, whatever "concurrency" says: each holds a
 * pipe and maybe a socket; 500 stays far below the usual 1024 fd limit. */
#define RUNNER_CONCURRENCY_MAX 500
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
/* sendmail: a header block it parses for -t and the headers it adds. */
#define SENDMAIL_HEADER_MAX (1024 * 1024)

#endif
