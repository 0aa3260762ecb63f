/* notify.c - NOTIFY (RFC 5465): watching what a NOTIFY SET asked for.
 * See notify.h; the command is parsed in notify_parse.c. */
#include "notify.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "fetch.h"
#include "folder.h"
#include "log.h"
#include "mailbox.h"
#include "notify_impl.h"
#include "watch.h"

static void names_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void notify_state_free(struct notify *n)
{
	for (size_t i = 0; i < n->ngroups; i++)
		if (n->groups[i].owned)
			names_free(n->groups[i].names, n->groups[i].nnames);
	for (size_t i = 0; i < n->nfolders; i++)
		free(n->folders[i].name);
	free(n->folders);
	names_free(n->names, n->nnames);
	subscriptions_free(n->subs, n->nsubs);
	free(n->new_fetch);
}

void notify_free(struct session *s)
{
	if (!s->notify)
		return;
	notify_state_free(s->notify);
	free(s->notify);
	s->notify = NULL;
	watch_invalidate(s);    /* another SET watches other folders */
}

int notify_active(const struct session *s)
{
	return s->notify != NULL;
}

static int in_list(char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(folder_canonical(v[i]), name))
			return 1;
	return 0;
}

/* Does group g cover the folder name (§6)? */
static int covers(const struct notify *n, const struct notify_group *g,
		  const char *name)
{
	switch (g->filter) {
	case FILTER_SUBSCRIBED:
		return in_list(n->subs, n->nsubs, name);
	case FILTER_MAILBOXES:
		return in_list(g->names, g->nnames, name);
	case FILTER_SUBTREE:
		for (size_t i = 0; i < g->nnames; i++) {
			size_t len = strlen(g->names[i]);
			if (len && !strncmp(name, g->names[i], len) &&
			    (!name[len] || name[len] == FOLDER_DELIMITER))
				return 1;
		}
		return 0;
	default:                /* INBOXES (§6.3: as PERSONAL), PERSONAL */
		return 1;
	}
}

/* The events the groups ask of folder name (the selected folder's
 * message events come from SELECTED alone, §3.1). */
static unsigned events_of(const struct session *s, const char *name)
{
	const struct notify *n = s->notify;
	unsigned ev = 0;
	for (size_t i = 0; i < n->ngroups; i++)
		if (covers(n, &n->groups[i], name))
			ev |= n->groups[i].events;
	if (s->box && !strcmp(s->box->name, name))
		ev &= ~EVENTS_MESSAGE;
	return ev;
}

static unsigned all_events(const struct notify *n)
{
	unsigned ev = 0;
	for (size_t i = 0; i < n->ngroups; i++)
		ev |= n->groups[i].events;
	return ev;
}

static const struct notify_folder *folder_find(const struct notify *n,
					       const char *name)
{
	for (size_t i = 0; i < n->nfolders; i++)
		if (!strcmp(n->folders[i].name, name))
			return &n->folders[i];
	return NULL;
}

/* The STATUS items to tell of a folder that went from old to now
 * (§5.1-5.3), 0 for none; old NULL: NOTIFY SET STATUS (§3.1). */
static int status_items(const struct session *s, unsigned ev,
			const struct store_status *old,
			const struct store_status *now)
{
	int condstore = (s->enabled & ENABLED_CONDSTORE) != 0;
	int items = 0;
	if (!old) {
		if (ev & EVENT_NEW)
			items |= STATUS_MESSAGES | STATUS_UIDNEXT |
				 STATUS_UIDVALIDITY;
		if ((ev & EVENT_FLAG) && condstore)
			items |= STATUS_UIDVALIDITY | STATUS_HIGHESTMODSEQ;
		return items;
	}
	if (old->uidvalidity != now->uidvalidity)
		return STATUS_MESSAGES | STATUS_UIDNEXT | STATUS_UIDVALIDITY;
	if (((ev & EVENT_NEW) && now->uidnext != old->uidnext) ||
	    ((ev & EVENT_EXPUNGE) && now->messages != old->messages))
		items |= STATUS_UIDNEXT | STATUS_MESSAGES |
			 (condstore ? STATUS_HIGHESTMODSEQ : 0);
	/* a flag change alone (an arrival or expunge moves the MODSEQ and
	 * UNSEEN too, and is told above) */
	if (!items && (ev & EVENT_FLAG) &&
	    now->highestmodseq != old->highestmodseq &&
	    (condstore || now->unseen != old->unseen))
		items |= STATUS_UIDVALIDITY | STATUS_UNSEEN |
			 (condstore ? STATUS_HIGHESTMODSEQ : 0);
	return items;
}

/* The modification times of the folder's directory (its index is
 * replaced there), new/ and cur/: every change another session, delivery
 * or mail reader makes moves one. 0 or -1. */
static int folder_stamps(const struct session *s, const char *name,
			 struct timespec t[3])
{
	static const char *const sub[] = { "", "/new", "/cur" };
	char dir[PATH_MAX_POSTERN], path[PATH_MAX_POSTERN + 8];
	struct stat st;
	if (folder_dir(s->maildir, name, dir, sizeof dir) < 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		int len = snprintf(path, sizeof path, "%s%s", dir, sub[i]);
		if (len < 0 || (size_t)len >= sizeof path || stat(path, &st) < 0)
			return -1;
		t[i] = st.st_mtim;
	}
	return 0;
}

/* Can the last look at a folder stand: its stamps are as then, and old
 * enough (a second) that a change within the same tick shows? 1 / 0. */
static int unchanged(const struct notify_folder *was,
		     const struct timespec now[3])
{
	time_t t = time(NULL);
	for (int i = 0; i < 3; i++)
		if (now[i].tv_sec != was->stamps[i].tv_sec ||
		    now[i].tv_nsec != was->stamps[i].tv_nsec ||
		    t - now[i].tv_sec < 2)
			return 0;
	return 1;
}

/* The folder's status now into f (from the last look when nothing
 * moved). 0 or -1. */
static int folder_look(struct session *s, const char *name,
		       const struct notify_folder *was, struct notify_folder *f)
{
	int stamped = folder_stamps(s, name, f->stamps) == 0;
	if (!stamped)   /* no new/ yet, say: never taken as unchanged */
		memset(f->stamps, 0, sizeof f->stamps);
	if (stamped && was && unchanged(was, f->stamps)) {
		f->st = was->st;
		return 0;
	}
	return store_folder_status(&s->store, name, &f->st);
}

/* Message events of folders other than the selected one: a STATUS for
 * each that changed (when tell; for each, when tell_all), and the new
 * look. 0, or
 * -1 when more folders are watched than IMAP_NOTIFY_FOLDERS_MAX. */
static int look_folders(struct session *s, const struct folder_list *l,
			int tell, int tell_all)
{
	struct notify *n = s->notify;
	size_t watched = 0, nv = 0;
	for (size_t i = 0; i < l->count; i++)
		watched += l->v[i].exists &&
			   (events_of(s, l->v[i].name) & EVENTS_MESSAGE);
	if (watched > IMAP_NOTIFY_FOLDERS_MAX)
		return -1;
	struct notify_folder *v = calloc(watched + 1, sizeof *v);
	if (!v)
		return 0;       /* look again next time */
	for (size_t i = 0; i < l->count; i++) {
		unsigned ev = events_of(s, l->v[i].name) & EVENTS_MESSAGE;
		if (!ev || !l->v[i].exists || nv == watched)
			continue;
		struct notify_folder *f = &v[nv];
		const struct notify_folder *was = folder_find(n, l->v[i].name);
		if (folder_look(s, l->v[i].name, tell_all ? NULL : was, f) < 0 ||
		    !(f->name = strdup(l->v[i].name)))
			continue;
		nv++;
		int items = status_items(s, ev, tell_all ? NULL :
					 was ? &was->st : &f->st, &f->st);
		if (items && ((tell && n->looked) || tell_all) &&
		    status_write(s, f->name, items) < 0)
			log_event("event=notify-status-error folder=%s", f->name);
	}
	for (size_t i = 0; i < n->nfolders; i++)
		free(n->folders[i].name);
	free(n->folders);
	n->folders = v;
	n->nfolders = nv;
	return 0;
}

/* The folders that exist in l, copied (NULL when out of memory). */
static char **existing_names(const struct folder_list *l, size_t *n)
{
	char **v = calloc(l->count + 1, sizeof *v);
	*n = 0;
	for (size_t i = 0; v && i < l->count; i++)
		if (l->v[i].exists && !(v[(*n)++] = strdup(l->v[i].name))) {
			names_free(v, *n - 1);
			return NULL;
		}
	return v;
}

/* MailboxName (§5.4): a LIST for each folder made or removed since the
 * last look; SubscriptionChange (§5.5): one for each name whose
 * subscription changed. tell: write them (else only take the look). */
static void look_names(struct session *s, const struct folder_list *l,
		       char **subs, size_t nsubs, int tell)
{
	struct notify *n = s->notify;
	size_t nnames;
	char **names = existing_names(l, &nnames);
	if (!names)
		return;
	for (int pass = 0; tell && pass < 2; pass++) {
		char **a = pass ? n->names : names, **b = pass ? names : n->names;
		size_t na = pass ? n->nnames : nnames, nb = pass ? nnames : n->nnames;
		for (size_t i = 0; i < na; i++)
			if (!in_list(b, nb, a[i]) &&
			    (events_of(s, a[i]) & EVENT_NAME))
				list_one(s, a[i], in_list(subs, nsubs, a[i]));
	}
	for (int pass = 0; tell && pass < 2; pass++) {
		char **a = pass ? n->subs : subs, **b = pass ? subs : n->subs;
		size_t na = pass ? n->nsubs : nsubs, nb = pass ? nsubs : n->nsubs;
		for (size_t i = 0; i < na; i++)
			if (!in_list(b, nb, a[i]) &&
			    (events_of(s, folder_canonical(a[i])) & EVENT_SUBS))
				list_one(s, folder_canonical(a[i]), !pass);
	}
	names_free(n->names, n->nnames);
	n->names = names;
	n->nnames = nnames;
}

/* One look at everything asked; tell: write the changes; status: the
 * STATUS of every watched folder (NOTIFY SET STATUS). 0, or -1 when
 * too much is watched (NOTIFY is then off, §5.8). */
static int look(struct session *s, int tell, int status)
{
	struct notify *n = s->notify;
	struct folder_list l;
	char **subs = NULL;
	size_t nsubs = 0;
	unsigned ev = all_events(n);
	if (!ev)
		return 0;
	if (subscriptions_read(s->maildir, &subs, &nsubs) < 0)
		return 0;       /* look again next time */
	if (folder_list_read(s->maildir, NULL, 0, &l) < 0) {
		subscriptions_free(subs, nsubs);
		return 0;
	}
	/* the subscriptions first: SUBSCRIBED covers by them */
	char **old = n->subs;
	size_t nold = n->nsubs;
	n->subs = subs;
	n->nsubs = nsubs;
	int rc = look_folders(s, &l, tell, status);
	n->subs = old;
	n->nsubs = nold;
	if (ev & (EVENT_NAME | EVENT_SUBS))
		look_names(s, &l, subs, nsubs, tell && n->looked);
	subscriptions_free(n->subs, n->nsubs);
	n->subs = subs;
	n->nsubs = nsubs;
	n->looked = 1;
	folder_list_free(&l);
	return rc;
}

int notify_watch(struct session *s, int fd)
{
	struct notify *n = s->notify;
	struct folder_list l;
	char dir[PATH_MAX_POSTERN];
	int root = inotify_add_watch(fd, s->maildir, WATCH_EVENTS);
	if (root < 0)
		log_event("event=inotify-error errno=%d", errno);
	if (root < 0 || folder_list_read(s->maildir, NULL, 0, &l) < 0)
		return -1;
	char **old = n->subs;           /* SUBSCRIBED covers by them now */
	size_t nold = n->nsubs, added = 0;
	if (subscriptions_read(s->maildir, &n->subs, &n->nsubs) < 0) {
		n->subs = NULL;
		n->nsubs = 0;
	}
	for (size_t i = 0; i < l.count && root >= 0; i++) {
		if (!l.v[i].exists ||
		    !(events_of(s, l.v[i].name) & EVENTS_MESSAGE))
			continue;
		if (++added > IMAP_NOTIFY_FOLDERS_MAX)
			break;          /* the look tells the overflow */
		if (folder_dir(s->maildir, l.v[i].name, dir, sizeof dir) < 0 ||
		    watch_folder_dirs(fd, dir) < 0)
			root = -1;
	}
	subscriptions_free(n->subs, n->nsubs);
	n->subs = old;
	n->nsubs = nold;
	folder_list_free(&l);
	return root;
}

/* §5.8: too much to watch: say so and behave as after NOTIFY NONE. */
static void overflow(struct session *s)
{
	untagged(s, "OK [NOTIFICATIONOVERFLOW] Too many folders to watch");
	log_event("event=notify-overflow");
	notify_free(s);
}

int notify_start(struct session *s, int status)
{
	if (look(s, 0, status) == 0)
		return 0;
	notify_free(s);
	reply_set(s, REPLY_NO, "NOTIFICATIONOVERFLOW", "Too many folders");
	return -1;
}

void notify_poll(struct session *s, int allow_expunge)
{
	if (!s->notify)
		return;
	struct notify *n = s->notify;
	if (s->state == STATE_SELECTED && n->selected != SELECTED_NONE &&
	    n->selected_events)
		session_refresh(s, allow_expunge &&
				n->selected == SELECTED_NOW);
	if (look(s, 1, 0) < 0)
		overflow(s);
}

void notify_own_change(struct session *s)
{
	if (s->notify && look(s, 0, 0) < 0)
		overflow(s);
}

/* The ms since start on the monotonic clock. */
static long ms_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - start->tv_sec) * 1000 +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}

int notify_wait(struct session *s)
{
	if (!s->notify)
		return 0;
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (output_flush(&s->out) < 0)
			return -1;
		int fd = watch_fd(s);
		long ms = fd >= 0 ? IMAP_IDLE_WATCHED_POLL_MS : IMAP_NOTIFY_POLL_MS;
		long left = s->in.timeout_ms - ms_since(&start);
		if (s->in.timeout_ms > 0 && left <= 0)
			return 1;       /* silent for its autologout time */
		int ready = input_wait_also(&s->in, fd, (int)(s->in.timeout_ms > 0
					    && left < ms ? left : ms));
		if (ready == 1 || ready < 0)
			return ready < 0 ? -1 : 0;
		if (ready == 2) {
			watch_drain(s);
			watch_fd(s);    /* rebuilt before the look: nothing lost */
		}
		notify_poll(s, 1);      /* no command in progress */
		if (!s->notify)         /* overflow: told, then as before */
			return output_flush(&s->out) < 0 ? -1 : 0;
	}
}

void notify_new_messages(struct session *s)
{
	struct mailbox *b = s->box;
	if (!b || !b->new_from)
		return;
	uint32_t from = b->new_from;
	b->new_from = 0;
	const struct notify *n = s->notify;
	if (!n || !n->new_fetch || n->selected == SELECTED_NONE)
		return;
	size_t *idx = malloc(b->count * sizeof *idx + 1), k = 0;
	if (!idx)
		return;
	for (size_t i = (size_t)mailbox_find_uid_at_least(b, from);
	     i < b->count; i++)
		if (!b->msgs[i].gone && !session_made(s, b->msgs[i].uid))
			idx[k++] = i;
	if (k)
		fetch_unsolicited(s, n->new_fetch, n->new_fetch_len, idx, k);
	free(idx);
}
