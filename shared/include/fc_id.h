/* fc_id: sortable unique ids (ULID: 48-bit millisecond time + 80 random bits, Crockford
 * base32, 26 characters), monotonic within a process. */
#ifndef FC_ID_H
#define FC_ID_H

#define FC_ID_LEN 26

/* Writes a new id and a terminating NUL into out (FC_ID_LEN + 1 bytes). */
void fc_id_new(char out[FC_ID_LEN + 1]);
/* True if s has the form of an id. */
int fc_id_valid(const char *s);

#endif
