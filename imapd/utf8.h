/* utf8.h - mailbox names and strings in UTF-8 after "ENABLE UTF8=ACCEPT"
 * (RFC 6855 §3) or "ENABLE IMAP4rev2" (RFC 9051 §5.1): the client then
 * sends and is sent names in UTF-8, while on disk they stay modified
 * UTF-7 (folder.h), so every other program reads the same Maildir. Before
 * that, names go as they are (modified UTF-7, RFC 3501 §5.1.3). */
#ifndef IMAPD_UTF8_H
#define IMAPD_UTF8_H
#include <stddef.h>
#include "imapd.h"

/* Does the session speak UTF-8 names and quoted strings? 1 / 0. */
int session_utf8(const struct session *s);

/* Is p[0..n) UTF-8? 1 / 0. */
int utf8_valid(const char *p, size_t n);

/* The client's mailbox name or LIST pattern arg as the store names it
 * (modified UTF-7; memory from p) into *name: arg itself unless the
 * session speaks UTF-8. REPLY_OK; REPLY_BAD with the reply set when a
 * quoted arg is not UTF-8 (RFC 6855 §3 asks BAD); REPLY_NO [CANNOT]
 * when a literal is not, or a character no name may hold is in it. */
enum reply mailbox_name_in(struct session *s, struct parse *p,
			   const struct string *arg, const char **name);

/* The stored (modified UTF-7) name as the client sees it: UTF-8 into
 * buf (size octets) when the session speaks UTF-8 and the name decodes,
 * else the name itself. Returns buf or name. */
const char *mailbox_name_out(const struct session *s, const char *name,
			     char *buf, size_t size);

/* Write the stored name as an IMAP string as the client sees it: quoted
 * UTF-8 (RFC 9051 §4.3 / RFC 6855 §3) when the session speaks UTF-8. */
void write_mailbox_name(struct session *s, const char *name);

/* Does the message's header (the octets before the first empty line of
 * text[0..len)) hold a UTF-8 character beyond ASCII? 1 / 0. (Other
 * 8-bit octets, such as raw Latin-1 in old mail, do not count.) */
int header_has_utf8(const char *text, size_t len);

#endif
