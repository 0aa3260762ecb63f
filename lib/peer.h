/* peer.h - the client's address (DESIGN.md "Running per connection"). */
#ifndef POSTERN_PEER_H
#define POSTERN_PEER_H
#include <stddef.h>

/* getpeername(0), else $TCPREMOTEIP, else $REMOTE_ADDR, else $REMOTE_HOST,
 * else "unknown"; a variable counts only if it parses as an address.
 * $REMOTE_HOST (set by stunnel's exec, whose socket to the server is a
 * loopback pair) also wins over a loopback getpeername(0).
 * IPv4-mapped IPv6 addresses come out as plain IPv4. Into buf; returns buf. */
const char *peer_address(char *buf, size_t size);

/* Is the text address ip inside the CIDR network (a.b.c.d/n, x::y/n, or a
 * bare address)? 1 yes, 0 no or unparsable. */
int peer_in_network(const char *ip, const char *cidr);

#endif
