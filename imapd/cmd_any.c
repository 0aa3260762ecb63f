/* cmd_any.c - commands valid in every state (RFC 3501 §6.1) and the
 * small extensions: ID (RFC 2971), ENABLE (RFC 5161), NAMESPACE
 * (RFC 2342). */
#include <string.h>
#include <strings.h>
#include "condstore.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"

/* §6.1.1 */
enum reply cmd_capability(struct session *s, struct parse *p)
{
	if (parse_end(p) < 0)
		return REPLY_BAD;
	untagged(s, "CAPABILITY %s", capabilities(s));
	return REPLY_OK;
}

/* §6.1.2: also the client's poll for news in the selected folder. */
enum reply cmd_noop(struct session *s, struct parse *p)
{
	if (parse_end(p) < 0)
		return REPLY_BAD;
	if (s->state == STATE_SELECTED)
		session_refresh(s, 1);
	return REPLY_OK;
}

/* §6.1.3 */
enum reply cmd_logout(struct session *s, struct parse *p)
{
	if (parse_end(p) < 0)
		return REPLY_BAD;
	untagged(s, "BYE postern IMAP4rev1 server logging out");
	return REPLY_LOGOUT;
}

/* RFC 2971 §3.3: "(" field SP value ... ")" or NIL; at most 30 pairs,
 * fields at most 30 octets, values at most 1024. */
static int id_list(struct parse *p)
{
	struct string field, value;
	int nil, pairs = 0;
	if (parse_open(p) < 0)
		return -1;
	while (parse_peek(p) != ')') {
		if (pairs && parse_sp(p) < 0)
			return -1;
		if (parse_string(p, &field) < 0 || parse_sp(p) < 0 ||
		    parse_nstring(p, &value, &nil) < 0)
			return -1;
		if (++pairs > IMAP_ID_PAIRS_MAX || field.len > 30 ||
		    value.len > 1024) {
			p->error = "ID list too long";
			return -1;
		}
	}
	return parse_close(p);
}

enum reply cmd_id(struct session *s, struct parse *p)
{
	int nil = 0;
	struct string dummy;
	if (parse_sp(p) < 0)
		return REPLY_BAD;
	if (parse_peek(p) == '(') {
		if (id_list(p) < 0)
			return REPLY_BAD;
	} else if (parse_nstring(p, &dummy, &nil) < 0 || !nil) {
		return reply_set(s, REPLY_BAD, NULL, "Expected a list or NIL");
	}
	if (parse_end(p) < 0)
		return REPLY_BAD;
	untagged(s, "ID (\"name\" \"postern\" \"vendor\" \"postern\")");
	return REPLY_OK;
}

static const struct { const char *name; unsigned bit; } enables[] = {
	{ "CONDSTORE", ENABLED_CONDSTORE },
	{ "QRESYNC", ENABLED_QRESYNC },
	{ "IMAP4rev2", ENABLED_IMAP4REV2 },     /* RFC 9051 Appendix A */
	{ "UTF8=ACCEPT", ENABLED_UTF8 },        /* RFC 6855 §3 */
};
#define NENABLES (sizeof enables / sizeof enables[0])

/* RFC 5161 §3.1: ENABLE 1*(SP capability). CONDSTORE and QRESYNC
 * (RFC 7162 §3.2.3), IMAP4rev2 and UTF8=ACCEPT can be enabled; the
 * others are ignored. ENABLED lists what this command turned on (§3.2). */
enum reply cmd_enable(struct session *s, struct parse *p)
{
	struct string cap;
	unsigned ask = 0;
	int n = 0;
	while (!parse_at_end(p)) {
		if (parse_sp(p) < 0 || parse_atom(p, &cap) < 0)
			return REPLY_BAD;
		for (size_t i = 0; i < NENABLES; i++)
			if (!strcasecmp(cap.s, enables[i].name))
				ask |= enables[i].bit;
		n++;
	}
	if (!n)
		return reply_set(s, REPLY_BAD, NULL, "Missing capability");
	/* only what was asked: QRESYNC implies CONDSTORE silently */
	unsigned newly = session_enable(s, ask) & ask;
	output_str(&s->out, "* ENABLED");
	for (size_t i = 0; i < NENABLES; i++)
		if (newly & enables[i].bit)
			output_printf(&s->out, " %s", enables[i].name);
	output_str(&s->out, "\r\n");
	return REPLY_OK;
}

/* RFC 2342 §5: one personal namespace, no prefix, '.' separated. */
enum reply cmd_namespace(struct session *s, struct parse *p)
{
	if (parse_end(p) < 0)
		return REPLY_BAD;
	untagged(s, "NAMESPACE ((\"\" \".\")) NIL NIL");
	return REPLY_OK;
}
