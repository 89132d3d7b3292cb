#ifndef EXCHANGE_GATEWAY_COPENSSL_SHIM_H
#define EXCHANGE_GATEWAY_COPENSSL_SHIM_H

/* libcrypto only: digests, HMAC, Ed25519 signatures, randomness, and reading X.509 certificates
 * (to check the listener's TLS pair before the gateway starts). Nothing here is variadic or a
 * macro Swift cannot import, so this header only gathers the includes. */
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#endif
