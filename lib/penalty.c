/* penalty.c - the shared record of failed logins (penalty.h).
 *
 * spool/authfail is a table of AUTH_PENALTY_SLOTS fixed-size text lines,
 * one per key ("ip ADDRESS" or "user NAME"), so that it stays small and
 * an administrator can read it:
 *
 *   KEY (PENALTY_KEY_WIDTH bytes, space-padded) FAILURES LAST-FAILURE\n
 *
 * A key goes to the slot its hash names, or one of the next
 * AUTH_PENALTY_PROBES; when none is free or forgotten, the oldest of them
 * is reused. Readers take a shared flock, writers an exclusive one. */
#define _GNU_SOURCE             /* POLLRDHUP */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "limits.h"
#include "log.h"
#include "password.h"
#include "penalty.h"
#include "spool.h"

#define PENALTY_KEY_WIDTH 96
#define PENALTY_SLOT_SIZE 128   /* key, ' ', 10 digits, ' ', 19 digits, '\n' */

struct slot {
	char key[PENALTY_KEY_WIDTH + 1];
	unsigned failures;
	long long last;
};

int penalty_seconds(unsigned n)
{
	if (n == 0)
		return 0;
	int s = n > 4 ? AUTH_PENALTY_MAX : 1 << (n - 1);
	return s > AUTH_PENALTY_MAX ? AUTH_PENALTY_MAX : s;
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* "KIND VALUE" made one printable word after KIND, cut to the key width
 * (a long one ends in '#' and its hash, so that it stays distinct). */
static void make_key(char *key, const char *kind, const char *value)
{
	char full[1024];
	int n = snprintf(full, sizeof full, "%s %s", kind, value);
	for (int i = (int)strlen(kind) + 1; i < n && i < (int)sizeof full - 1; i++)
		if ((unsigned char)full[i] <= ' ' || (unsigned char)full[i] >= 0x7f)
			full[i] = '?';
	if (strlen(full) <= PENALTY_KEY_WIDTH)
		memcpy(key, full, strlen(full) + 1);
	else
		snprintf(key, PENALTY_KEY_WIDTH + 1, "%.*s#%016llx", PENALTY_KEY_WIDTH - 17,
			 full, (unsigned long long)hash(full));
}

/* The key of a client address: IPv6 addresses by their /64, which one
 * subscriber usually has whole. */
static void client_key(char *key, const char *client)
{
	unsigned char a[16];
	char text[INET6_ADDRSTRLEN];
	if (strchr(client, ':') && inet_pton(AF_INET6, client, a) == 1) {
		memset(a + 8, 0, 8);
		if (inet_ntop(AF_INET6, a, text, sizeof text)) {
			make_key(key, "ip", text);
			return;
		}
	}
	make_key(key, "ip", client);
}

/* The user's key: the name lowercased, as password_check matches it. */
static void user_key(char *key, const char *user)
{
	char lower[512];
	size_t i;
	for (i = 0; user[i] && i < sizeof lower - 1; i++)
		lower[i] = (char)(user[i] >= 'A' && user[i] <= 'Z' ? user[i] + 32 : user[i]);
	lower[i] = '\0';
	make_key(key, "user", lower);
}

static void read_slot(int fd, size_t i, struct slot *s)
{
	char buf[PENALTY_SLOT_SIZE + 1];
	memset(s, 0, sizeof *s);
	ssize_t n = pread(fd, buf, PENALTY_SLOT_SIZE, (off_t)(i * PENALTY_SLOT_SIZE));
	if (n != PENALTY_SLOT_SIZE || buf[PENALTY_SLOT_SIZE - 1] != '\n')
		return;                 /* never written: free */
	buf[PENALTY_SLOT_SIZE] = '\0';
	memcpy(s->key, buf, PENALTY_KEY_WIDTH);
	for (int k = PENALTY_KEY_WIDTH - 1; k >= 0 && s->key[k] == ' '; k--)
		s->key[k] = '\0';
	s->failures = (unsigned)strtoul(buf + PENALTY_KEY_WIDTH + 1, NULL, 10);
	s->last = strtoll(buf + PENALTY_KEY_WIDTH + 12, NULL, 10);
}

static int write_slot(int fd, size_t i, const struct slot *s)
{
	char buf[PENALTY_SLOT_SIZE + 1];
	snprintf(buf, sizeof buf, "%-*s %10u %19lld\n", PENALTY_KEY_WIDTH, s->key,
		 s->failures, s->last);
	return pwrite(fd, buf, PENALTY_SLOT_SIZE, (off_t)(i * PENALTY_SLOT_SIZE)) ==
	       PENALTY_SLOT_SIZE ? 0 : -1;
}

/* Where key is, or (not found) the slot to give it: a free or forgotten
 * one, else the oldest probed. *found says which. */
static size_t find_slot(int fd, const char *key, long long now, struct slot *s,
			int *found)
{
	size_t start = (size_t)(hash(key) % AUTH_PENALTY_SLOTS), best = start;
	long long oldest = -1;
	struct slot cur;
	*found = 0;
	for (size_t k = 0; k < AUTH_PENALTY_PROBES; k++) {
		size_t i = (start + k) % AUTH_PENALTY_SLOTS;
		read_slot(fd, i, &cur);
		if (strcmp(cur.key, key) == 0) {
			*found = 1;
			*s = cur;
			return i;
		}
		long long age = cur.key[0] && now - cur.last <= AUTH_PENALTY_WINDOW ?
				cur.last : 0;    /* free or forgotten: take it first */
		if (oldest < 0 || age < oldest) {
			oldest = age;
			best = i;
		}
	}
	memset(s, 0, sizeof *s);
	return best;
}

/* Recent failures of key (0 when forgotten or unknown). */
static unsigned recent(int fd, const char *key, long long now)
{
	struct slot s;
	int found;
	find_slot(fd, key, now, &s, &found);
	return found && now - s.last <= AUTH_PENALTY_WINDOW ? s.failures : 0;
}

/* spool/authfail, open and locked (LOCK_SH or LOCK_EX). -1 on failure. */
static int open_record(int lock)
{
	struct spool sp;
	char path[PATH_MAX_POSTERN];
	if (spool_open(&sp, NULL) < 0 || spool_path(&sp, "authfail", NULL, path, sizeof path) < 0)
		return -1;
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (flock(fd, lock) < 0) {
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

int penalty_delay(const char *client, const char *user)
{
	char ip[PENALTY_KEY_WIDTH + 1], acct[PENALTY_KEY_WIDTH + 1];
	long long now = (long long)time(NULL);
	int fd = open_record(LOCK_SH);
	if (fd < 0)
		return 0;
	client_key(ip, client);
	user_key(acct, user);
	unsigned from_ip = recent(fd, ip, now);
	/* the account counts only against an address that failed itself */
	unsigned on_acct = from_ip ? recent(fd, acct, now) : 0;
	close(fd);
	int a = penalty_seconds(from_ip), b = penalty_seconds(on_acct);
	return a > b ? a : b;
}

/* One more failure of key. Returns the new count, or 0 on error. */
static unsigned count_failure(int fd, const char *key, long long now)
{
	struct slot s;
	int found;
	size_t i = find_slot(fd, key, now, &s, &found);
	if (!found || now - s.last > AUTH_PENALTY_WINDOW)
		s.failures = 0;
	snprintf(s.key, sizeof s.key, "%s", key);
	s.failures++;
	s.last = now;
	return write_slot(fd, i, &s) == 0 ? s.failures : 0;
}

int penalty_failure(const char *client, const char *user)
{
	char ip[PENALTY_KEY_WIDTH + 1], acct[PENALTY_KEY_WIDTH + 1], q[256], qc[128];
	long long now = (long long)time(NULL);
	unsigned a = 0, b = 0;
	int fd = open_record(LOCK_EX);
	if (fd >= 0) {
		client_key(ip, client);
		user_key(acct, user);
		a = count_failure(fd, ip, now);
		b = count_failure(fd, acct, now);
		close(fd);
	}
	log_event("event=auth-failure client=%s user=%s failures=%u account-failures=%u",
		  log_quote(client, qc, sizeof qc), log_quote(user, q, sizeof q), a, b);
	if (fd < 0 || a == 0 || b == 0) {
		log_event("event=error op=authfail-record error=\"%s\"", strerror(errno));
		return -1;
	}
	return 0;
}

/* Sleep seconds. When the connection (stdin) is a socket and the client
 * hangs up meanwhile, end the process at once, unanswered: a guesser
 * learns nothing by leaving, and its server slot is free again. */
static void wait_penalty(int seconds, const char *client)
{
	int type;
	socklen_t len = sizeof type;
	int sock = getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
	struct timespec end, now;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += seconds;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long ms = (long)(end.tv_sec - now.tv_sec) * 1000 +
			  (end.tv_nsec - now.tv_nsec) / 1000000;
		if (ms <= 0)
			return;
		if (!sock) {
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
			(void)nanosleep(&ts, NULL);
			continue;
		}
		struct pollfd p = { .fd = 0, .events = POLLRDHUP };
		if (poll(&p, 1, (int)ms) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
			char q[128];
			log_event("event=auth-abandoned client=%s", log_quote(client, q, sizeof q));
			_exit(0);
		}
	}
}

int penalty_login(const char *client, const char *user, const char *password)
{
	int s = penalty_delay(client, user);
	if (s > 0)
		wait_penalty(s, client);
	int r = password_check(user, password);
	if (r == 0)
		(void)penalty_failure(client, user);
	return r;
}
