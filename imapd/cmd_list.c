/* cmd_list.c - LIST, LSUB (RFC 3501 §6.3.8, §6.3.9, CHILDREN RFC 3348)
 * and STATUS (§6.3.10). */
#include <stdio.h>
#include <string.h>
#include "folder.h"
#include "imapd.h"
#include "mailbox.h"
#include "uidlist.h"

/* reference SP list-mailbox, combined into one pattern. */
static enum reply list_args(struct session *s, struct parse *p,
			    char *pattern, size_t size, int *empty)
{
	struct string ref, pat;
	if (parse_sp(p) < 0 || parse_astring(p, &ref) < 0 ||
	    parse_sp(p) < 0 || parse_list_mailbox(p, &pat) < 0 ||
	    parse_end(p) < 0)
		return REPLY_BAD;
	*empty = pat.len == 0;
	if (ref.len + pat.len >= size)
		return reply_set(s, REPLY_NO, "CANNOT", "Pattern too long");
	snprintf(pattern, size, "%s%s", ref.s, pat.s);
	return REPLY_OK;
}

static void list_line(struct session *s, const char *verb,
		      const char *attrs, const char *name)
{
	output_printf(&s->out, "* %s (%s) \"%c\" ", verb, attrs,
		      FOLDER_DELIMITER);
	write_string(&s->out, name, strlen(name));
	output_str(&s->out, "\r\n");
}

enum reply cmd_list(struct session *s, struct parse *p)
{
	char pattern[2 * IMAP_MAILBOX_NAME_MAX + 4];
	struct folder_list l;
	int empty;
	enum reply rc = list_args(s, p, pattern, sizeof pattern, &empty);
	if (rc != REPLY_OK)
		return rc;
	if (empty) {            /* §6.3.8: the delimiter and the root */
		list_line(s, "LIST", "\\Noselect", "");
		return REPLY_OK;
	}
	if (folder_list_read(s->maildir, NULL, 0, &l) < 0)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot list");
	for (size_t i = 0; i < l.count; i++) {
		const struct folder_entry *e = &l.v[i];
		if (!folder_match(pattern, e->name))
			continue;
		list_line(s, "LIST", !e->exists ? "\\Noselect \\HasChildren" :
			  e->children ? "\\HasChildren" : "\\HasNoChildren",
			  e->name);
	}
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
	struct uidlist l;
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
	if (uidlist_sync(dir, 0, NULL, 0, &l) < 0)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot read mailbox");
	unsigned long v[NSTATUS] = { l.count, 0, l.next, l.validity, 0 };
	for (size_t i = 0; i < l.count; i++) {
		v[1] += l.v[i].recent != 0;
		v[4] += !(flags_from_file(l.v[i].file) & FLAG_SEEN);
	}
	uidlist_free(&l);
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
