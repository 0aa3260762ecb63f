/* peer.c - who is on the other end of fd 0. */
#include "peer.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int from_socket(char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getpeername(0, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		return inet_ntop(AF_INET, &sin->sin_addr, buf, size) ? 0 : -1;
	}
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
			return inet_ntop(AF_INET, &sin6->sin6_addr.s6_addr[12],
					 buf, size) ? 0 : -1;
		return inet_ntop(AF_INET6, &sin6->sin6_addr, buf, size) ? 0 : -1;
	}
	return -1;
}

/* An address from the environment, only if it parses as one. */
static int from_env(const char *name, char *buf, size_t size)
{
	const char *v = getenv(name);
	unsigned char tmp[16];
	if (!v || (inet_pton(AF_INET, v, tmp) != 1 &&
		   inet_pton(AF_INET6, v, tmp) != 1))
		return -1;
	if (strncmp(v, "::ffff:", 7) == 0 && inet_pton(AF_INET, v + 7, tmp) == 1)
		v += 7;
	snprintf(buf, size, "%s", v);
	return 0;
}

const char *peer_address(char *buf, size_t size)
{
	if (from_socket(buf, size) == 0 || from_env("TCPREMOTEIP", buf, size) == 0 ||
	    from_env("REMOTE_ADDR", buf, size) == 0)
		return buf;
	snprintf(buf, size, "unknown");
	return buf;
}

/* Parse a text address into 16 bytes (IPv4 as v4-mapped IPv6) and say how
 * many leading bits of it a v4 prefix length must be offset by. */
static int parse_ip(const char *s, unsigned char out[16], int *v4)
{
	unsigned char a4[4];
	if (inet_pton(AF_INET, s, a4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, a4, 4);
		*v4 = 1;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*v4 = IN6_IS_ADDR_V4MAPPED((struct in6_addr *)out);
		return 0;
	}
	return -1;
}

int peer_in_network(const char *ip, const char *cidr)
{
	char net[64];
	unsigned char a[16], n[16];
	int av4, nv4;
	const char *slash = strchr(cidr, '/');
	size_t len = slash ? (size_t)(slash - cidr) : strlen(cidr);
	if (len >= sizeof net)
		return 0;
	memcpy(net, cidr, len);
	net[len] = '\0';
	if (parse_ip(ip, a, &av4) < 0 || parse_ip(net, n, &nv4) < 0 || av4 != nv4)
		return 0;
	int bits = nv4 ? 32 : 128;
	if (slash) {
		char *end;
		long b = strtol(slash + 1, &end, 10);
		if (*end || end == slash + 1 || b < 0 || b > bits)
			return 0;
		bits = (int)b;
	}
	if (nv4)
		bits += 96;
	for (int i = 0; i < 16 && bits > 0; i++, bits -= 8) {
		unsigned char mask = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));
		if ((a[i] & mask) != (n[i] & mask))
			return 0;
	}
	return 1;
}
