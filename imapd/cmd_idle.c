/* cmd_idle.c - IDLE (RFC 2177): report changes to the selected folder
 * made by other sessions and by delivery until the client sends DONE,
 * woken by inotify on the folder's directories where the kernel has it
 * (a new message shows within milliseconds), polling it every
 * IMAP_IDLE_POLL_MS where not. */
#include <errno.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <unistd.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "settings.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "notify.h"

/* The events that change what a folder shows: arrivals and flag renames
 * in new/ and cur/, expunges, the index replaced (by rename). */
#define WATCH_EVENTS (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | \
		      IN_DONT_FOLLOW | IN_ONLYDIR)

/* An inotify fd watching the selected folder's directory, new/ and
 * cur/, or -1 (none selected, no inotify, out of watches: then IDLE
 * polls). */
static int watch_open(struct session *s)
{
	static const char *const sub[] = { "", "/new", "/cur" };
	char path[PATH_MAX_POSTERN + 8];
	if (s->state != STATE_SELECTED)
		return -1;
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0)
		return -1;
	for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		int n = snprintf(path, sizeof path, "%s%s", s->box->dir, sub[i]);
		if (n < 0 || (size_t)n >= sizeof path ||
		    inotify_add_watch(fd, path, WATCH_EVENTS) < 0) {
			log_event("event=inotify-error errno=%d", errno);
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* Read the events waiting (only their arrival matters). 0, or -1 when
 * the watch broke (IDLE then polls). */
static int watch_drain(int fd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n > 0)
			continue;
		return n < 0 && (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	}
}

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
	int watch = watch_open(s);
	enum reply rc = REPLY_FATAL;
	output_str(&s->out, "+ idling\r\n");
	for (;;) {
		if (output_flush(&s->out) < 0)
			break;
		int ready = input_wait_also(&s->in, watch, notify_active(s) ?
					    IMAP_NOTIFY_POLL_MS : watch >= 0 ?
					    IMAP_IDLE_WATCHED_POLL_MS :
					    IMAP_IDLE_POLL_MS);
		if (ready < 0)
			break;
		if (ready == 1) {
			rc = idle_input(s);
			break;
		}
		if (ready == 2 && watch_drain(watch) < 0) {
			close(watch);
			watch = -1;
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
	if (watch >= 0)
		close(watch);
	return rc;
}
