/* mx.c - routes and DNS lookups for the SMTP client (see mx.h). */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "bytes.h"
#include "control.h"
#include "mx.h"

static void set_reply(struct mx_result *out, enum mx_status s, const char *r)
{
	out->status = s;
	snprintf(out->reply, sizeof out->reply, "%s", r);
}

static void add_target(struct mx_result *out, const char *host,
		       const void *addr, socklen_t len)
{
	if (out->count >= sizeof out->target / sizeof *out->target ||
	    len > sizeof out->target[0].addr)
		return;
	struct mx_target *t = &out->target[out->count++];
	snprintf(t->host, sizeof t->host, "%s", host);
	memcpy(&t->addr, addr, len);
	t->addr_len = len;
}

/* Resolve host:port with getaddrinfo (routes, literals). 0 or -1. */
static int add_by_getaddrinfo(struct mx_result *out, const char *host,
			      const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	struct addrinfo *res, *ai;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0)
		return rc == EAI_AGAIN ? -1 : -2;
	for (ai = res; ai; ai = ai->ai_next)
		add_target(out, host, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

/* "host", "host:port", "[v6]:port" into host and port. 0 or -1. */
static int split_hostport(const char *s, char *host, size_t hsize,
			  char *port, size_t psize)
{
	const char *colon;
	snprintf(port, psize, "25");
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || (size_t)(end - s - 1) >= hsize)
			return -1;
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = '\0';
		colon = end[1] == ':' ? end + 1 : NULL;
		if (!colon && end[1])
			return -1;
	} else {
		colon = strrchr(s, ':');
		size_t n = colon ? (size_t)(colon - s) : strlen(s);
		if (n == 0 || n >= hsize)
			return -1;
		memcpy(host, s, n);
		host[n] = '\0';
	}
	if (colon) {
		if (!colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1))
			return -1;
		snprintf(port, psize, "%s", colon + 1);
	}
	return 0;
}

/* The routes file: 1 routed (out filled), 0 no route, -1 error. */
static int try_routes(const char *domain, struct mx_result *out)
{
	struct bytes v;
	char host[ADDRESS_DOMAIN_MAX + 1], port[16];
	bytes_init(&v, CONTROL_LINE_MAX);
	int found = control_lookup("routes", domain, ' ', &v);
	if (found == 0)
		found = control_lookup("routes", "*", ' ', &v);
	if (found <= 0) {
		bytes_free(&v);
		if (found < 0)
			set_reply(out, MX_TEMPORARY, "451 4.3.0 cannot read routes");
		return found;
	}
	if (split_hostport(bytes_str(&v), host, sizeof host, port, sizeof port) < 0) {
		set_reply(out, MX_TEMPORARY, "451 4.3.5 bad line in routes");
	} else {
		int rc = add_by_getaddrinfo(out, host, port);
		if (rc < 0 || out->count == 0)
			set_reply(out, MX_TEMPORARY, "451 4.4.3 cannot resolve route host");
		else
			out->status = MX_OK;
	}
	bytes_free(&v);
	return 1;
}

/* A and AAAA records of name (each one query). Returns the h_errno of a
 * failure that should be retried (TRY_AGAIN), else 0 or the last error. */
static int add_addresses(struct mx_result *out, const char *name)
{
	static const int types[2] = { ns_t_a, ns_t_aaaa };
	int err = 0;
	size_t before = out->count;
	unsigned char *ans = malloc(DNS_ANSWER_MAX);
	if (!ans)
		return TRY_AGAIN;
	for (int t = 0; t < 2; t++) {
		int n = res_query(name, ns_c_in, types[t], ans, DNS_ANSWER_MAX);
		ns_msg msg;
		if (n < 0) {
			if (h_errno != NO_DATA)
				err = h_errno;
			continue;
		}
		if (ns_initparse(ans, n, &msg) < 0)
			continue;
		for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
			ns_rr rr;
			if (ns_parserr(&msg, ns_s_an, i, &rr) < 0 ||
			    (int)ns_rr_type(rr) != types[t] ||
			    (size_t)out->count - before >= MX_ADDRESSES_MAX)
				continue;
			if (types[t] == ns_t_a && ns_rr_rdlen(rr) == 4) {
				struct sockaddr_in sin = { .sin_family = AF_INET,
							   .sin_port = htons(25) };
				memcpy(&sin.sin_addr, ns_rr_rdata(rr), 4);
				add_target(out, name, &sin, sizeof sin);
			} else if (types[t] == ns_t_aaaa && ns_rr_rdlen(rr) == 16) {
				struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
							   .sin6_port = htons(25) };
				memcpy(&s6.sin6_addr, ns_rr_rdata(rr), 16);
				add_target(out, name, &s6, sizeof s6);
			}
		}
	}
	free(ans);
	return out->count > before ? 0 : err;
}

struct mx_record {
	int pref;
	int shuffle;
	char name[NS_MAXDNAME];
};

static int by_preference(const void *a, const void *b)
{
	const struct mx_record *x = a, *y = b;
	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return x->shuffle < y->shuffle ? -1 : x->shuffle > y->shuffle;
}

/* Parse the MX answer into rec (at most MX_HOSTS_MAX). Returns count. */
static int parse_mx(unsigned char *ans, int len, struct mx_record *rec)
{
	ns_msg msg;
	int n = 0;
	if (ns_initparse(ans, len, &msg) < 0)
		return 0;
	for (int i = 0; i < ns_msg_count(msg, ns_s_an) && n < MX_HOSTS_MAX; i++) {
		ns_rr rr;
		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0 ||
		    ns_rr_type(rr) != ns_t_mx || ns_rr_rdlen(rr) < 3)
			continue;
		rec[n].pref = ns_get16(ns_rr_rdata(rr));
		if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), ns_rr_rdata(rr) + 2,
			      rec[n].name, sizeof rec[n].name) < 0)
			continue;
		rec[n].shuffle = rand();
		n++;
	}
	qsort(rec, (size_t)n, sizeof *rec, by_preference);
	return n;
}

/* The MX hosts' addresses in order into out. */
static void resolve_mx_hosts(struct mx_result *out, struct mx_record *rec,
			     int n)
{
	int temporary = 0;
	for (int i = 0; i < n; i++)
		if (add_addresses(out, rec[i].name) == TRY_AGAIN)
			temporary = 1;
	if (out->count > 0)
		out->status = MX_OK;
	else if (temporary)
		set_reply(out, MX_TEMPORARY, "451 4.4.3 cannot resolve the MX hosts");
	else
		set_reply(out, MX_TEMPORARY, "451 4.4.4 the MX hosts have no address");
}

/* No MX records: the domain itself (§5.1). */
static void resolve_implicit(struct mx_result *out, const char *domain)
{
	int err = add_addresses(out, domain);
	if (out->count > 0)
		out->status = MX_OK;
	else if (err == TRY_AGAIN || err == NO_RECOVERY)
		set_reply(out, MX_TEMPORARY, "451 4.4.3 DNS lookup failed, will retry");
	else
		set_reply(out, MX_PERMANENT, "550 5.1.2 domain has no MX and no address");
}

static void resolve_dns(const char *domain, struct mx_result *out)
{
	unsigned char *ans = malloc(DNS_ANSWER_MAX);
	struct mx_record *rec = calloc(MX_HOSTS_MAX, sizeof *rec);
	if (!ans || !rec) {
		set_reply(out, MX_TEMPORARY, "451 4.3.0 out of memory");
		goto done;
	}
	int len = res_query(domain, ns_c_in, ns_t_mx, ans, DNS_ANSWER_MAX);
	if (len < 0) {
		if (h_errno == HOST_NOT_FOUND)
			set_reply(out, MX_PERMANENT, "550 5.1.2 domain does not exist");
		else if (h_errno == NO_DATA)
			resolve_implicit(out, domain);
		else
			set_reply(out, MX_TEMPORARY, "451 4.4.3 DNS lookup failed, will retry");
		goto done;
	}
	int n = parse_mx(ans, len, rec);
	/* RFC 7505 §3: a single MX of preference 0 and exchange "." */
	if (n == 1 && rec[0].pref == 0 &&
	    (rec[0].name[0] == '\0' || strcmp(rec[0].name, ".") == 0))
		set_reply(out, MX_PERMANENT, "556 5.1.10 domain accepts no mail (null MX)");
	else if (n == 0)
		resolve_implicit(out, domain);
	else
		resolve_mx_hosts(out, rec, n);
done:
	free(ans);
	free(rec);
}

void mx_resolve(const char *domain, struct mx_result *out)
{
	memset(out, 0, sizeof *out);
	srand((unsigned)getpid() ^ (unsigned)time(NULL));
	if (try_routes(domain, out) != 0)
		return;
	if (domain[0] == '[') {
		char lit[ADDRESS_DOMAIN_MAX + 1];
		size_t n = strlen(domain);
		const char *a = domain + 1;
		if (n < 3 || domain[n - 1] != ']' || n - 2 >= sizeof lit) {
			set_reply(out, MX_PERMANENT, "550 5.1.2 bad address literal");
			return;
		}
		memcpy(lit, a, n - 2);
		lit[n - 2] = '\0';
		if (strncasecmp(lit, "IPv6:", 5) == 0)
			memmove(lit, lit + 5, strlen(lit + 5) + 1);
		if (add_by_getaddrinfo(out, lit, "25") < 0 || out->count == 0)
			set_reply(out, MX_PERMANENT, "550 5.1.2 bad address literal");
		else
			out->status = MX_OK;
		return;
	}
	if (res_init() != 0) {
		set_reply(out, MX_TEMPORARY, "451 4.4.3 resolver unavailable");
		return;
	}
	resolve_dns(domain, out);
}
