/*
 * test_tls_peek.c -- the ClientKeyExchange identity peek, on crafted records and on the
 * bytes of a real OpenSSL handshake (client and server joined by memory BIOs), so the
 * parser is checked against what a TLS stack actually sends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "transport/tls_peek.h"

static size_t
make_cke(unsigned char *out, const char *id, size_t id_len, size_t extra)
{
	size_t	msg = 2 + id_len + extra, frag = 4 + msg;

	out[0] = 22;
	out[1] = 3;
	out[2] = 3;
	out[3] = (unsigned char)(frag >> 8);
	out[4] = (unsigned char)frag;
	out[5] = 16;
	out[6] = (unsigned char)(msg >> 16);
	out[7] = (unsigned char)(msg >> 8);
	out[8] = (unsigned char)msg;
	out[9] = (unsigned char)(id_len >> 8);
	out[10] = (unsigned char)id_len;
	memcpy(out + 11, id, id_len);
	memset(out + 11 + id_len, 0xaa, extra);
	return 5 + frag;
}

static void
test_crafted(void **state)
{
	unsigned char	rec[600];
	struct tls_peek	pk;
	size_t		n, i;
	const char	*id = "000102030405060708090A0B0C0D0E0F@mef.example.com";

	n = make_cke(rec, id, strlen(id), 0);
	assert_int_equal(tls_peek_record(rec, n, &pk), MEF_OK);
	assert_true(pk.is_cke);
	assert_string_equal(pk.identity, id);
	assert_int_equal(pk.record_len, n);
	/* Every prefix is incomplete, never misread. */
	for (i = 0; i < n; i++)
		assert_int_equal(tls_peek_record(rec, i, &pk), MEF_E_AGAIN);
	/* ECDHE-PSK: parameters follow the identity. */
	n = make_cke(rec, "dev", 3, 66);
	assert_int_equal(tls_peek_record(rec, n, &pk), MEF_OK);
	assert_true(pk.is_cke);
	assert_string_equal(pk.identity, "dev");
	/* Two records back to back: only the first is read. */
	n = make_cke(rec, "a", 1, 0);
	make_cke(rec + n, "b", 1, 0);
	assert_int_equal(tls_peek_record(rec, 2 * n, &pk), MEF_OK);
	assert_string_equal(pk.identity, "a");
	assert_int_equal(pk.record_len, n);
}

static void
test_hostile(void **state)
{
	unsigned char	rec[600];
	struct tls_peek	pk;
	size_t		n;
	char		big[300];

	/* Not TLS at all. */
	assert_int_equal(tls_peek_record((const unsigned char *)"GET / HTTP/1.1",
	    14, &pk), MEF_E_PROTO);
	/* Identity length past the message or the record. */
	n = make_cke(rec, "abcd", 4, 0);
	rec[10] = 200;
	assert_int_equal(tls_peek_record(rec, n, &pk), MEF_OK);
	assert_false(pk.is_cke);
	/* A NUL inside the identity. */
	n = make_cke(rec, "ab\0d", 4, 0);
	assert_int_equal(tls_peek_record(rec, n, &pk), MEF_OK);
	assert_false(pk.is_cke);
	/* Too long for any PSK identity. */
	memset(big, 'x', sizeof(big));
	n = make_cke(rec, big, sizeof(big), 0);
	assert_int_equal(tls_peek_record(rec, n, &pk), MEF_OK);
	assert_false(pk.is_cke);
	/* Not a handshake record, or another message. */
	n = make_cke(rec, "abcd", 4, 0);
	rec[0] = 23;
	assert_int_equal(tls_peek_record(rec, n, &pk), MEF_OK);
	assert_false(pk.is_cke);
	rec[0] = 22;
	rec[5] = 1;
	assert_int_equal(tls_peek_record(rec, n, &pk), MEF_OK);
	assert_false(pk.is_cke);
	/* Zero and oversized record lengths. */
	rec[3] = 0;
	rec[4] = 0;
	assert_int_equal(tls_peek_record(rec, n, &pk), MEF_E_PROTO);
	rec[3] = 0xff;
	assert_int_equal(tls_peek_record(rec, n, &pk), MEF_E_PROTO);
}

static const char	real_id[] = "C0FFEE00C0FFEE00C0FFEE00C0FFEE00@mef.example.com";
static unsigned char	real_key[32] = { 1, 2, 3 };

static unsigned int
client_cb(SSL *ssl, const char *hint, char *identity, unsigned int max_id,
    unsigned char *psk, unsigned int max_psk)
{
	snprintf(identity, max_id, "%s", real_id);
	memcpy(psk, real_key, sizeof(real_key));
	return sizeof(real_key);
}

static unsigned int
server_cb(SSL *ssl, const char *identity, unsigned char *psk,
    unsigned int max_psk)
{
	memcpy(psk, real_key, sizeof(real_key));
	return sizeof(real_key);
}

/* Moves what one side wrote to the other, peeking at each record on the way. */
static int
pump(BIO *from, BIO *to, int *pfound)
{
	unsigned char	buf[65536];
	struct tls_peek	pk;
	size_t		off = 0;
	int		n = BIO_read(from, buf, sizeof(buf));

	if (n <= 0)
		return 0;
	while (off < (size_t)n &&
	    tls_peek_record(buf + off, (size_t)n - off, &pk) == MEF_OK) {
		if (pk.is_cke) {
			assert_string_equal(pk.identity, real_id);
			(*pfound)++;
		}
		off += pk.record_len;
	}
	BIO_write(to, buf, n);
	return n;
}

static void
run_handshake(const char *ciphers)
{
	SSL_CTX	*cctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX	*sctx = SSL_CTX_new(TLS_server_method());
	SSL	*c, *s;
	BIO	*c_in = BIO_new(BIO_s_mem()), *c_out = BIO_new(BIO_s_mem());
	BIO	*s_in = BIO_new(BIO_s_mem()), *s_out = BIO_new(BIO_s_mem());
	int	 found = 0, i, cdone = 0, sdone = 0, dummy = 0;

	SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(sctx, TLS1_2_VERSION);
	assert_int_equal(SSL_CTX_set_cipher_list(cctx, ciphers), 1);
	assert_int_equal(SSL_CTX_set_cipher_list(sctx, ciphers), 1);
	SSL_CTX_set_psk_client_callback(cctx, client_cb);
	SSL_CTX_set_psk_server_callback(sctx, server_cb);
	c = SSL_new(cctx);
	s = SSL_new(sctx);
	SSL_set_bio(c, c_in, c_out);
	SSL_set_bio(s, s_in, s_out);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	for (i = 0; i < 20 && !(cdone && sdone); i++) {
		cdone = SSL_do_handshake(c) == 1;
		pump(c_out, s_in, &found);
		sdone = SSL_do_handshake(s) == 1;
		pump(s_out, c_in, &dummy);
	}
	assert_true(cdone && sdone);
	assert_int_equal(found, 1);
	assert_int_equal(dummy, 0);
	SSL_free(c);
	SSL_free(s);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
}

static void
test_real_handshakes(void **state)
{
	run_handshake("PSK-AES128-CBC-SHA256");
	run_handshake("PSK-AES128-GCM-SHA256");
	run_handshake("ECDHE-PSK-AES128-CBC-SHA256");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crafted),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_real_handshakes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
