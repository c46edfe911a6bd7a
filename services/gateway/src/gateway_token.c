/* gateway_token: bearer secrets from libsodium's CSPRNG, hashed with SHA-256. */
#include "gateway_token.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#define S_RANDOM_BYTES 32
#define S_B64_LEN 43 /* 32 bytes, URL-safe base64 without padding */

static int s_init(void)
{
    return sodium_init() < 0 ? -1 : 0; /* 1 = already initialised: fine */
}

int gateway_token_generate(char secret[GATEWAY_TOKEN_SECRET_LEN], uint8_t hash[32])
{
    if (s_init() != 0)
        return -1;
    unsigned char raw[S_RANDOM_BYTES];
    randombytes_buf(raw, sizeof raw);
    memcpy(secret, GATEWAY_TOKEN_PREFIX, 4);
    sodium_bin2base64(secret + 4, GATEWAY_TOKEN_SECRET_LEN - 4, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    crypto_hash_sha256(hash, (const unsigned char *)secret, strlen(secret));
    return 0;
}

int gateway_token_hash(const char *secret, uint8_t hash[32])
{
    if (!secret || strncmp(secret, GATEWAY_TOKEN_PREFIX, 4) != 0 ||
        strlen(secret) != 4 + S_B64_LEN || s_init() != 0)
        return -1;
    for (const char *p = secret + 4; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return -1;
    crypto_hash_sha256(hash, (const unsigned char *)secret, strlen(secret));
    return 0;
}

const char *gateway_token_from_header(const char *authorization)
{
    if (!authorization || strncasecmp(authorization, "Bearer ", 7) != 0)
        return NULL;
    const char *p = authorization + 7;
    while (*p == ' ')
        p++;
    return *p ? p : NULL;
}
