/* cmd_list.c - LIST (RFC 3501 §6.3.8) with LIST-EXTENDED (RFC 5258),
 * SPECIAL-USE (RFC 6154 §5) and LIST-STATUS (RFC 5819), and LSUB
 * (§6.3.9); CHILDREN attributes (RFC 3348) always. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "folder.h"
#include "imapd.h"
#include "mailbox.h"
#include "log.h"
#include "utf8.h"

/* With UTF-8 names (utf8.h) the patterns are UTF-8 and match the names
 * shown: a quoted one that is not UTF-8 is BAD (RFC 6855 §3). */
static enum reply pattern_check(struct session *s, const struct string *w)
{
	if (session_utf8(s) && !w->literal && !utf8_valid(w->s, w->len))
		return reply_set(s, REPLY_BAD, NULL, "Quoted string is not UTF-8");
	return REPLY_OK;
}

/* reference SP list-mailbox, combined into one pattern. */
static enum reply list_pattern(struct session *s, struct parse *p,
			       char *pattern, size_t size, int *empty)
{
	struct string ref, pat;
	if (parse_astring(p, &ref) < 0 || parse_sp(p) < 0 ||
	    parse_list_mailbox(p, &pat) < 0)
		return REPLY_BAD;
	if (pattern_check(s, &ref) != REPLY_OK ||
	    pattern_check(s, &pat) != REPLY_OK)
		return REPLY_BAD;
	*empty = pat.len == 0;
	if (ref.len + pat.len >= size)
		return reply_set(s, REPLY_NO, "CANNOT", "Pattern too long");
	snprintf(pattern, size, "%s%s", ref.s, pat.s);
	return REPLY_OK;
}

static enum reply list_args(struct session *s, struct parse *p,
			    char *pattern, size_t size, int *empty)
{
	if (parse_sp(p) < 0)
		return REPLY_BAD;
	enum reply rc = list_pattern(s, p, pattern, size, empty);
	return rc != REPLY_OK ? rc : parse_end(p) < 0 ? REPLY_BAD : REPLY_OK;
}

static void list_line(struct session *s, const char *verb,
		      const char *attrs, const char *name)
{
	output_printf(&s->out, "* %s (%s) \"%c\" ", verb, attrs,
		      FOLDER_DELIMITER);
	write_mailbox_name(s, name);
	output_str(&s->out, "\r\n");
}

/* A LIST command (RFC 3501 §6.3.8, LIST-EXTENDED RFC 5258 §3,
 * SPECIAL-USE RFC 6154 §5, LIST-STATUS RFC 5819). */
struct list_request {
	int sel_subscribed, sel_special, sel_remote, recursive;
	int ret_subscribed, ret_status;         /* ret_status: STATUS_* */
	int extended;           /* SUBSCRIBED or SPECIAL-USE selection:
				 * missing folders are \NonExistent */
	int empty;              /* one pattern, "": §6.3.8's root query */
	size_t npatterns;
	char pattern[IMAP_LIST_PATTERNS_MAX][2 * IMAP_MAILBOX_NAME_MAX + 4];
	char **subs;            /* the subscriptions, when needed */
	size_t nsubs;
};

/* "(" [option *(SP option)] ")": selection options (RFC 5258 §3.1,
 * RFC 6154 §5.1) or return options (§3.2, RFC 6154 §5.2, RFC 5819 §2:
 * STATUS (items)). 0 or -1. */
static int list_options(struct session *s, struct parse *p, int ret,
			struct list_request *r)
{
	struct string o;
	if (parse_open(p) < 0)
		return -1;
	for (int first = 1; parse_peek(p) != ')'; first = 0) {
		if ((!first && parse_sp(p) < 0) || parse_atom(p, &o) < 0)
			return -1;
		if (!strcasecmp(o.s, "SUBSCRIBED"))
			*(ret ? &r->ret_subscribed : &r->sel_subscribed) = 1;
		else if (!strcasecmp(o.s, "SPECIAL-USE"))
			r->sel_special |= !ret; /* returned anyway */
		else if (!ret && !strcasecmp(o.s, "REMOTE"))
			r->sel_remote = 1;      /* no remote folders here */
		else if (!ret && !strcasecmp(o.s, "RECURSIVEMATCH"))
			r->recursive = 1;
		else if (ret && !strcasecmp(o.s, "CHILDREN"))
			;                       /* given anyway (RFC 3348) */
		else if (ret && !strcasecmp(o.s, "STATUS")) {
			if (parse_sp(p) < 0 ||
			    status_items_parse(s, p, &r->ret_status) < 0)
				return -1;
		} else {
			p->error = "Unsupported LIST option";
			return -1;
		}
	}
	/* §3.1: RECURSIVEMATCH needs a selection option other than REMOTE */
	if (!ret && r->recursive && !r->sel_subscribed && !r->sel_special) {
		p->error = "RECURSIVEMATCH needs another selection option";
		return -1;
	}
	r->extended = r->sel_subscribed || r->sel_special;
	return parse_close(p);
}

/* reference SP (list-mailbox / "(" list-mailbox *(SP list-mailbox)
 * ")"), each pattern prefixed with the reference. */
static enum reply list_patterns(struct session *s, struct parse *p,
				struct list_request *r)
{
	struct string ref, pat;
	int several;
	if (parse_astring(p, &ref) < 0 || parse_sp(p) < 0 ||
	    pattern_check(s, &ref) != REPLY_OK)
		return REPLY_BAD;
	several = parse_peek(p) == '(';
	if (several && parse_open(p) < 0)
		return REPLY_BAD;
	do {
		if (r->npatterns && parse_sp(p) < 0)
			return REPLY_BAD;
		if (parse_list_mailbox(p, &pat) < 0 ||
		    pattern_check(s, &pat) != REPLY_OK)
			return REPLY_BAD;
		if (r->npatterns == IMAP_LIST_PATTERNS_MAX)
			return reply_set(s, REPLY_BAD, NULL, "Too many patterns");
		if (ref.len + pat.len >= sizeof r->pattern[0])
			return reply_set(s, REPLY_NO, "CANNOT", "Pattern too long");
		snprintf(r->pattern[r->npatterns++], sizeof r->pattern[0],
			 "%s%s", ref.s, pat.s);
	} while (several && parse_peek(p) != ')');
	r->empty = !several && pat.len == 0;
	return several && parse_close(p) < 0 ? REPLY_BAD : REPLY_OK;
}

/* Does the folder's name, as the client sees it, match a pattern? */
static int list_matches(const struct session *s, const struct list_request *r,
			const char *name)
{
	char buf[4 * IMAP_MAILBOX_NAME_MAX + 1];
	const char *shown = mailbox_name_out(s, name, buf, sizeof buf);
	for (size_t i = 0; i < r->npatterns; i++)
		if (folder_match(r->pattern[i], shown))
			return 1;
	return 0;
}

static int subscribed(const struct list_request *r, const char *name)
{
	for (size_t i = 0; i < r->nsubs; i++)
		if (!strcmp(folder_canonical(r->subs[i]), name))
			return 1;
	return 0;
}

/* Does the folder meet the selection options? */
static int selected(struct session *s, const struct list_request *r,
		    const struct folder_entry *e)
{
	char use[128];
	if (r->sel_subscribed && !subscribed(r, e->name))
		return 0;
	if (r->sel_special && !(e->exists &&
				special_use_attrs(&s->store, e->name, use,
						  sizeof use)))
		return 0;
	return r->extended || e->exists || e->children;
}

/* RECURSIVEMATCH (§3.5): does a folder below e meet the selection? */
static int child_selected(struct session *s, const struct list_request *r,
			  const struct folder_list *l, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < l->count; i++)
		if (!strncmp(l->v[i].name, name, n) &&
		    l->v[i].name[n] == FOLDER_DELIMITER &&
		    selected(s, r, &l->v[i]))
			return 1;
	return 0;
}

/* One LIST response with its attributes, CHILDINFO (§3.5) and, for
 * LIST-STATUS (RFC 5819 §2), the folder's STATUS after it. */
static void list_entry(struct session *s, const struct list_request *r,
		       const struct folder_entry *e, int childinfo)
{
	char attrs[256], usebuf[128];
	const char *use = e->exists && special_use_attrs(&s->store, e->name,
							 usebuf, sizeof usebuf) ?
			  usebuf : NULL;
	int subs = (r->sel_subscribed || r->ret_subscribed) &&
		   subscribed(r, e->name);
	/* RFC 9051 §6.3.9.5 (and RFC 5258 §3.4 for its selections): a
	 * parent only its children imply is \NonExistent \HasChildren */
	int nonexistent = r->extended || (s->enabled & ENABLED_IMAP4REV2);
	snprintf(attrs, sizeof attrs, "%s%s%s%s",
		 e->exists ? (e->children ? "\\HasChildren" : "\\HasNoChildren") :
		 nonexistent ? (e->children ? "\\NonExistent \\HasChildren" :
				"\\NonExistent") : "\\Noselect \\HasChildren",
		 use ? " " : "", use ? use : "", subs ? " \\Subscribed" : "");
	output_printf(&s->out, "* LIST (%s) \"%c\" ", attrs, FOLDER_DELIMITER);
	write_mailbox_name(s, e->name);
	if (childinfo)
		output_printf(&s->out, " (\"CHILDINFO\" (%s%s%s))",
			      r->sel_subscribed ? "\"SUBSCRIBED\"" : "",
			      r->sel_subscribed && r->sel_special ? " " : "",
			      r->sel_special ? "\"SPECIAL-USE\"" : "");
	output_str(&s->out, "\r\n");
	if (r->ret_status && e->exists &&
	    status_write(s, e->name, r->ret_status) < 0)
		log_event("event=list-status-error folder=%s", e->name);
}

void list_one(struct session *s, const char *name, int subscribed)
{
	static struct list_request r;   /* no selection, no patterns */
	struct folder_list l;
	char *subs[1] = { (char *)name };
	memset(&r, 0, sizeof r);
	r.ret_subscribed = subscribed;
	r.subs = subs;
	r.nsubs = 1;
	r.extended = 1;         /* a name that is no folder: \NonExistent */
	if (folder_list_read(s->maildir, NULL, 0, &l) < 0) {
		log_event("event=list-error folder=%s", name);
		return;
	}
	struct folder_entry none = { (char *)name, 0, 0 }, *e = &none;
	for (size_t i = 0; i < l.count; i++)
		if (!strcmp(l.v[i].name, name))
			e = &l.v[i];
	list_entry(s, &r, e, 0);
	folder_list_free(&l);
}

static enum reply list_run(struct session *s, struct list_request *r)
{
	struct folder_list l;
	if ((r->sel_subscribed || r->ret_subscribed) &&
	    subscriptions_read(s->maildir, &r->subs, &r->nsubs) < 0)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot list");
	int rc = folder_list_read(s->maildir, r->sel_subscribed ? r->subs : NULL,
				  r->sel_subscribed ? r->nsubs : 0, &l);
	if (rc == 0) {
		for (size_t i = 0; i < l.count; i++) {
			const struct folder_entry *e = &l.v[i];
			if (!list_matches(s, r, e->name))
				continue;
			int childinfo = r->recursive &&
					child_selected(s, r, &l, e->name);
			if (childinfo || selected(s, r, e))
				list_entry(s, r, e, childinfo);
		}
		folder_list_free(&l);
	}
	subscriptions_free(r->subs, r->nsubs);
	return rc == 0 ? REPLY_OK :
	       reply_set(s, REPLY_NO, "SERVERBUG", "Cannot list");
}

/* LIST [SP list-select-opts] SP reference SP mbox-or-pat
 * [SP list-return-opts] (RFC 3501 §6.3.8, RFC 5258 §6). */
enum reply cmd_list(struct session *s, struct parse *p)
{
	static struct list_request r;   /* the patterns are large */
	struct string w;
	memset(&r, 0, sizeof r);
	if (parse_sp(p) < 0 || (parse_peek(p) == '(' &&
	    (list_options(s, p, 0, &r) < 0 || parse_sp(p) < 0)))
		return REPLY_BAD;
	enum reply rc = list_patterns(s, p, &r);
	if (rc != REPLY_OK)
		return rc;
	if (!parse_at_end(p) && (parse_sp(p) < 0 || parse_atom(p, &w) < 0 ||
	    strcasecmp(w.s, "RETURN") || parse_sp(p) < 0 ||
	    list_options(s, p, 1, &r) < 0))
		return p->error ? REPLY_BAD :
		       reply_set(s, REPLY_BAD, NULL, "Expected RETURN");
	if (parse_end(p) < 0)
		return REPLY_BAD;
	if (r.empty && !r.extended) {
		/* §6.3.8: the delimiter and the root */
		list_line(s, "LIST", "\\Noselect", "");
		return REPLY_OK;
	}
	return list_run(s, &r);
}

enum reply cmd_lsub(struct session *s, struct parse *p)
{
	char pattern[2 * IMAP_MAILBOX_NAME_MAX + 4];
	char buf[4 * IMAP_MAILBOX_NAME_MAX + 1];
	struct folder_list l;
	char **subs;
	size_t n;
	int empty;
	enum reply rc = list_args(s, p, pattern, sizeof pattern, &empty);
	if (rc != REPLY_OK)
		return rc;
	if (empty) {
		list_line(s, "LSUB", "\\Noselect", "");
		return REPLY_OK;
	}
	if (subscriptions_read(s->maildir, &subs, &n) < 0)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot list");
	rc = folder_list_read(NULL, subs, n, &l) < 0 ? REPLY_NO : REPLY_OK;
	subscriptions_free(subs, n);
	if (rc != REPLY_OK)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot list");
	/* §6.3.9: an unsubscribed parent matched by "%" is \Noselect */
	for (size_t i = 0; i < l.count; i++)
		if (folder_match(pattern, mailbox_name_out(s, l.v[i].name, buf,
							   sizeof buf)) &&
		    (l.v[i].exists || strchr(pattern, '%')))
			list_line(s, "LSUB", l.v[i].exists ? "" : "\\Noselect",
				  l.v[i].name);
	folder_list_free(&l);
	return REPLY_OK;
}

