/* gateway_token: bearer token secrets. A secret is "fct_" + 32 random bytes in URL-safe
 * base64 (libsodium's generator); only its SHA-256 is ever stored. */
#ifndef GATEWAY_TOKEN_H
#define GATEWAY_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define GATEWAY_TOKEN_PREFIX "fct_"
/* "fct_" + 43 base64url characters + NUL */
#define GATEWAY_TOKEN_SECRET_LEN 48

/* Fills secret (GATEWAY_TOKEN_SECRET_LEN bytes) with a new secret and hash with its SHA-256.
 * Returns 0, or -1 if libsodium could not be initialised. */
int gateway_token_generate(char secret[GATEWAY_TOKEN_SECRET_LEN], uint8_t hash[32]);
/* SHA-256 of a presented secret. Returns 0, or -1 if it does not have the secret's form (wrong
 * prefix, length or alphabet), so garbage never reaches the database. */
int gateway_token_hash(const char *secret, uint8_t hash[32]);
/* The secret from an Authorization header value ("Bearer fct_..."), borrowed; NULL if the
 * header is absent or not a bearer credential. */
const char *gateway_token_from_header(const char *authorization);

#endif
