/*
 * localhost-only.so: makes a program's listening sockets local.
 *
 * Debian's Bochs 2.7 has no option for the address of its VNC display
 * (display_library: rfb): it binds to every interface (0.0.0.0:5900), so
 * anyone on the network could watch and type into 'make run'.  Loaded
 * with LD_PRELOAD by scripts/run.sh, this bind() turns "any address"
 * into the loopback address, IPv4 and IPv6; every other bind() is passed
 * on unchanged.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

typedef int bind_function(int, const struct sockaddr *, socklen_t);

int bind(int fd, const struct sockaddr *address, socklen_t length)
{
	static bind_function *next_bind;

	if (!next_bind) {
		next_bind = (bind_function *)dlsym(RTLD_NEXT, "bind");
		if (!next_bind) {
			errno = ENOSYS;
			return -1;
		}
	}
	if (address && address->sa_family == AF_INET && length >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in local;

		memcpy(&local, address, sizeof(local));
		if (local.sin_addr.s_addr == htonl(INADDR_ANY)) {
			local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			return next_bind(fd, (const struct sockaddr *)&local, sizeof(local));
		}
	} else if (address && address->sa_family == AF_INET6 &&
		   length >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 local;

		memcpy(&local, address, sizeof(local));
		if (!memcmp(&local.sin6_addr, &in6addr_any, sizeof(in6addr_any))) {
			local.sin6_addr = in6addr_loopback;
			return next_bind(fd, (const struct sockaddr *)&local, sizeof(local));
		}
	}
	return next_bind(fd, address, length);
}
