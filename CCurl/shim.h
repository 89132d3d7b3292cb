#ifndef EXCHANGE_GATEWAY_CCURL_SHIM_H
#define EXCHANGE_GATEWAY_CCURL_SHIM_H

#include <curl/curl.h>

/* curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic, which
 * Swift cannot call; each wrapper fixes the type of the one argument. */

/* curl_easy_setopt for options that take a long. */
static inline CURLcode eg_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/* curl_easy_setopt for options that take a pointer (strings, CURLOPT_PRIVATE, CURLOPT_WRITEDATA). */
static inline CURLcode eg_curl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

/* curl_easy_setopt(CURLOPT_WRITEFUNCTION): the callback type differs from a data pointer. */
static inline CURLcode eg_curl_easy_setopt_write_function(CURL *handle, curl_write_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

/* curl_easy_setopt(CURLOPT_HEADERFUNCTION): the callback type differs from a data pointer. */
static inline CURLcode eg_curl_easy_setopt_header_function(CURL *handle, curl_write_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

/* curl_easy_setopt(CURLOPT_CLOSESOCKETFUNCTION): the callback type differs from a data pointer. */
static inline CURLcode eg_curl_easy_setopt_close_socket_function(CURL *handle, curl_closesocket_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_CLOSESOCKETFUNCTION, callback);
}

/* curl_easy_setopt(CURLOPT_OPENSOCKETFUNCTION): the callback type differs from a data pointer. */
static inline CURLcode eg_curl_easy_setopt_open_socket_function(CURL *handle, curl_opensocket_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, callback);
}

/* curl_easy_getinfo for CURLINFO_*_LONG values. */
static inline CURLcode eg_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/* curl_easy_getinfo(CURLINFO_PRIVATE). */
static inline CURLcode eg_curl_easy_getinfo_private(CURL *handle, void **value) {
    return curl_easy_getinfo(handle, CURLINFO_PRIVATE, (char **)value);
}

/* curl_multi_setopt for options that take a long. */
static inline CURLMcode eg_curl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

/* curl_multi_setopt for options that take a pointer (CURLMOPT_SOCKETDATA, CURLMOPT_TIMERDATA). */
static inline CURLMcode eg_curl_multi_setopt_pointer(CURLM *handle, CURLMoption option, void *value) {
    return curl_multi_setopt(handle, option, value);
}

/* curl_multi_setopt(CURLMOPT_SOCKETFUNCTION): the callback type differs from a data pointer. */
static inline CURLMcode eg_curl_multi_setopt_socket_function(CURLM *handle, curl_socket_callback callback) {
    return curl_multi_setopt(handle, CURLMOPT_SOCKETFUNCTION, callback);
}

/* curl_multi_setopt(CURLMOPT_TIMERFUNCTION): the callback type differs from a data pointer. */
static inline CURLMcode eg_curl_multi_setopt_timer_function(CURLM *handle, curl_multi_timer_callback callback) {
    return curl_multi_setopt(handle, CURLMOPT_TIMERFUNCTION, callback);
}

/* CURL_SOCKET_TIMEOUT is a macro of a macro Swift does not import. */
static inline curl_socket_t eg_curl_socket_timeout(void) {
    return CURL_SOCKET_TIMEOUT;
}

#endif
