/* cmd_status.c - STATUS (RFC 3501 §6.3.10) with SIZE (RFC 8438), also
 * written for each folder LIST-STATUS (RFC 5819) lists. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "folder.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "message.h"
#include "uidlist.h"

static const struct { const char *name; int bit; } status_items[] = {
	{ "MESSAGES", STATUS_MESSAGES }, { "RECENT", STATUS_RECENT },
	{ "UIDNEXT", STATUS_UIDNEXT }, { "UIDVALIDITY", STATUS_UIDVALIDITY },
	{ "UNSEEN", STATUS_UNSEEN }, { "SIZE", STATUS_SIZE },
};
#define NSTATUS (sizeof status_items / sizeof status_items[0])

int status_items_parse(struct parse *p, int *items)
{
	struct string att;
	*items = 0;
	if (parse_open(p) < 0)
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
	return parse_close(p);
}

/* RFC 8438 §3: the folder's size, the sum of its messages' RFC822.SIZE
 * (from the Maildir++ ",W=" hint, else by reading the file). */
static unsigned long long folder_size(const char *dir, const struct uidlist *l)
{
	char path[PATH_MAX_POSTERN * 2];
	unsigned long long total = 0;
	for (size_t i = 0; i < l->count; i++) {
		long long n = message_size_from_name(l->v[i].base);
		if (n < 0) {
			struct message_data md = { 0 };
			snprintf(path, sizeof path, "%s/%s", dir, l->v[i].file);
			bytes_init(&md.text, IMAP_CACHE_MAX);
			n = message_load(path, IMAP_CACHE_MAX, &md) == 0 ?
			    (long long)md.text.len : 0;
			message_data_free(&md);
		}
		total += (unsigned long long)n;
	}
	return total;
}

int status_write(struct session *s, const char *name, const char *dir,
		 int items)
{
	struct uidlist l;
	if (uidlist_sync(dir, 0, NULL, 0, &l) < 0)
		return -1;
	unsigned long long v[NSTATUS] = { l.count, 0, l.next, l.validity, 0,
					  0 };
	for (size_t i = 0; i < l.count; i++) {
		v[1] += l.v[i].recent != 0;
		v[4] += !(flags_from_file(l.v[i].file) & FLAG_SEEN);
	}
	if (items & STATUS_SIZE)
		v[5] = folder_size(dir, &l);
	uidlist_free(&l);
	output_str(&s->out, "* STATUS ");
	write_string(&s->out, name, strlen(name));
	output_str(&s->out, " (");
	const char *sep = "";
	for (size_t i = 0; i < NSTATUS; i++)
		if (items & status_items[i].bit) {
			output_printf(&s->out, "%s%s %llu", sep,
				      status_items[i].name, v[i]);
			sep = " ";
		}
	output_str(&s->out, ")\r\n");
	return 0;
}

enum reply cmd_status(struct session *s, struct parse *p)
{
	const char *name;
	char dir[PATH_MAX_POSTERN];
	int items;
	if (parse_sp(p) < 0)
		return REPLY_BAD;
	enum reply rc = mailbox_arg(s, p, &name, dir, sizeof dir);
	if (rc != REPLY_OK)
		return rc;
	if (parse_sp(p) < 0 || status_items_parse(p, &items) < 0 ||
	    parse_end(p) < 0)
		return REPLY_BAD;
	if (!folder_exists(s->maildir, name))
		return reply_set(s, REPLY_NO, "NONEXISTENT", "No such mailbox");
	if (status_write(s, name, dir, items) < 0)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot read mailbox");
	return REPLY_OK;
}
