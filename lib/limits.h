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

#endif
