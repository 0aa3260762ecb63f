/* cmd_idle.c - IDLE (RFC 2177): report changes to the selected folder
 * made by other sessions and by delivery until the client sends DONE,
 * woken by inotify on the folder's directories (and NOTIFY's, watch.h)
 * where the kernel has it (a new message shows within milliseconds),
 * polling every IMAP_IDLE_POLL_MS where not. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "settings.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "notify.h"
#include "watch.h"

/* RFC 2177 §3: a client re-issues IDLE at least every 29 minutes, and
 * RFC 3501 §5.4 allows autologout after 30 minutes of inactivity; the
 * control file "idletimeout" overrides (tests use seconds). */
static long idle_timeout(void)
{
	long t;         /* checked at the greeting (lib/settings.c) */
	setting_value(SETTING_IDLETIMEOUT, &t, NULL);
	return t;
}

/* The client's line while idling: DONE ends it, anything else is a
 * protocol error (§3: "DONE" is the only thing the client may send). */
static enum reply idle_input(struct session *s)
{
	char line[IMAP_IDLE_LINE_MAX + 1];
	size_t len;
	int flags;
	enum input_status st = input_line(&s->in, line, sizeof line, &len,
					  &flags);
	if (st == INPUT_EOF || st == INPUT_ERROR || st == INPUT_TIMEOUT) {
		log_event("event=disconnect during=idle");
		return REPLY_FATAL;
	}
	if (st == INPUT_OK && !flags && !strcasecmp(line, "DONE"))
		return REPLY_OK;
	return reply_set(s, REPLY_BAD, NULL, "Expected DONE");
}

enum reply cmd_idle(struct session *s, struct parse *p)
{
	if (parse_end(p) < 0)
		return REPLY_BAD;
	time_t end = time(NULL) + idle_timeout();
	enum reply rc = REPLY_FATAL;
	output_str(&s->out, "+ idling\r\n");
	for (;;) {
		if (output_flush(&s->out) < 0)
			break;
		int watch = watch_fd(s);
		int ready = input_wait_also(&s->in, watch, watch >= 0 ?
					    IMAP_IDLE_WATCHED_POLL_MS :
					    notify_active(s) ?
					    IMAP_NOTIFY_POLL_MS :
					    IMAP_IDLE_POLL_MS);
		if (ready < 0)
			break;
		if (ready == 1) {
			rc = idle_input(s);
			break;
		}
		if (ready == 2) {
			watch_drain(s);
			watch_fd(s);    /* rebuilt before the look: nothing lost */
		}
		if (time(NULL) >= end) {
			output_str(&s->out,
				   "* BYE Autologout; idle for too long\r\n");
			log_event("event=idle-timeout");
			break;
		}
		if (s->state == STATE_SELECTED)
			session_refresh(s, 1);  /* no command in progress */
		notify_poll(s, 1);      /* RFC 5465 §4: the same events */
	}
	return rc;
}
