/* session.h - one POP3 session (RFC 1939 §3): its state and commands.
 *
 * The state machine, in one place:
 *
 *   AUTHORIZATION --USER/PASS or AUTH ok, mailbox locked--> TRANSACTION
 *   AUTHORIZATION --QUIT--> (closed, nothing changed)
 *   TRANSACTION   --QUIT--> UPDATE: deletions done, lock released, closed
 *   any state     --EOF, timeout, too many errors--> closed, nothing deleted
 *
 * The command table in pop3d.c names the states each command is allowed
 * in; handlers return a reply code and the dispatch loop writes the
 * standard replies. */
#ifndef POSTERN_POP3D_SESSION_H
#define POSTERN_POP3D_SESSION_H
#include "input.h"
#include "limits.h"
#include "mailbox.h"
#include "output.h"

enum pop3_state {
	STATE_AUTHORIZATION = 0x01,
	STATE_TRANSACTION = 0x02,
	STATE_UPDATE = 0x04,
};

/* What a handler asks the dispatch loop to do. */
enum reply {
	REPLY_DONE,             /* the handler wrote its reply */
	REPLY_OK,               /* "+OK" */
	REPLY_SYNTAX,           /* "-ERR" malformed arguments */
	REPLY_NO_MESSAGE,       /* "-ERR" no such message */
	REPLY_DELETED,          /* "-ERR" message is marked deleted */
	REPLY_VANISHED,         /* "-ERR" its file is gone */
	REPLY_TEMPORARY,        /* "-ERR [SYS/TEMP]" local trouble */
	REPLY_CLOSE,            /* reply written; hang up now */
	REPLY_FATAL,            /* the connection failed; hang up silently */
};

/* An address for USER: the longest that fits in a command line. */
#define SESSION_USER_MAX POP3_COMMAND_LINE_MAX

struct session {
	enum pop3_state state;
	int encrypted;                  /* -T or $SSL_PROTOCOL */
	int plaintext_ok;               /* -1 not known yet; use plaintext_ok() */
	int auth_failures;
	int bad_commands;
	char user[SESSION_USER_MAX + 1];        /* USER given, or logged in */
	char peer[64];
	unsigned long retrieved;        /* RETRs, for the log */
	struct mailbox box;
	struct input in;
	struct output out;
};

/* Reply handlers: the arguments are the rest of the command line after
 * the verb and one space ("" when none), NUL-terminated, writable. */
typedef enum reply (*command_handler)(struct session *s, char *args);

/* auth.c: AUTHORIZATION. */
enum reply command_user(struct session *s, char *args);
enum reply command_pass(struct session *s, char *args);
enum reply command_auth(struct session *s, char *args);

/* transaction.c: TRANSACTION. */
enum reply command_stat(struct session *s, char *args);
enum reply command_list(struct session *s, char *args);
enum reply command_retr(struct session *s, char *args);
enum reply command_top(struct session *s, char *args);
enum reply command_dele(struct session *s, char *args);
enum reply command_noop(struct session *s, char *args);
enum reply command_rset(struct session *s, char *args);
enum reply command_uidl(struct session *s, char *args);

/* pop3d.c: both states. */
enum reply command_capa(struct session *s, char *args);
enum reply command_quit(struct session *s, char *args);

/* Write one reply line (CRLF added). Returns 0, or -1 when the
 * connection failed. */
int reply_line(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* May passwords be sent on this link? Read from "plaintextauth" the first
 * time a command needs it (not at connect); a broken setting is logged
 * and fails closed. 1 or 0. */
int plaintext_ok(struct session *s);

#endif
