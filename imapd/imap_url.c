/* imap_url.c - the IMAP URLs CATENATE takes (imap_url.h, RFC 5092). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imap_url.h"

static int hex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decode s[0..n) (%XX escapes; RFC 5092 §9) into out (size octets with
 * the NUL). 0, or -1 on a bad escape, a NUL or no room. */
static int decode(const char *s, size_t n, char *out, size_t size)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n || hex(s[i + 1]) < 0 ||
			    hex(s[i + 2]) < 0)
				return -1;
			c = hex(s[i + 1]) * 16 + hex(s[i + 2]);
			i += 2;
		}
		if (c == 0 || w + 1 >= size)
			return -1;
		out[w++] = (char)c;
	}
	out[w] = '\0';
	return 0;
}

/* A decimal number at *p (advanced), nonzero when nz. 0 or -1. */
static int number(const char **p, int nz, uint32_t *out)
{
	char *end;
	if (**p < '0' || **p > '9')
		return -1;
	unsigned long v = strtoul(*p, &end, 10);
	if (v > UINT32_MAX || end - *p > 10 || (nz && v == 0))
		return -1;
	*out = (uint32_t)v;
	*p = end;
	return 0;
}

/* Consume key (e.g. "/;UID=") at *p, ASCII case ignored. 1 / 0. */
static int key(const char **p, const char *k)
{
	size_t n = strlen(k);
	if (strncasecmp(*p, k, n))
		return 0;
	*p += n;
	return 1;
}

/* ["/;SECTION=" enc-section] ["/;PARTIAL=" partial-range] to the end
 * (RFC 5092 §11: partial-range = number ["." nz-number]; ";" is never
 * in an enc-section, so the section ends before the next "/;"). */
static int tail(const char *p, struct imap_url *u)
{
	if (key(&p, "/;SECTION=")) {
		size_t n = strcspn(p, ";");
		if (p[n] && (n == 0 || p[n - 1] != '/'))
			return -1;
		if (p[n])
			n--;
		if (decode(p, n, u->section, sizeof u->section) < 0 ||
		    !u->section[0] || strchr(u->section, ']') ||
		    strchr(u->section, '\r') || strchr(u->section, '\n'))
			return -1;
		p += n;
	}
	if (key(&p, "/;PARTIAL=")) {
		u->partial = 1;
		u->length = UINT32_MAX;         /* to the end */
		if (number(&p, 0, &u->offset) < 0 ||
		    (*p == '.' && (++p, number(&p, 1, &u->length) < 0)))
			return -1;
	}
	return *p ? -1 : 0;     /* ;URLAUTH=: not taken */
}

int imap_url_parse(const char *url, struct imap_url *u)
{
	memset(u, 0, sizeof *u);
	if (url[0] != '/' || url[1] == '/')
		return -1;      /* a scheme, a server or no path */
	const char *p = url + 1;
	size_t n = strcspn(p, ";");
	if (n > 0 && p[n] && p[n - 1] == '/')
		n--;            /* "mailbox/;UID=" */
	if (n == 0 || decode(p, n, u->mailbox, sizeof u->mailbox) < 0)
		return -1;
	p += n;
	if (key(&p, ";UIDVALIDITY=") && number(&p, 1, &u->uidvalidity) < 0)
		return -1;
	if (!key(&p, "/;UID=") || number(&p, 1, &u->uid) < 0)
		return -1;
	return tail(p, u);
}
