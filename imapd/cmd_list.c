/* cmd_list.c - LIST, LSUB (RFC 3501 §6.3.8, §6.3.9, CHILDREN RFC 3348)
 * and STATUS (§6.3.10). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "folder.h"
#include "imapd.h"
#include "mailbox.h"

/* reference SP list-mailbox, combined into one pattern. */
static enum reply list_pattern(struct session *s, struct parse *p,
			       char *pattern, size_t size, int *empty)
{
	struct string ref, pat;
	if (parse_astring(p, &ref) < 0 || parse_sp(p) < 0 ||
	    parse_list_mailbox(p, &pat) < 0)
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

/* "(" [option *(SP option)] ")" of LIST-EXTENDED (RFC 5258 §3): the
 * options postern knows are SPECIAL-USE (RFC 6154 §5.2, §5.1) and, as a
 * return option, CHILDREN (given anyway). Sets *special when
 * SPECIAL-USE is among them. 0 or -1. */
static int list_options(struct parse *p, int ret, int *special)
{
	struct string o;
	if (parse_open(p) < 0)
		return -1;
	for (int first = 1; parse_peek(p) != ')'; first = 0) {
		if ((!first && parse_sp(p) < 0) || parse_atom(p, &o) < 0)
			return -1;
		if (!strcasecmp(o.s, "SPECIAL-USE"))
			*special = 1;
		else if (!ret || strcasecmp(o.s, "CHILDREN")) {
			p->error = "Unsupported LIST option";
			return -1;
		}
	}
	return parse_close(p);
}

static void list_line(struct session *s, const char *verb,
		      const char *attrs, const char *name)
{
	output_printf(&s->out, "* %s (%s) \"%c\" ", verb, attrs,
		      FOLDER_DELIMITER);
	write_string(&s->out, name, strlen(name));
	output_str(&s->out, "\r\n");
}

/* The attributes of a listed folder: \Noselect, CHILDREN (RFC 3348),
 * SPECIAL-USE (RFC 6154). */
static void list_entry(struct session *s, const struct folder_entry *e)
{
	char attrs[96];
	const char *use = special_use_attr(e->name);
	snprintf(attrs, sizeof attrs, "%s%s%s",
		 !e->exists ? "\\Noselect \\HasChildren" :
		 e->children ? "\\HasChildren" : "\\HasNoChildren",
		 use && e->exists ? " " : "", use && e->exists ? use : "");
	list_line(s, "LIST", attrs, e->name);
}

/* LIST [SP list-select-opts] SP reference SP list-mailbox
 * [SP "RETURN" SP list-return-opts] (RFC 3501 §6.3.8, RFC 5258). */
enum reply cmd_list(struct session *s, struct parse *p)
{
	char pattern[2 * IMAP_MAILBOX_NAME_MAX + 4];
	struct folder_list l;
	struct string w;
	int empty, select_special = 0, return_special = 0;
	if (parse_sp(p) < 0 || (parse_peek(p) == '(' &&
	    (list_options(p, 0, &select_special) < 0 || parse_sp(p) < 0)))
		return REPLY_BAD;
	enum reply rc = list_pattern(s, p, pattern, sizeof pattern, &empty);
	if (rc != REPLY_OK)
		return rc;
	if (!parse_at_end(p) && (parse_sp(p) < 0 || parse_atom(p, &w) < 0 ||
	    strcasecmp(w.s, "RETURN") || parse_sp(p) < 0 ||
	    list_options(p, 1, &return_special) < 0))
		return p->error ? REPLY_BAD :
		       reply_set(s, REPLY_BAD, NULL, "Expected RETURN");
	if (parse_end(p) < 0)
		return REPLY_BAD;
	if (empty) {            /* §6.3.8: the delimiter and the root */
		list_line(s, "LIST", "\\Noselect", "");
		return REPLY_OK;
	}
	if (folder_list_read(s->maildir, NULL, 0, &l) < 0)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot list");
	for (size_t i = 0; i < l.count; i++)
		if (folder_match(pattern, l.v[i].name) &&
		    (!select_special || (l.v[i].exists &&
					 special_use_attr(l.v[i].name))))
			list_entry(s, &l.v[i]);
	folder_list_free(&l);
	return REPLY_OK;
}

enum reply cmd_lsub(struct session *s, struct parse *p)
{
	char pattern[2 * IMAP_MAILBOX_NAME_MAX + 4];
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
		if (folder_match(pattern, l.v[i].name) &&
		    (l.v[i].exists || strchr(pattern, '%')))
			list_line(s, "LSUB", l.v[i].exists ? "" : "\\Noselect",
				  l.v[i].name);
	folder_list_free(&l);
	return REPLY_OK;
}

enum status_item {
	STATUS_MESSAGES = 1, STATUS_RECENT = 2, STATUS_UIDNEXT = 4,
	STATUS_UIDVALIDITY = 8, STATUS_UNSEEN = 16,
};

static const struct { const char *name; int bit; } status_items[] = {
	{ "MESSAGES", STATUS_MESSAGES }, { "RECENT", STATUS_RECENT },
	{ "UIDNEXT", STATUS_UIDNEXT }, { "UIDVALIDITY", STATUS_UIDVALIDITY },
	{ "UNSEEN", STATUS_UNSEEN },
};
#define NSTATUS (sizeof status_items / sizeof status_items[0])

static int status_list(struct parse *p, int *items)
{
	struct string att;
	*items = 0;
	if (parse_sp(p) < 0 || parse_open(p) < 0)
		return -1;
	for (int first = 1; parse_peek(p) != ')'; first = 0) {
		if ((!first && parse_sp(p) < 0) || parse_atom(p, &att) < 0)
			return -1;
		size_t i = 0;
		while (i < NSTATUS && strcasecmp(att.s, status_items[i].name))
			i++;
		if (i == NSTATUS) {
			p->error = "Unknown STATUS item";
			return -1;
		}
		*items |= status_items[i].bit;
	}
	if (!*items) {
		p->error = "Empty STATUS list";
		return -1;
	}
	return parse_close(p) < 0 || parse_end(p) < 0 ? -1 : 0;
}

enum reply cmd_status(struct session *s, struct parse *p)
{
	const char *name;
	char dir[PATH_MAX_POSTERN];
	struct store_status st;
	int items;
	if (parse_sp(p) < 0)
		return REPLY_BAD;
	enum reply rc = mailbox_arg(s, p, &name, dir, sizeof dir);
	if (rc != REPLY_OK)
		return rc;
	if (status_list(p, &items) < 0)
		return REPLY_BAD;
	if (!folder_exists(s->maildir, name))
		return reply_set(s, REPLY_NO, "NONEXISTENT", "No such mailbox");
	if (store_folder_status(&s->store, name, &st) < 0)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot read mailbox");
	unsigned long v[NSTATUS] = { st.messages, st.recent, st.uidnext,
		st.uidvalidity, st.unseen };
	output_str(&s->out, "* STATUS ");
	write_string(&s->out, name, strlen(name));
	output_str(&s->out, " (");
	const char *sep = "";
	for (size_t i = 0; i < NSTATUS; i++)
		if (items & status_items[i].bit) {
			output_printf(&s->out, "%s%s %lu", sep,
				      status_items[i].name, v[i]);
			sep = " ";
		}
	output_str(&s->out, ")\r\n");
	return REPLY_OK;
}
