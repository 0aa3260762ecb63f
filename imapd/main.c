/* main.c - imapd: one IMAP4rev1 session (RFC 3501) on stdin/stdout.
 *
 * The command table below is the protocol's state machine: each command
 * with the states (§3) where it is valid and its handler. The loop reads a
 * command, checks the state, runs the handler and writes the tagged reply
 * from the handler's return code. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "bytes.h"
#include "command.h"
#include "condstore.h"
#include "control.h"
#include "settings.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "notify.h"
#include "watch.h"
#include "password.h"
#include "peer.h"
#include "search_context.h"
#include "starttls.h"

/* What a command reports of changes made elsewhere before its tagged
 * reply in the selected state (§7: EXISTS, FETCH FLAGS may come with
 * any command; §7.4.1: EXPUNGE not during FETCH, STORE and SEARCH, but
 * during their UID forms). */
enum after {
	AFTER_REPORT,           /* all changes */
	AFTER_NO_EXPUNGE,       /* all but expunges (unless run as UID) */
	AFTER_NONE,             /* the handler reports itself, or leaves */
};

struct command {
	const char *name;
	int states;             /* enum imap_state bits */
	int uid;                /* may follow "UID" (§6.4.8) */
	enum after after;
	command_handler handler;
};

static enum reply cmd_uid(struct session *s, struct parse *p);

static const struct command commands[] = {
	/* §6.1: any state */
	{ "CAPABILITY",   STATES_ANY,     0, AFTER_REPORT,     cmd_capability },
	{ "NOOP",         STATES_ANY,     0, AFTER_NONE,       cmd_noop },
	{ "LOGOUT",       STATES_ANY,     0, AFTER_NONE,       cmd_logout },
	{ "ID",           STATES_ANY,     0, AFTER_REPORT,     cmd_id }, /* RFC 2971 */
	/* §6.2: not authenticated */
	{ "STARTTLS",     STATE_NOT_AUTH, 0, AFTER_NONE,       cmd_starttls },
	{ "LOGIN",        STATE_NOT_AUTH, 0, AFTER_NONE,       cmd_login },
	{ "AUTHENTICATE", STATE_NOT_AUTH, 0, AFTER_NONE,       cmd_authenticate },
	/* §6.3: authenticated (and selected) */
	{ "ENABLE",       STATE_AUTH,     0, AFTER_NONE,       cmd_enable }, /* RFC 5161 */
	{ "NAMESPACE",    STATES_AUTHED,  0, AFTER_REPORT,     cmd_namespace }, /* RFC 2342 */
	{ "SELECT",       STATES_AUTHED,  0, AFTER_NONE,       cmd_select },
	{ "EXAMINE",      STATES_AUTHED,  0, AFTER_NONE,       cmd_examine },
	{ "CREATE",       STATES_AUTHED,  0, AFTER_REPORT,     cmd_create },
	{ "DELETE",       STATES_AUTHED,  0, AFTER_REPORT,     cmd_delete },
	{ "RENAME",       STATES_AUTHED,  0, AFTER_REPORT,     cmd_rename },
	{ "SUBSCRIBE",    STATES_AUTHED,  0, AFTER_REPORT,     cmd_subscribe },
	{ "UNSUBSCRIBE",  STATES_AUTHED,  0, AFTER_REPORT,     cmd_unsubscribe },
	{ "LIST",         STATES_AUTHED,  0, AFTER_REPORT,     cmd_list },
	{ "LSUB",         STATES_AUTHED,  0, AFTER_REPORT,     cmd_lsub },
	{ "STATUS",       STATES_AUTHED,  0, AFTER_REPORT,     cmd_status },
	{ "APPEND",       STATES_AUTHED,  0, AFTER_NONE,       cmd_append },
	{ "GETQUOTA",     STATES_AUTHED,  0, AFTER_REPORT,     cmd_getquota }, /* RFC 9208 */
	{ "GETQUOTAROOT", STATES_AUTHED,  0, AFTER_REPORT,     cmd_getquotaroot },
	{ "SETQUOTA",     STATES_AUTHED,  0, AFTER_REPORT,     cmd_setquota },
	/* §6.4: selected */
	{ "CHECK",        STATE_SELECTED, 0, AFTER_NONE,       cmd_check },
	{ "CLOSE",        STATE_SELECTED, 0, AFTER_NONE,       cmd_close },
	{ "UNSELECT",     STATE_SELECTED, 0, AFTER_NONE,       cmd_unselect }, /* RFC 3691 */
	{ "EXPUNGE",      STATE_SELECTED, 1, AFTER_NONE,       cmd_expunge }, /* UID: RFC 4315 */
	{ "SEARCH",       STATE_SELECTED, 1, AFTER_NO_EXPUNGE, cmd_search },
	{ "CANCELUPDATE", STATE_SELECTED, 0, AFTER_REPORT,     cmd_cancelupdate }, /* RFC 5267 */
	{ "SORT",         STATE_SELECTED, 1, AFTER_NO_EXPUNGE, cmd_sort }, /* RFC 5256 */
	{ "THREAD",       STATE_SELECTED, 1, AFTER_NO_EXPUNGE, cmd_thread }, /* RFC 5256 */
	{ "FETCH",        STATE_SELECTED, 1, AFTER_NO_EXPUNGE, cmd_fetch },
	{ "STORE",        STATE_SELECTED, 1, AFTER_NO_EXPUNGE, cmd_store },
	{ "COPY",         STATE_SELECTED, 1, AFTER_NONE,       cmd_copy },
	{ "MOVE",         STATE_SELECTED, 1, AFTER_NONE,       cmd_move }, /* RFC 6851 */
	{ "IDLE",         STATES_AUTHED,  0, AFTER_NONE,       cmd_idle }, /* RFC 2177 */
	{ "NOTIFY",       STATES_AUTHED,  0, AFTER_REPORT,     cmd_notify }, /* RFC 5465 */
	{ "UID",          STATE_SELECTED, 0, AFTER_NONE,       cmd_uid },
};

static const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcasecmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* §6.4.8: UID COPY / MOVE / FETCH / STORE / SEARCH / EXPUNGE. */
static enum reply cmd_uid(struct session *s, struct parse *p)
{
	struct string verb;
	if (parse_sp(p) < 0 || parse_atom(p, &verb) < 0)
		return REPLY_BAD;
	const struct command *c = command_find(verb.s);
	if (!c || !c->uid)
		return reply_set(s, REPLY_BAD, NULL, "Unknown UID command");
	s->uid = 1;
	s->name = c->name;
	s->after = c->after;
	return c->handler(s, p);
}

static void tagged(struct session *s, enum reply rc, const char *deftext)
{
	static const char *const words[] = { "OK", "NO", "BAD", "OK" };
	const char *text = s->text[0] ? s->text : deftext;
	int code = s->code.len > 0;
	output_printf(&s->out, "%s %s %s%s%s%s\r\n", s->tag, words[rc],
		      code ? "[" : "", bytes_str(&s->code), code ? "] " : "",
		      text);
}

/* Run one assembled command. Returns 0 to go on, 1 to end the session. */
static int run(struct session *s, struct bytes *buf)
{
	struct parse p;
	struct string tag, name;
	enum reply rc;
	char deftext[64];
	parse_init(&p, buf->data, buf->len);
	p.uploads = s->uploads;
	p.nuploads = s->nuploads;
	bytes_clear(&s->code);
	s->text[0] = '\0';
	s->uid = 0;
	if (parse_tag(&p, &tag) < 0) {
		output_str(&s->out, "* BAD Missing or invalid tag\r\n");
		s->bad_commands++;
		parse_free(&p);
		return 0;
	}
	snprintf(s->tag, sizeof s->tag, "%s", tag.s);
	const struct command *c = NULL;
	if (parse_sp(&p) < 0 || parse_atom(&p, &name) < 0)
		rc = reply_set(s, REPLY_BAD, NULL, "Missing command");
	else if (!(c = command_find(name.s)))
		rc = reply_set(s, REPLY_BAD, NULL, "Unknown command");
	else if (!(c->states & s->state))
		rc = reply_set(s, REPLY_BAD, NULL,
			       "Command not valid in this state");
	else {
		s->name = c->name;
		s->after = c->after;
		rc = c->handler(s, &p);
		/* at most a look a second: busy clients are not slowed */
		if (rc != REPLY_FATAL && s->state == STATE_SELECTED &&
		    s->after != AFTER_NONE && time(NULL) != s->box->synced)
			session_refresh(s, s->uid || s->after == AFTER_REPORT);
		if (rc != REPLY_FATAL && s->state == STATE_SELECTED) {
			/* RFC 5267 §4.3: the command's own changes too */
			search_contexts_update(s);
			condstore_after_command(s);
		}
		if (c->handler == cmd_create || c->handler == cmd_delete ||
		    c->handler == cmd_rename || c->handler == cmd_subscribe ||
		    c->handler == cmd_unsubscribe)      /* RFC 5465 §5 */
			notify_own_change(s);
	}
	if (rc == REPLY_BAD && !s->text[0])
		snprintf(s->text, sizeof s->text, "%s",
			 p.error ? p.error : "Syntax error");
	snprintf(deftext, sizeof deftext, "%s%s completed",
		 s->uid ? "UID " : "", c ? s->name : "");
	parse_free(&p);
	if (rc == REPLY_FATAL)
		return 1;
	s->bad_commands = rc == REPLY_BAD ? s->bad_commands + 1 : 0;
	if (rc != REPLY_SENT)
		tagged(s, rc, deftext);
	return rc == REPLY_LOGOUT;
}

static void refused(struct session *s, struct bytes *buf,
		    enum command_status st, const char *why)
{
	command_tag(buf, s->tag, sizeof s->tag);
	const char *word = "BAD", *code = "";
	if (st == COMMAND_BINARY) {     /* RFC 3516 §4.4 */
		code = "[UNKNOWN-CTE] ";
		word = "NO";
	}
	if (st == COMMAND_NOSPACE) {    /* as cmd_append's own failure */
		code = "[SERVERBUG] ";
		word = "NO";
	}
	if (st == COMMAND_TOOBIG) {
		code = "[TOOBIG] ";
		if (buf->len > strlen(s->tag) + 7 &&
		    !strncasecmp(buf->data + strlen(s->tag) + 1, "APPEND ", 7))
			word = "NO";
	}
	output_printf(&s->out, "%s %s %s%s\r\n", s->tag[0] ? s->tag : "*",
		      word, code, why ? why : "Bad command");
	log_event("event=bad-command reason=\"%s\"", why ? why : "");
	if (!strcmp(word, "BAD"))
		s->bad_commands++;
}

static int session_loop(struct session *s)
{
	struct bytes buf;
	/* the text, its literals' framing (within the text's bound) and
	 * the literals held (command.h: APPEND streams the rest) */
	bytes_init(&buf, 2 * (size_t)IMAP_COMMAND_MAX + IMAP_LITERAL_MAX + 64);
	int code = 0;
	while (s->state != STATE_LOGOUT) {
		if (output_flush(&s->out) < 0) {
			code = 111;
			break;
		}
		const char *why = NULL;
		int waited = notify_wait(s);    /* RFC 5465: between commands */
		enum command_status st = waited < 0 ? COMMAND_ERROR :
			waited ? COMMAND_TIMEOUT : command_read(s, &buf, &why);
		if (st == COMMAND_OK) {
			if (run(s, &buf))
				s->state = STATE_LOGOUT;
		} else if (st == COMMAND_BAD || st == COMMAND_TOOBIG ||
			   st == COMMAND_BINARY || st == COMMAND_NOSPACE) {
			refused(s, &buf, st, why);
		} else if (st == COMMAND_TIMEOUT) {
			output_str(&s->out, "* BYE Autologout; idle too long\r\n");
			log_event("event=timeout");
			break;
		} else {
			log_event("event=disconnect");
			code = st == COMMAND_EOF ? 0 : 111;
			break;
		}
		if (s->bad_commands >= IMAP_BAD_COMMANDS_MAX) {
			output_str(&s->out, "* BYE Too many bad commands\r\n");
			log_event("event=too-many-errors");
			break;
		}
	}
	output_flush(&s->out);
	bytes_free(&buf);
	command_uploads_clear(s);
	free(s->uploads);
	notify_free(s);
	watch_free(s);
	return code;
}

/* The settings imapd reads (checked before the greeting). */
static const enum setting_id imapd_settings[] = {
	SETTING_IMAPTIMEOUT, SETTING_IDLETIMEOUT, SETTING_MAXSIZE,
	SETTING_PLAINTEXTAUTH,
};

int main(int argc, char **argv)
{
	static struct session s;
	int opt;
	starttls_init();
	log_init("imapd");
	while ((opt = getopt(argc, argv, "T")) != -1) {
		if (opt == 'T')
			s.encrypted = 1;
		else
			log_fatal(64, "usage: imapd [-T]");
	}
	if (optind != argc)
		log_fatal(64, "usage: imapd [-T]");
	s.encrypted = password_link_encrypted(s.encrypted);
	long timeout;   /* RFC 3501 §5.4: autologout (lib/settings.c) */
	setting_value(SETTING_IMAPTIMEOUT, &timeout, NULL);
	input_init(&s.in, 0, (int)timeout * 1000);
	output_init(&s.out, 1, 60 * 1000);
	peer_address(s.peer, sizeof s.peer);
	s.state = STATE_NOT_AUTH;
	s.store.rootfd = -1;
	s.plaintext = -1;
	bytes_init(&s.code, IMAP_COMMAND_MAX * 4);
	log_event("event=connect peer=%s tls=%d", s.peer, s.encrypted);
	if (settings_check(imapd_settings, sizeof imapd_settings /
			   sizeof imapd_settings[0]) < 0) {
		/* lib/settings.h: a broken setting refuses service */
		untagged(&s, "BYE [UNAVAILABLE] Configuration error, try again later");
		output_flush(&s.out);
		return 111;
	}
	untagged(&s, "OK [CAPABILITY %s] postern IMAP4rev1 ready",
		 capabilities(&s));
	int code = session_loop(&s);
	if (s.box)
		session_unselect(&s);
	if (s.store.rootfd >= 0)
		store_close(&s.store);
	log_event("event=end user=%s", s.user[0] ? s.user : "-");
	bytes_free(&s.code);
	return code;
}
