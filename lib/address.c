/* address.c - RFC 5321 paths and mailboxes.
 *
 * The grammar is RFC 5321 §4.1.2 and §4.1.3, extended by RFC 6531 §3.3
 * (atext, qtextSMTP and sub-domain may hold UTF-8) when the caller passes
 * ADDRESS_ALLOW_UTF8. Lengths are those of §4.5.3.1. A source route
 * "@a,@b:" before the mailbox is parsed and then ignored (§4.1.2 "MUST BE
 * accepted ... SHOULD be ignored", Appendix C). Every rejection names a
 * short fixed reason; the input is never copied into it. */
#include "address.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct parser {
	const unsigned char *s; /* the input */
	size_t pos;             /* next octet to look at */
	int flags;              /* ADDRESS_ALLOW_* */
	int utf8;               /* a non-ASCII octet was accepted */
	const char *reason;     /* the first failure */
};

static int fail(struct parser *p, const char *reason)
{
	if (!p->reason)
		p->reason = reason;
	return -1;
}

static unsigned char cur(const struct parser *p)
{
	return p->s[p->pos];
}

static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 5322 §3.2.3 atext, ASCII part. */
static int is_atext(unsigned char c)
{
	return is_alpha(c) || is_digit(c) ||
	       (c != 0 && c < 0x80 && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* Why the octet c cannot stand where it is: a fixed string. */
static const char *octet_reason(unsigned char c)
{
	if (c == 0)
		return "address ends early";
	if (c == ' ')
		return "space in address";
	if (c < 32 || c == 127)
		return "control character in address";
	if (c >= 0x80)
		return "8-bit character in address";
	return "invalid character in address";
}

/* Length of the well-formed UTF-8 sequence (RFC 3629 §4) at s, or 0.
 * Overlong forms, surrogates and code points past U+10FFFF are not
 * well-formed; the terminating NUL ends any truncated sequence. */
static size_t utf8_sequence(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t n;

	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;      /* overlong */
		if (c == 0xED)
			hi = 0x9F;      /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;      /* overlong */
		if (c == 0xF4)
			hi = 0x8F;      /* past U+10FFFF */
	} else {
		return 0;
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

/* Accept one UTF8-non-ascii character (RFC 6531 §3.3) at the cursor. */
static int non_ascii(struct parser *p)
{
	size_t n;

	if (!(p->flags & ADDRESS_ALLOW_UTF8))
		return fail(p, "8-bit character without SMTPUTF8");
	n = utf8_sequence(p->s + p->pos);
	if (n == 0)
		return fail(p, "invalid UTF-8 in address");
	p->pos += n;
	p->utf8 = 1;
	return 0;
}

/* Dot-string = Atom *("." Atom). */
static int dot_string(struct parser *p)
{
	size_t atom_start = p->pos;

	for (;;) {
		unsigned char c = cur(p);
		if (is_atext(c)) {
			p->pos++;
			continue;
		}
		if (c >= 0x80) {
			if (non_ascii(p) < 0)
				return -1;
			continue;
		}
		if (p->pos == atom_start) {
			if (atom_start == 0 || p->s[atom_start - 1] != '.')
				return fail(p, c == '.' ?
					    "local part begins with a dot" :
					    c == '@' || c == '>' ?
					    "empty local part" :
					    octet_reason(c));
			return fail(p, c == '.' ? "two dots in a row in local part"
				    : "local part ends with a dot");
		}
		if (c != '.')
			return 0;
		p->pos++;
		atom_start = p->pos;
	}
}

/* Quoted-string = DQUOTE *QcontentSMTP DQUOTE. */
static int quoted_string(struct parser *p)
{
	p->pos++;       /* the opening DQUOTE */
	for (;;) {
		unsigned char c = cur(p);
		if (c == '"') {
			p->pos++;
			return 0;
		}
		if (c == 0)
			return fail(p, "unbalanced quote in local part");
		if (c == '\\') {
			/* quoted-pairSMTP = %d92 %d32-126 */
			unsigned char e = p->s[p->pos + 1];
			if (e == 0)
				return fail(p, "unbalanced quote in local part");
			if (e < 32 || e > 126)
				return fail(p, "bad escape in quoted string");
			p->pos += 2;
		} else if (c >= 0x80) {
			if (non_ascii(p) < 0)
				return -1;
		} else if (c >= 32 && c <= 126) {
			p->pos++;       /* qtextSMTP: all but '"' and '\' */
		} else {
			return fail(p, "control character in quoted string");
		}
	}
}

/* Local-part = Dot-string / Quoted-string, at most 64 octets
 * (§4.5.3.1.1) as on the wire, copied into local. */
static int local_part(struct parser *p, char *local)
{
	size_t start = p->pos, n;
	int r = cur(p) == '"' ? quoted_string(p) : dot_string(p);

	if (r < 0)
		return -1;
	n = p->pos - start;
	if (n > ADDRESS_LOCAL_MAX)
		return fail(p, "local part longer than 64 octets");
	memcpy(local, p->s + start, n);
	local[n] = 0;
	return 0;
}

/* One sub-domain: Let-dig [Ldh-str] (§4.1.2), or with SMTPUTF8 a label
 * that also holds UTF-8 (a U-label, RFC 6531 §3.3). An ASCII label is at
 * most 63 octets (RFC 1035 §2.3.4); a U-label's limit applies to its
 * A-label form, which the 255-octet domain bound covers well enough. */
static int label(struct parser *p)
{
	size_t start = p->pos;
	int wide = 0;
	unsigned char c = cur(p);

	if (c == '-')
		return fail(p, "domain label begins with a hyphen");
	for (;;) {
		c = cur(p);
		if (is_alpha(c) || is_digit(c) || c == '-') {
			p->pos++;
		} else if (c >= 0x80) {
			if (non_ascii(p) < 0)
				return -1;
			wide = 1;
		} else {
			break;
		}
	}
	if (p->pos == start) {
		if (c == '.')
			return fail(p, start > 0 && p->s[start - 1] == '.' ?
				    "empty label in domain" :
				    "domain begins with a dot");
		if (start > 0 && p->s[start - 1] == '.')
			return fail(p, "domain ends with a dot");
		return fail(p, c == '>' || c == 0 ? "empty domain" :
			    octet_reason(c));
	}
	if (p->s[p->pos - 1] == '-')
		return fail(p, "domain label ends with a hyphen");
	if (!wide && p->pos - start > 63)
		return fail(p, "domain label longer than 63 octets");
	return 0;
}

/* Snum 3("." Snum), Snum 1*3DIGIT of value 0-255 (§4.1.3), the whole
 * of s[0..n). */
static int ipv4_literal(const unsigned char *s, size_t n)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned value = 0;
		size_t digits = 0;
		if (part > 0) {
			if (i >= n || s[i] != '.')
				return -1;
			i++;
		}
		while (i < n && is_digit(s[i]) && digits < 4) {
			value = value * 10 + (unsigned)(s[i] - '0');
			i++;
			digits++;
		}
		if (digits == 0 || digits > 3 || value > 255)
			return -1;
	}
	return i == n ? 0 : -1;
}

/* IPv6-addr (§4.1.3): full, compressed, or either with an IPv4 tail. The
 * "::" stands for at least two groups, so with it at most 6 groups (4
 * before an IPv4 tail) may be written; without it exactly 8 (6). */
static int ipv6_literal(const unsigned char *s, size_t n)
{
	size_t i = 0;
	int groups = 0, compressed = 0, v4 = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		compressed = 1;
		i = 2;
	} else if (n == 0 || s[0] == ':') {
		return -1;
	}
	while (i < n) {
		size_t j = i;
		while (j < n && j - i < 5 && is_hex(s[j]))
			j++;
		if (j < n && s[j] == '.') {
			if (ipv4_literal(s + i, n - i) < 0)
				return -1;
			v4 = 1;
			break;
		}
		if (j == i || j - i > 4)
			return -1;
		groups++;
		i = j;
		if (i == n)
			break;
		if (s[i++] != ':' || i == n)
			return -1;      /* not a colon, or a trailing one */
		if (s[i] == ':') {
			if (compressed)
				return -1;      /* a second "::" */
			compressed = 1;
			i++;
		}
	}
	if (compressed)
		return groups <= (v4 ? 4 : 6) ? 0 : -1;
	return groups == (v4 ? 6 : 8) ? 0 : -1;
}

/* address-literal = "[" ( IPv4 / "IPv6:" IPv6 / General ) "]". */
static int address_literal(struct parser *p)
{
	const unsigned char *body = p->s + p->pos + 1;
	size_t n = 0, tag;

	/* dcontent = %d33-90 / %d94-126 */
	while ((body[n] >= 33 && body[n] <= 90) ||
	       (body[n] >= 94 && body[n] <= 126))
		n++;
	if (body[n] != ']')
		return fail(p, body[n] == 0 || body[n] == '>' ?
			    "unterminated address literal" :
			    "invalid character in address literal");
	p->pos += n + 2;
	if (n >= 5 && strncasecmp((const char *)body, "IPv6:", 5) == 0)
		return ipv6_literal(body + 5, n - 5) < 0 ?
		       fail(p, "invalid IPv6 address literal") : 0;
	for (tag = 0; tag < n && body[tag] != ':'; tag++)
		;
	if (tag == n)
		return ipv4_literal(body, n) < 0 ?
		       fail(p, "invalid IPv4 address literal") : 0;
	/* General-address-literal: no tag but IPv6 is registered (§4.1.3
	 * "MUST be specified in a Standards-Track RFC"), so nothing else
	 * can be routed. */
	return fail(p, "unsupported address literal");
}

/* Domain / address-literal, at most 255 octets (§4.5.3.1.2), copied
 * into domain when it is not NULL. */
static int domain_part(struct parser *p, char *domain)
{
	size_t start = p->pos, n;

	if (cur(p) == '[') {
		if (address_literal(p) < 0)
			return -1;
	} else {
		for (;;) {
			if (label(p) < 0)
				return -1;
			if (cur(p) != '.')
				break;
			p->pos++;
		}
	}
	n = p->pos - start;
	if (n > ADDRESS_DOMAIN_MAX)
		return fail(p, "domain longer than 255 octets");
	if (domain) {
		memcpy(domain, p->s + start, n);
		domain[n] = 0;
	}
	return 0;
}

/* Mailbox = Local-part "@" ( Domain / address-literal ). */
static int mailbox(struct parser *p, struct address *a)
{
	if (local_part(p, a->local) < 0)
		return -1;
	if (cur(p) != '@')
		return fail(p, cur(p) == '>' || cur(p) == 0 ?
			    "no domain in address" :
			    cur(p) == '"' ? "unbalanced quote in local part" :
			    octet_reason(cur(p)));
	p->pos++;
	if (domain_part(p, a->domain) < 0)
		return -1;
	a->utf8 = p->utf8;
	return 0;
}

/* A-d-l ":" = At-domain *( "," At-domain ) ":", parsed and dropped. */
static int source_route(struct parser *p)
{
	for (;;) {
		p->pos++;       /* the '@' */
		if (domain_part(p, NULL) < 0)
			return -1;
		if (cur(p) == ':') {
			p->pos++;
			p->utf8 = 0;    /* the route is not part of the address */
			return 0;
		}
		if (cur(p) != ',' || p->s[p->pos + 1] != '@')
			return fail(p, "bad source route");
		p->pos++;
	}
}

static int finish(struct parser *p, struct address *a, const char **reason)
{
	if (reason)
		*reason = p->reason ? p->reason : "invalid address";
	memset(a, 0, sizeof *a);
	return -1;
}

int address_parse_path(const char *s, struct address *a, int flags,
		       const char **reason)
{
	struct parser p = { (const unsigned char *)s, 1, flags, 0, NULL };

	memset(a, 0, sizeof *a);
	if (s[0] != '<') {
		fail(&p, "address must be in angle brackets");
		return finish(&p, a, reason);
	}
	if (s[1] == '>') {
		if (!(flags & ADDRESS_ALLOW_NULL)) {
			fail(&p, "null path not allowed here");
			return finish(&p, a, reason);
		}
		a->null = 1;
		return 2;
	}
	/* §4.1.1.3: "<Postmaster>" without domain, any case. */
	if ((flags & ADDRESS_ALLOW_POSTMASTER) &&
	    strncasecmp(s + 1, "postmaster>", 11) == 0) {
		memcpy(a->local, "Postmaster", sizeof "Postmaster");
		return 12;
	}
	if (s[1] == '@' && source_route(&p) < 0)
		return finish(&p, a, reason);
	if (mailbox(&p, a) < 0)
		return finish(&p, a, reason);
	if (cur(&p) != '>')
		fail(&p, cur(&p) == 0 ? "missing > after address" :
		     cur(&p) <= ' ' || cur(&p) == 127 ? octet_reason(cur(&p)) :
		     "garbage after address inside brackets");
	else if (++p.pos > ADDRESS_PATH_MAX)
		fail(&p, "path longer than 256 octets");
	if (p.reason)
		return finish(&p, a, reason);
	return (int)p.pos;
}

int address_parse_mailbox(const char *s, struct address *a, int flags,
			  const char **reason)
{
	struct parser p = { (const unsigned char *)s, 0, flags, 0, NULL };

	memset(a, 0, sizeof *a);
	if (s[0] == 0 && (flags & ADDRESS_ALLOW_NULL)) {
		a->null = 1;
		return 0;
	}
	if ((flags & ADDRESS_ALLOW_POSTMASTER) &&
	    strcasecmp(s, "postmaster") == 0) {
		memcpy(a->local, "Postmaster", sizeof "Postmaster");
		return 0;
	}
	if (mailbox(&p, a) < 0)
		return finish(&p, a, reason);
	if (cur(&p) != 0)
		fail(&p, "garbage after address");
	else if (p.pos > ADDRESS_PATH_MAX - 2)
		fail(&p, "address longer than 254 octets");
	if (p.reason)
		return finish(&p, a, reason);
	return 0;
}

int address_format(const struct address *a, char *buf, size_t size)
{
	int n;

	if (a->null)
		n = snprintf(buf, size, "%s", "");
	else if (a->domain[0] == 0)
		n = snprintf(buf, size, "%s", a->local);
	else
		n = snprintf(buf, size, "%s@%s", a->local, a->domain);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}
