#ifndef EXCHANGE_GATEWAY_CMICROHTTPD_SHIM_H
#define EXCHANGE_GATEWAY_CMICROHTTPD_SHIM_H

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <microhttpd.h>

/* The MHD_OPTION_URI_LOG_CALLBACK callback: called once per request with the request target as
 * sent, before MHD decodes it in place; what it returns is the request's first `*con_cls`. */
typedef void *(*eg_mhd_uri_log_callback)(void *context, const char *uri, struct MHD_Connection *connection);

/* MHD_start_daemon is variadic, which Swift cannot call. This wrapper passes the
 * options every daemon of ours sets, then `extra` (an MHD_OPTION_END-terminated
 * array, e.g. for TLS) through MHD_OPTION_ARRAY. The daemons run without threads of their own
 * (an event loop drives each with MHD_run), so no thread pool size is passed. */
static inline struct MHD_Daemon *eg_mhd_start_daemon(unsigned int flags,
                                                     const struct sockaddr *address,
                                                     MHD_AcceptPolicyCallback accept_policy,
                                                     void *accept_policy_context,
                                                     MHD_AccessHandlerCallback handler,
                                                     void *handler_context,
                                                     MHD_RequestCompletedCallback completed,
                                                     void *completed_context,
                                                     eg_mhd_uri_log_callback uri_log,
                                                     void *uri_log_context,
                                                     MHD_NotifyConnectionCallback connection_changed,
                                                     void *connection_changed_context,
                                                     unsigned int connection_limit,
                                                     unsigned int connection_timeout_seconds,
                                                     size_t connection_memory_limit,
                                                     const struct MHD_OptionItem *extra) {
    return MHD_start_daemon(flags, 0, accept_policy, accept_policy_context, handler, handler_context,
                            MHD_OPTION_SOCK_ADDR, address,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_context,
                            MHD_OPTION_URI_LOG_CALLBACK, uri_log, uri_log_context,
                            MHD_OPTION_NOTIFY_CONNECTION, connection_changed, connection_changed_context,
                            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
                            MHD_OPTION_ARRAY, extra,
                            MHD_OPTION_END);
}

/* MHD_get_daemon_info is variadic; this asks for the epoll set of a daemon without threads of
 * its own, which its event loop watches (readable: MHD_run has work). */
static inline int eg_mhd_epoll_fd(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_EPOLL_FD);
    return info == NULL ? -1 : info->epoll_fd;
}

/* MHD_get_daemon_info is variadic; this asks for the bound port only. */
static inline unsigned short eg_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/* MHD_get_connection_info is variadic; this asks for the client's address. */
static inline const struct sockaddr *eg_mhd_client_address(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info == NULL ? NULL : info->client_addr;
}

/* MHD_get_connection_info is variadic; this asks for the size of the request line and headers,
 * as received (0 before they are complete). */
static inline size_t eg_mhd_request_header_size(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    return info == NULL ? 0 : info->header_size;
}

/* MHD_get_connection_info is variadic; this asks for the connection's socket. */
static inline int eg_mhd_connection_socket(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}

/* MHD_get_connection_info is variadic; this asks for what the connection notification stored
 * for the connection (NULL before it started). */
static inline void *eg_mhd_socket_context(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info == NULL ? NULL : info->socket_context;
}

/* How long ago the socket last received data, in milliseconds, from the kernel's TCP_INFO
 * (tcpi_last_data_recv); -1 if it cannot be asked. */
static inline long long eg_tcp_milliseconds_since_data(int socket) {
    struct tcp_info info;
    socklen_t length = sizeof info;
    if (getsockopt(socket, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return -1;
    return (long long)info.tcpi_last_data_recv;
}

#endif
