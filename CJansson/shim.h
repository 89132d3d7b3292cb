#ifndef EXCHANGE_GATEWAY_CJANSSON_SHIM_H
#define EXCHANGE_GATEWAY_CJANSSON_SHIM_H

#include <jansson.h>

/* json_typeof is a macro, which Swift cannot import. */
static inline json_type eg_json_typeof(const json_t *value) {
    return json_typeof(value);
}

#endif
