/* notify_parse.c - the NOTIFY command (RFC 5465 §3.1, grammar §8):
 * notify = "NOTIFY" SP (notify-set / "NONE")
 * notify-set = "SET" [SP "STATUS"] SP event-group *(SP event-group)
 * event-group = "(" filter-mailboxes SP events ")" */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "fetch.h"
#include "folder.h"
#include "imapd.h"
#include "mailbox.h"
#include "notify.h"
#include "notify_impl.h"
#include "utf8.h"

static const struct { const char *name; unsigned bit; } events[] = {
	{ "MessageNew", EVENT_NEW }, { "MessageExpunge", EVENT_EXPUNGE },
	{ "FlagChange", EVENT_FLAG }, { "MailboxName", EVENT_NAME },
	{ "SubscriptionChange", EVENT_SUBS },
};
#define NEVENTS (sizeof events / sizeof events[0])
/* §3.1: BADEVENT lists every event the server supports */
#define BADEVENT "BADEVENT (MessageNew MessageExpunge FlagChange " \
	"MailboxName SubscriptionChange)"

static const struct { const char *name; int filter; } filters[] = {
	{ "SELECTED", -1 }, { "SELECTED-DELAYED", -2 },
	{ "INBOXES", FILTER_INBOXES }, { "PERSONAL", FILTER_PERSONAL },
	{ "SUBSCRIBED", FILTER_SUBSCRIBED }, { "SUBTREE", FILTER_SUBTREE },
	{ "MAILBOXES", FILTER_MAILBOXES },
};
#define NFILTERS (sizeof filters / sizeof filters[0])

/* What parsing found beyond syntax errors. */
struct notify_parse {
	int unsupported;        /* an event we do not offer: NO [BADEVENT] */
	size_t fetch_at, fetch_len;     /* MessageNew (fetch-att ...) in
					 * the command's buffer, 0 if none */
	int group_fetch;        /* the group being parsed has one */
};

static int fail(struct parse *p, const char *why)
{
	p->error = why;
	return -1;
}

/* one-or-more-mailbox = mailbox / "(" mailbox *(SP mailbox) ")", each
 * turned into its stored name (memory from p). */
static enum reply group_names(struct session *s, struct parse *p,
			      struct notify_group *g)
{
	struct string w;
	const char *name;
	int several = parse_peek(p) == '(';
	g->names = parse_alloc(p, IMAP_NOTIFY_NAMES_MAX * sizeof *g->names);
	if (!g->names || (several && parse_open(p) < 0))
		return REPLY_BAD;
	do {
		if (g->nnames && parse_sp(p) < 0)
			return REPLY_BAD;
		if (g->nnames == IMAP_NOTIFY_NAMES_MAX)
			return reply_set(s, REPLY_BAD, NULL, "Too many mailboxes");
		if (parse_astring(p, &w) < 0)
			return REPLY_BAD;
		enum reply rc = mailbox_name_in(s, p, &w, &name);
		if (rc == REPLY_BAD)
			return rc;
		/* §3.1: a name that is no folder is ignored */
		g->names[g->nnames++] = (char *)(rc == REPLY_OK ?
					folder_canonical(name) : "");
	} while (several && parse_peek(p) != ')');
	return several && parse_close(p) < 0 ? REPLY_BAD : REPLY_OK;
}

/* One event: its bit (0 for one we do not offer). */
static int one_event(struct parse *p, struct notify_parse *np, unsigned *bit)
{
	struct string w;
	*bit = 0;
	if (parse_atom(p, &w) < 0)
		return -1;
	for (size_t i = 0; i < NEVENTS; i++)
		if (!strcasecmp(w.s, events[i].name))
			*bit = events[i].bit;
	if (!*bit)
		np->unsupported = 1;
	if (*bit == EVENT_NEW && p->pos + 1 < p->len &&
	    !memcmp(p->buf + p->pos, " (", 2)) {
		/* MessageNew (fetch-att ...) (§5.2): checked, kept as text */
		struct fetch_request r;
		size_t at = ++p->pos;
		if (np->group_fetch || fetch_parse(p, &r) < 0)
			return np->group_fetch ?
			       fail(p, "One list of fetch attributes") : -1;
		np->fetch_at = at;
		np->fetch_len = p->pos - at;
		np->group_fetch = 1;
	}
	return 0;
}

/* events = "(" event *(SP event) ")" / "NONE" */
static int group_events(struct parse *p, struct notify_parse *np,
			unsigned *out)
{
	struct string w;
	*out = 0;
	if (parse_peek(p) != '(') {
		if (parse_atom(p, &w) < 0 || strcasecmp(w.s, "NONE"))
			return fail(p, "Expected events or NONE");
		return 0;
	}
	if (parse_open(p) < 0)
		return -1;
	for (int first = 1; first || parse_peek(p) != ')'; first = 0) {
		unsigned bit;
		if ((!first && parse_sp(p) < 0) || one_event(p, np, &bit) < 0)
			return -1;
		*out |= bit;
	}
	/* §5: MessageNew and MessageExpunge together; FlagChange needs
	 * both */
	if (!(*out & EVENT_NEW) != !(*out & EVENT_EXPUNGE) ||
	    ((*out & EVENT_FLAG) && !(*out & EVENT_NEW)))
		return fail(p, "MessageNew and MessageExpunge go together");
	return parse_close(p);
}

/* event-group = "(" filter-mailboxes SP events ")" into n. */
static enum reply event_group(struct session *s, struct parse *p,
			      struct notify *n, struct notify_parse *np)
{
	struct string w;
	unsigned ev;
	size_t i = 0;
	if (parse_open(p) < 0 || parse_atom(p, &w) < 0)
		return REPLY_BAD;
	while (i < NFILTERS && strcasecmp(w.s, filters[i].name))
		i++;
	if (i == NFILTERS)
		return reply_set(s, REPLY_BAD, NULL, "Unknown mailbox filter");
	if (filters[i].filter >= 0 && n->ngroups == IMAP_NOTIFY_GROUPS_MAX)
		return reply_set(s, REPLY_BAD, NULL, "Too many groups");
	struct notify_group spare, *g = filters[i].filter >= 0 ?
					&n->groups[n->ngroups] : &spare;
	memset(g, 0, sizeof *g);
	if (filters[i].filter >= 0) {
		g->filter = (enum notify_filter)filters[i].filter;
		enum reply rc = REPLY_OK;
		if ((g->filter == FILTER_SUBTREE ||
		     g->filter == FILTER_MAILBOXES) &&
		    (parse_sp(p) < 0 || (rc = group_names(s, p, g)) != REPLY_OK))
			return rc == REPLY_OK ? REPLY_BAD : rc;
	}
	np->group_fetch = 0;
	if (parse_sp(p) < 0 || group_events(p, np, &ev) < 0 ||
	    parse_close(p) < 0)
		return REPLY_BAD;
	/* §8: "The fetch-att list may only be present for the
	 * SELECTED/SELECTED-DELAYED mailbox filter" */
	if (np->group_fetch && filters[i].filter >= 0)
		return reply_set(s, REPLY_BAD, NULL,
				 "Fetch attributes only for SELECTED");
	if (filters[i].filter >= 0) {
		g->events = ev;
		n->ngroups++;
		return REPLY_OK;
	}
	/* §6.1: one of SELECTED / SELECTED-DELAYED, message events only */
	if (n->selected != SELECTED_NONE || (ev & ~EVENTS_MESSAGE))
		return reply_set(s, REPLY_BAD, NULL,
				 "Bad SELECTED or SELECTED-DELAYED group");
	n->selected = filters[i].filter == -1 ? SELECTED_NOW : SELECTED_DELAYED;
	n->selected_events = ev;
	return REPLY_OK;
}

/* Keep the names past the command (they live in p until then). */
static int names_keep(struct notify *n)
{
	for (size_t i = 0; i < n->ngroups; i++) {
		struct notify_group *g = &n->groups[i];
		char **v = calloc(g->nnames + 1, sizeof *v);
		if (!v)
			return -1;
		for (size_t k = 0; k < g->nnames; k++)
			if (!(v[k] = strdup(g->names[k]))) {
				while (k)
					free(v[--k]);
				free(v);
				return -1;
			}
		g->names = v;
		g->owned = 1;
	}
	return 0;
}

enum reply notify_set_parse(struct session *s, struct parse *p,
			    struct notify **out, int *status)
{
	struct notify_parse np = { 0 };
	struct string w;
	*out = NULL;
	*status = 0;
	struct notify *n = calloc(1, sizeof *n);
	if (!n)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Out of memory");
	enum reply rc = REPLY_BAD;
	size_t save = p->pos;
	if (parse_sp(p) == 0 && parse_atom(p, &w) == 0 &&
	    !strcasecmp(w.s, "STATUS"))
		*status = 1;
	else
		p->pos = save;
	do {
		if (parse_sp(p) < 0 ||
		    (rc = event_group(s, p, n, &np)) != REPLY_OK)
			break;
	} while (!parse_at_end(p));
	if (rc == REPLY_OK && parse_end(p) < 0)
		rc = REPLY_BAD;
	if (rc == REPLY_OK && np.unsupported)   /* §3.1: NO, not BAD */
		rc = reply_set(s, REPLY_NO, BADEVENT, "Unsupported event");
	if (rc == REPLY_OK && np.fetch_len &&
	    !(n->new_fetch = malloc(np.fetch_len)))
		rc = reply_set(s, REPLY_NO, "SERVERBUG", "Out of memory");
	if (rc == REPLY_OK && np.fetch_len) {
		memcpy(n->new_fetch, p->buf + np.fetch_at, np.fetch_len);
		n->new_fetch_len = np.fetch_len;
	}
	if (rc == REPLY_OK && names_keep(n) < 0)
		rc = reply_set(s, REPLY_NO, "SERVERBUG", "Out of memory");
	if (rc != REPLY_OK) {
		notify_state_free(n);
		free(n);
		return rc;
	}
	*out = n;
	return REPLY_OK;
}

static enum reply notify_set(struct session *s, struct parse *p)
{
	struct notify *n;
	int status;
	enum reply rc = notify_set_parse(s, p, &n, &status);
	if (rc != REPLY_OK)
		return rc;
	notify_free(s);
	s->notify = n;
	s->enabled |= ENABLED_NOTIFY;   /* §5.1: UID in every FETCH of flags */
	if (s->box)
		s->box->enabled = s->enabled;
	/* §3.1: NOTIFY SET is an implicit NOOP */
	if (s->state == STATE_SELECTED)
		session_refresh(s, 1);
	if (notify_start(s, status) < 0) {
		notify_free(s);
		return REPLY_NO;
	}
	return REPLY_OK;
}

enum reply cmd_notify(struct session *s, struct parse *p)
{
	struct string w;
	size_t save = p->pos;
	if (parse_sp(p) < 0 || parse_atom(p, &w) < 0)
		return REPLY_BAD;
	if (!strcasecmp(w.s, "NONE")) {
		if (parse_end(p) < 0)
			return REPLY_BAD;
		notify_free(s);
		return REPLY_OK;
	}
	if (strcasecmp(w.s, "SET")) {
		p->pos = save;
		return reply_set(s, REPLY_BAD, NULL, "Expected SET or NONE");
	}
	return notify_set(s, p);
}
