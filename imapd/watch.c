/* watch.c - the inotify watch that wakes IDLE and NOTIFY (see watch.h). */
#include "watch.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>
#include "log.h"
#include "mailbox.h"
#include "notify.h"

struct session_watch {
	int fd;                 /* inotify, or -1 (poll) */
	int root_wd;            /* the Maildir root's watch under NOTIFY */
	int stale;              /* rebuild at the next watch_fd */
	int notify;             /* built with NOTIFY's folders */
	char selected[PATH_MAX_POSTERN];        /* its folder's dir, or "" */
};

#ifdef POSTERN_FAULTS
/* Test builds: $POSTERN_FAULT = "inotify" makes every watch fail as
 * when the user's inotify watches have run out. */
static int out_of_watches(void)
{
	const char *f = getenv("POSTERN_FAULT");
	if (!f || strcmp(f, "inotify"))
		return 0;
	errno = ENOSPC;
	return 1;
}
#else
#define out_of_watches() 0
#endif

int watch_folder_dirs(int fd, const char *dir)
{
	static const char *const sub[] = { "", "/new", "/cur" };
	char path[PATH_MAX_POSTERN + 8];
	for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		int n = snprintf(path, sizeof path, "%s%s", dir, sub[i]);
		if (n < 0 || (size_t)n >= sizeof path)
			return -1;
		if ((out_of_watches() ||
		     inotify_add_watch(fd, path, WATCH_EVENTS) < 0) &&
		    errno != ENOENT) {
			log_event("event=inotify-error errno=%d", errno);
			return -1;
		}
	}
	return 0;
}

/* A new inotify instance for what s waits on into w (w->fd -1 when
 * there is none: poll). */
static void build(struct session *s, struct session_watch *w)
{
	const char *dir = s->state == STATE_SELECTED ? s->box->dir : "";
	snprintf(w->selected, sizeof w->selected, "%s", dir);
	w->notify = notify_active(s);
	w->stale = 0;
	w->root_wd = -1;
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return;
	if ((dir[0] && watch_folder_dirs(w->fd, dir) < 0) ||
	    (w->notify && (w->root_wd = notify_watch(s, w->fd)) < 0)) {
		close(w->fd);
		w->fd = -1;
	}
}

static int current(const struct session *s, const struct session_watch *w)
{
	const char *dir = s->state == STATE_SELECTED ? s->box->dir : "";
	return !w->stale && w->notify == notify_active(s) &&
	       !strcmp(w->selected, dir);
}

int watch_fd(struct session *s)
{
	struct session_watch *w = s->watch;
	if (!w) {
		if (!(w = calloc(1, sizeof *w)))
			return -1;
		w->fd = -1;
		w->stale = 1;
		s->watch = w;
	}
	if (current(s, w))
		return w->fd;
	if (w->fd >= 0)
		close(w->fd);
	build(s, w);
	return w->fd;
}

/* Does the event change what is watched: a folder made, removed or
 * renamed in the root, the subscriptions replaced (SUBSCRIBED covers by
 * them), a queue overflow (anything may have happened)? */
static int changes_watch(const struct session_watch *w,
			 const struct inotify_event *e)
{
	if (e->mask & IN_Q_OVERFLOW)
		return 1;
	if (e->wd != w->root_wd || !e->len)
		return 0;
	return (e->mask & IN_ISDIR) || !strcmp(e->name, "subscriptions");
}

void watch_drain(struct session *s)
{
	struct session_watch *w = s->watch;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	if (!w || w->fd < 0)
		return;
	for (;;) {
		ssize_t n = read(w->fd, buf, sizeof buf);
		if (n <= 0) {
			if (n == 0 || (errno != EAGAIN && errno != EINTR))
				w->stale = 1;   /* broken: build anew */
			return;
		}
		for (ssize_t at = 0; at + (ssize_t)sizeof(struct inotify_event)
		     <= n;) {
			const struct inotify_event *e = (const void *)(buf + at);
			if (changes_watch(w, e))
				w->stale = 1;
			at += (ssize_t)(sizeof *e + e->len);
		}
	}
}

void watch_invalidate(struct session *s)
{
	if (s->watch)
		s->watch->stale = 1;
}

void watch_free(struct session *s)
{
	if (!s->watch)
		return;
	if (s->watch->fd >= 0)
		close(s->watch->fd);
	free(s->watch);
	s->watch = NULL;
}
