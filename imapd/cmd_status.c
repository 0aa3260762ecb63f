/* cmd_status.c - STATUS (RFC 3501 §6.3.10) with SIZE (RFC 8438), also
 * written for each folder LIST-STATUS (RFC 5819) lists. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "condstore.h"
#include "folder.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "utf8.h"

static const struct { const char *name; int bit; } status_items[] = {
	{ "MESSAGES", STATUS_MESSAGES }, { "RECENT", STATUS_RECENT },
	{ "UIDNEXT", STATUS_UIDNEXT }, { "UIDVALIDITY", STATUS_UIDVALIDITY },
	{ "UNSEEN", STATUS_UNSEEN }, { "SIZE", STATUS_SIZE },
	{ "HIGHESTMODSEQ", STATUS_HIGHESTMODSEQ },      /* RFC 7162 §3.1.7 */
	{ "DELETED", STATUS_DELETED },                  /* RFC 9051 §6.3.11, RFC 9208 §4.1.4 */
	{ "DELETED-STORAGE", STATUS_DELETED_STORAGE },
};
#define NSTATUS (sizeof status_items / sizeof status_items[0])

int status_items_parse(struct session *s, struct parse *p, int *items)
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
		/* RFC 9051 §6.3.11 has no RECENT (Appendix E.12) */
		if (status_items[i].bit == STATUS_RECENT &&
		    (s->enabled & ENABLED_IMAP4REV2)) {
			p->error = "No RECENT in IMAP4rev2";
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

int status_write(struct session *s, const char *name, int items)
{
	struct store_status st;
	if (store_folder_status(&s->store, name, &st) < 0)
		return -1;
	/* RFC 8438 §3: SIZE is the sum of the messages' RFC822.SIZE;
	 * RFC 9208 §4.1.4: DELETED-STORAGE in STORAGE's units (§5.1: KiB
	 * on disk, rounded up) */
	unsigned long long v[NSTATUS] = { st.messages, st.recent, st.uidnext,
		st.uidvalidity, st.unseen, st.size, st.highestmodseq,
		st.deleted, (st.deleted_octets + 1023) / 1024 };
	output_str(&s->out, "* STATUS ");
	write_mailbox_name(s, name);
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
	if (parse_sp(p) < 0 || status_items_parse(s, p, &items) < 0 ||
	    parse_end(p) < 0)
		return REPLY_BAD;
	if (items & STATUS_HIGHESTMODSEQ)       /* RFC 7162 §3.1 */
		session_enable(s, ENABLED_CONDSTORE);
	if (!folder_exists(s->maildir, name))
		return reply_set(s, REPLY_NO, "NONEXISTENT", "No such mailbox");
	if (status_write(s, name, items) < 0)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot read mailbox");
	return REPLY_OK;
}
