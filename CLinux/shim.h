#ifndef EXCHANGE_GATEWAY_CLINUX_SHIM_H
#define EXCHANGE_GATEWAY_CLINUX_SHIM_H

/* The event loops wait on epoll and are woken through an eventfd; Swift's Glibc module does not
 * bring these headers in. Nothing here links a library beyond glibc. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>

/* prctl(PR_SET_NAME): a loop's thread, or the audit writer's, names itself (prctl is variadic, and pthread_setname_np
 * needs _GNU_SOURCE, which Swift's Glibc module does not set). */
static inline int eg_name_current_thread(const char *name) {
    return prctl(PR_SET_NAME, name, 0, 0, 0);
}

#endif
