/*
 * keyd_msg.c -- the KEK process's message codec: bounds per type, no allocation.
 *
 * Both directions go through check(), so the encoder and the decoder agree on what a
 * valid message is. Lengths are compared one at a time against their own bound before
 * they are added, so no sum can wrap.
 */
#include <string.h>

#include "daemon/keyd_msg.h"

struct bounds {
	uint32_t	type;
	size_t		aad_min, aad_max;
	size_t		data_min, data_max;
};

static const struct bounds table[] = {
	{ KEYD_HELLO, 0, 0, 0, 0 },
	{ KEYD_SEAL, 1, KEYD_AAD_MAX, 1, MEF_SECRET_MAX },
	{ KEYD_OPEN, 1, KEYD_AAD_MAX, WRAP_OVERHEAD + 1, WRAP_BLOB_MAX },
	{ KEYD_DERIVE, 1, WRAP_LABEL_MAX, 0, 0 },
	{ KEYD_OK, 0, 0, 0, WRAP_BLOB_MAX },
	{ KEYD_ERR_CRYPTO, 0, 0, 0, 0 },
	{ KEYD_ERR, 0, 0, 0, 0 },
};

static int
check(const struct keyd_msg *m)
{
	size_t	i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].type != m->type)
			continue;
		if (m->aad_len < table[i].aad_min ||
		    m->aad_len > table[i].aad_max ||
		    m->data_len < table[i].data_min ||
		    m->data_len > table[i].data_max)
			return 0;
		/* wrap.c takes the AAD as a C string: a NUL would cut it. */
		return m->aad_len == 0 || memchr(m->aad, '\0', m->aad_len) == NULL;
	}
	return 0;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* see keyd_msg.h */
enum mef_err
keyd_msg_decode(const uint8_t *buf, size_t len, struct keyd_msg *m)
{
	struct keyd_msg	d;

	if (buf == NULL || m == NULL || len < KEYD_HDR_LEN ||
	    len > KEYD_MSG_MAX)
		return MEF_E_PROTO;
	d.type = get32(buf);
	d.id = get32(buf + 4);
	d.aad_len = get32(buf + 8);
	d.data_len = get32(buf + 12);
	if (d.aad_len > KEYD_AAD_MAX || d.data_len > WRAP_BLOB_MAX ||
	    KEYD_HDR_LEN + d.aad_len + d.data_len != len)
		return MEF_E_PROTO;
	d.aad = buf + KEYD_HDR_LEN;
	d.data = d.aad + d.aad_len;
	if (!check(&d))
		return MEF_E_PROTO;
	*m = d;
	return MEF_OK;
}

/* see keyd_msg.h */
enum mef_err
keyd_msg_encode(const struct keyd_msg *m, uint8_t *out, size_t outsz,
    size_t *plen)
{
	size_t	len;

	if (m == NULL || out == NULL || plen == NULL || !check(m) ||
	    (m->aad_len > 0 && m->aad == NULL) ||
	    (m->data_len > 0 && m->data == NULL))
		return MEF_E_INVAL;
	len = KEYD_HDR_LEN + m->aad_len + m->data_len;
	if (outsz < len)
		return MEF_E_INVAL;
	put32(out, m->type);
	put32(out + 4, m->id);
	put32(out + 8, (uint32_t)m->aad_len);
	put32(out + 12, (uint32_t)m->data_len);
	if (m->aad_len > 0)
		memcpy(out + KEYD_HDR_LEN, m->aad, m->aad_len);
	if (m->data_len > 0)
		memcpy(out + KEYD_HDR_LEN + m->aad_len, m->data, m->data_len);
	*plen = len;
	return MEF_OK;
}
