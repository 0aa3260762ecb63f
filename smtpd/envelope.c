/* envelope.c - MAIL and RCPT (RFC 5321 §4.1.1.2, §4.1.1.3) with the
 * parameters of RFC 1870 (SIZE), RFC 6152 (BODY), RFC 6531 (SMTPUTF8),
 * RFC 4954 §5 (AUTH=) and RFC 3461 (DSN: RET, ENVID; NOTIFY, ORCPT). Each handler checks everything first, then changes
 * the envelope; a refused command leaves the transaction as it was. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "address.h"
#include "control.h"
#include "log.h"
#include "smtpd.h"

/* SIZE= values above this are all "too big"; fits any long. */
#define SIZE_PARAM_MAX 0x7fffffffL

/* "FROM:" or "TO:" then optional spaces (a common client slip that
 * Postfix tolerates too); returns what follows, or NULL. */
static char *path_start(char *args, const char *keyword)
{
	size_t n = strlen(keyword);

	if (strncasecmp(args, keyword, n) != 0)
		return NULL;
	args += n;
	while (*args == ' ')
		args++;
	return args;
}

/* A decimal number for SIZE= (RFC 1870 §3: 1*20DIGIT). */
static int parse_size(const char *v, long *out)
{
	char *end;
	unsigned long long n;

	if (!isdigit((unsigned char)*v) || strlen(v) > 20)
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (*end || errno)
		return -1;
	*out = n > (unsigned long long)SIZE_PARAM_MAX ? SIZE_PARAM_MAX : (long)n;
	return 0;
}

/* xtext (RFC 3461 §4): "+" two upper-case hex digits, or any of
 * 0x21..0x7E but "+" and "="; at most max characters. */
static int is_xtext(const char *v, size_t max)
{
	size_t n = strlen(v);

	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '+') {
			if (!strchr("0123456789ABCDEF", v[i + 1]) || !v[i + 1] ||
			    !strchr("0123456789ABCDEF", v[i + 2]) || !v[i + 2])
				return 0;
			i += 2;
		} else if (c < 0x21 || c > 0x7e || c == '=') {
			return 0;
		}
	}
	return 1;
}

/* The DSN parameters of MAIL (RFC 3461 §4.3, §4.4). */
static enum reply mail_dsn_param(struct session *s, unsigned i, const char *value)
{
	if (i == 4) {           /* RET=FULL or RET=HDRS */
		if (value && strcasecmp(value, "FULL") == 0)
			s->env.ret = 'F';
		else if (value && strcasecmp(value, "HDRS") == 0)
			s->env.ret = 'H';
		else
			return REPLY_BAD_PARAM;
		return REPLY_OK;
	}
	if (!value || !is_xtext(value, DSN_ENVID_MAX))  /* ENVID= */
		return REPLY_BAD_PARAM;
	snprintf(s->env.envid, sizeof s->env.envid, "%s", value);
	return REPLY_OK;
}

/* One MAIL parameter "KEY[=VALUE]" (RFC 5321 §4.1.2 esmtp-param). */
static enum reply mail_param(struct session *s, char *param, unsigned *seen)
{
	char *value = strchr(param, '=');
	static const char *const known[] = {"SIZE", "BODY", "SMTPUTF8", "AUTH",
					    "RET", "ENVID"};
	unsigned i;

	if (value)
		*value++ = '\0';
	for (i = 0; i < 6 && strcasecmp(param, known[i]) != 0; i++)
		;
	if (i == 6)
		return REPLY_UNKNOWN_PARAM;
	if (*seen & (1u << i))
		return REPLY_BAD_PARAM;
	*seen |= 1u << i;
	switch (i) {
	case 0:         /* RFC 1870 */
		return value && parse_size(value, &s->declared_size) == 0 ?
		       REPLY_OK : REPLY_BAD_PARAM;
	case 1:         /* RFC 6152: 7BIT or 8BITMIME; RFC 3030 BINARYMIME */
		if (value && strcasecmp(value, "8BITMIME") == 0)
			s->eightbit = 1;
		else if (value && strcasecmp(value, "BINARYMIME") == 0)
			s->eightbit = s->binarymime = 1;
		else if (!value || strcasecmp(value, "7BIT") != 0)
			return REPLY_BAD_PARAM;
		return REPLY_OK;
	case 2:         /* RFC 6531 §3.4: no value */
		s->smtputf8 = 1;
		return value ? REPLY_BAD_PARAM : REPLY_OK;
	case 3:         /* RFC 4954 §5 AUTH=: accepted, not trusted */
		return value && *value ? REPLY_OK : REPLY_BAD_PARAM;
	default:        /* RFC 3461 */
		return mail_dsn_param(s, i, value);
	}
}

/* The parameters after a path: "" or " KEY[=VALUE]..." */
static enum reply mail_params(struct session *s, char *p)
{
	unsigned seen = 0;
	enum reply r;
	char *param;

	if (*p && *p != ' ')
		return REPLY_BAD_SENDER;
	while ((param = strsep(&p, " ")) != NULL) {
		if (!*param)
			continue;
		r = mail_param(s, param, &seen);
		if (r != REPLY_OK)
			return r;
	}
	return REPLY_OK;
}

static void log_reject(struct session *s, const char *cmd, const char *addr,
		       enum reply r)
{
	char q[ADDRESS_PATH_MAX * 4 + 3];

	log_event("event=reject cmd=%s client=%s address=%s status=%s", cmd,
		  s->client_ip, log_quote(addr, q, sizeof q), reply_status(r));
}

/* MAIL FROM:<reverse-path> [params] (§4.1.1.2; RFC 1870, 6152, 6531). */
static enum reply mail_check(struct session *s, char *args,
			     struct address *a)
{
	const char *why;
	char *p = path_start(args, "FROM:");
	long maxsize;
	int n;
	enum reply r;

	if (s->submission && !s->auth_user[0])
		return REPLY_AUTH_REQUIRED;
	if (!p)
		return REPLY_SYNTAX;
	if (*p != '<')
		return REPLY_BAD_SENDER;
	n = address_parse_path(p, a, ADDRESS_ALLOW_NULL | ADDRESS_ALLOW_UTF8,
			       &why);
	if (n < 0)
		return REPLY_BAD_SENDER;
	r = mail_params(s, p + n);
	if (r != REPLY_OK)
		return r;
	if (a->utf8 && !s->smtputf8)
		return REPLY_UTF8_ADDRESS;      /* RFC 6531 §3.5 */
	if (setting_get(&s->maxsize, &maxsize) < 0)
		return REPLY_CONFIG;
	if (maxsize > 0 && s->declared_size > maxsize)
		return REPLY_TOO_BIG;           /* RFC 1870 §6.1 */
	return REPLY_OK;
}

enum reply cmd_mail(struct session *s, char *args)
{
	struct address a;
	char sender[ADDRESS_PATH_MAX + 1];
	enum reply r;

	r = mail_check(s, args, &a);
	if (r == REPLY_OK && address_format(&a, sender, sizeof sender) < 0)
		r = REPLY_BAD_SENDER;
	if (r == REPLY_OK)
		r = policy_sender(s, sender);
	if (r == REPLY_OK)
		r = spool_space(s, s->declared_size);
	if (r != REPLY_OK) {
		s->smtputf8 = s->eightbit = s->binarymime = 0;
		s->env.ret = 0;
		s->env.envid[0] = '\0';
		s->declared_size = 0;
		log_reject(s, "MAIL", r == REPLY_NOT_OWNER ? sender : "", r);
		return r;
	}
	snprintf(s->env.sender, sizeof s->env.sender, "%s", sender);
	snprintf(s->env.client, sizeof s->env.client, "%s", s->client_ip);
	snprintf(s->env.helo, sizeof s->env.helo, "%s", s->helo);
	snprintf(s->env.auth, sizeof s->env.auth, "%s", s->auth_user);
	s->env.smtputf8 = s->smtputf8;
	s->env.eightbit = s->eightbit;
	s->env.binarymime = s->binarymime;
	s->state = STATE_MAIL;
	return REPLY_OK_SENDER;
}

/* NOTIFY=NEVER, or a list of SUCCESS, FAILURE, DELAY (RFC 3461 §4.1). */
static int parse_notify(char *v, unsigned *notify)
{
	static const char *const words[] = { "NEVER", "SUCCESS", "FAILURE", "DELAY" };
	char *w;

	*notify = 0;
	while ((w = strsep(&v, ",")) != NULL) {
		unsigned i;
		for (i = 0; i < 4 && strcasecmp(w, words[i]) != 0; i++)
			;
		if (i == 4 || (*notify & (1u << i)))
			return -1;
		*notify |= 1u << i;
	}
	/* NEVER stands alone (§4.1). */
	return (*notify & DSN_NOTIFY_NEVER) && *notify != DSN_NOTIFY_NEVER ? -1 : 0;
}

/* ORCPT=addr-type;xtext (RFC 3461 §4.2): an atom, ";", xtext. */
static int valid_orcpt(const char *v)
{
	const char *semi = strchr(v, ';');

	if (!semi || semi == v || strlen(v) > DSN_ORCPT_MAX)
		return 0;
	for (const char *p = v; p < semi; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return 0;
	return is_xtext(semi + 1, DSN_ORCPT_MAX);
}

/* The parameters of RCPT: NOTIFY and ORCPT (RFC 3461), into d. */
static enum reply rcpt_params(char *p, struct rcpt_dsn *d)
{
	char *param, *value;

	*d = (struct rcpt_dsn){ 0, NULL };
	if (*p && *p != ' ')
		return REPLY_BAD_RCPT;
	while ((param = strsep(&p, " ")) != NULL) {
		if (!*param)
			continue;
		value = strchr(param, '=');
		if (value)
			*value++ = '\0';
		if (strcasecmp(param, "NOTIFY") == 0) {
			if (d->notify || !value || parse_notify(value, &d->notify) < 0)
				return REPLY_BAD_PARAM;
		} else if (strcasecmp(param, "ORCPT") == 0) {
			if (d->orcpt || !value || !valid_orcpt(value))
				return REPLY_BAD_PARAM;
			d->orcpt = value;
		} else {
			return REPLY_UNKNOWN_PARAM;
		}
	}
	return REPLY_OK;
}

/* "<Postmaster>" without a domain (§4.1.1.3) names our own postmaster:
 * the first local domain. */
static int postmaster_address(struct session *s, char *buf, size_t size)
{
	char domain[ADDRESS_DOMAIN_MAX + 1];

	if (control_value("domains", domain, sizeof domain, s->me) < 0)
		return -1;
	if ((size_t)snprintf(buf, size, "postmaster@%s", domain) >= size)
		return -1;
	return 0;
}

/* Check RCPT TO:<forward-path>; rcpt gets "local@domain", d its DSN
 * parameters (pointing into args). */
static enum reply rcpt_check(struct session *s, char *args, char *rcpt,
			     size_t size, struct rcpt_dsn *d)
{
	struct address a;
	const char *why;
	char *p = path_start(args, "TO:");
	long maxrcpt;
	int n;
	enum reply r;

	if (!p)
		return REPLY_SYNTAX;
	if (*p != '<')
		return REPLY_BAD_RCPT;
	n = address_parse_path(p, &a, ADDRESS_ALLOW_POSTMASTER |
			       ADDRESS_ALLOW_UTF8, &why);
	if (n < 0)
		return REPLY_BAD_RCPT;
	r = rcpt_params(p + n, d);
	if (r != REPLY_OK)
		return r;
	if (a.utf8 && !s->smtputf8)
		return REPLY_UTF8_ADDRESS;      /* RFC 6531 §3.5 */
	if (setting_get(&s->maxrcpt, &maxrcpt) < 0)
		return REPLY_CONFIG;
	/* §4.5.3.1.10; every accepted RCPT counts, a repeated one too, so
	 * that repeating cannot walk around the limit. */
	if (maxrcpt > 0 && s->rcpt_accepted >= (size_t)maxrcpt)
		return REPLY_TOO_MANY_RCPT;
	if (!a.domain[0])
		return postmaster_address(s, rcpt, size) < 0 ?
		       REPLY_TEMPFAIL : REPLY_OK;
	if (address_format(&a, rcpt, size) < 0)
		return REPLY_BAD_RCPT;
	return REPLY_OK;
}

static int rcpt_known(const struct envelope *env, const char *rcpt)
{
	size_t i;

	for (i = 0; i < env->rcpt_count; i++)
		if (strcasecmp(env->rcpt[i], rcpt) == 0)
			return 1;
	return 0;
}

enum reply cmd_rcpt(struct session *s, char *args)
{
	char rcpt[ADDRESS_PATH_MAX + 1] = "";
	struct rcpt_dsn d;
	enum reply r;

	r = rcpt_check(s, args, rcpt, sizeof rcpt, &d);
	if (r == REPLY_OK)
		r = policy_recipient(s, rcpt, strrchr(rcpt, '@') + 1);
	if (r != REPLY_OK_RCPT) {
		log_reject(s, "RCPT", rcpt, r);
		return r;
	}
	/* A repeated recipient is accepted once: one delivery (§3.3). */
	if (!rcpt_known(&s->env, rcpt) &&
	    (envelope_add_rcpt(&s->env, rcpt) < 0 ||
	     envelope_set_dsn(&s->env, s->env.rcpt_count - 1, d.notify, d.orcpt) < 0)) {
		log_event("event=error what=envelope errno=%d", errno);
		return REPLY_TEMPFAIL;
	}
	s->rcpt_accepted++;
	s->state = STATE_RCPT;
	return REPLY_OK_RCPT;
}
