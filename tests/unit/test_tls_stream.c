/*
 * test_tls_stream.c -- the memory-BIO TLS server against a real OpenSSL client: the
 * handshake with the listener's PSK callback, data both ways, close_notify, and a
 * wrong key failing as MEF_E_AUTH.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <event2/buffer.h>
#include <openssl/ssl.h>

#include "transport/tls_stream.h"
#include "util/secret.h"

static unsigned char	server_key[32] = { 7 };
static unsigned char	client_key[32] = { 7 };
static int		lookups;

static enum mef_err
lookup(void *arg, const char *identity, struct mef_secret **ppsk)
{
	lookups++;
	assert_ptr_equal(arg, &lookups);
	if (strcmp(identity, "dev1") != 0)
		return MEF_E_NOTFOUND;
	return mef_secret_new(server_key, sizeof(server_key), ppsk);
}

static unsigned int
client_cb(SSL *ssl, const char *hint, char *identity, unsigned int max_id,
    unsigned char *psk, unsigned int max_psk)
{
	snprintf(identity, max_id, "dev1");
	memcpy(psk, client_key, sizeof(client_key));
	return sizeof(client_key);
}

struct pair {
	struct tls_server	*srv;
	struct tls_stream	*ts;
	SSL_CTX			*cctx;
	SSL			*c;
	BIO			*c_in, *c_out;
	struct evbuffer		*wire;		/* server -> client */
};

static void
pair_open(struct pair *p)
{
	struct tls_server_cfg	cfg;
	char			err[256];

	memset(p, 0, sizeof(*p));
	memset(&cfg, 0, sizeof(cfg));
	cfg.role = TLS_ROLE_BOOTSTRAP;
	cfg.psk_lookup = lookup;
	assert_int_equal(tls_server_new(&cfg, &p->srv, err, sizeof(err)), MEF_OK);
	assert_int_equal(tls_stream_new(p->srv, &lookups, &p->ts), MEF_OK);
	p->cctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_max_proto_version(p->cctx, TLS1_2_VERSION);
	SSL_CTX_set_cipher_list(p->cctx, "PSK-AES128-CBC-SHA256");
	SSL_CTX_set_psk_client_callback(p->cctx, client_cb);
	p->c = SSL_new(p->cctx);
	p->c_in = BIO_new(BIO_s_mem());
	p->c_out = BIO_new(BIO_s_mem());
	SSL_set_bio(p->c, p->c_in, p->c_out);
	SSL_set_connect_state(p->c);
	p->wire = evbuffer_new();
}

static void
pair_close(struct pair *p)
{
	tls_stream_free(&p->ts);
	tls_server_free(&p->srv);
	SSL_free(p->c);
	SSL_CTX_free(p->cctx);
	evbuffer_free(p->wire);
}

/* Client -> server bytes. */
static void
to_server(struct pair *p)
{
	unsigned char	buf[65536];
	int		n;

	while ((n = BIO_read(p->c_out, buf, sizeof(buf))) > 0)
		assert_int_equal(tls_stream_feed(p->ts, buf, (size_t)n), MEF_OK);
}

/* Server -> client bytes. */
static void
to_client(struct pair *p)
{
	size_t	len;

	assert_int_equal(tls_stream_flush(p->ts, p->wire), MEF_OK);
	len = evbuffer_get_length(p->wire);
	if (len > 0) {
		BIO_write(p->c_in, evbuffer_pullup(p->wire, -1), (int)len);
		evbuffer_drain(p->wire, len);
	}
}

static enum mef_err
handshake(struct pair *p)
{
	enum mef_err	rc = MEF_E_AGAIN;
	int		i;

	for (i = 0; i < 10 && rc == MEF_E_AGAIN; i++) {
		SSL_do_handshake(p->c);
		to_server(p);
		rc = tls_stream_handshake(p->ts);
		to_client(p);
	}
	return rc;
}

static void
test_exchange(void **state)
{
	struct pair	 p;
	struct evbuffer	*plain = evbuffer_new();
	char		 buf[64];
	int		 n;

	lookups = 0;
	pair_open(&p);
	assert_int_equal(handshake(&p), MEF_OK);
	assert_int_equal(SSL_do_handshake(p.c), 1);
	assert_int_equal(lookups, 1);
	assert_string_equal(tls_stream_psk_identity(p.ts), "dev1");
	assert_string_equal(tls_stream_version(p.ts), "TLSv1.2");
	/* Client to server. */
	assert_int_equal(SSL_write(p.c, "hello", 5), 5);
	to_server(&p);
	assert_int_equal(tls_stream_read(p.ts, plain), MEF_OK);
	assert_int_equal(evbuffer_get_length(plain), 5);
	assert_memory_equal(evbuffer_pullup(plain, -1), "hello", 5);
	/* Server to client. */
	assert_int_equal(tls_stream_write(p.ts, "world", 5), MEF_OK);
	to_client(&p);
	n = SSL_read(p.c, buf, sizeof(buf));
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "world", 5);
	/* The client's close_notify ends the stream. */
	SSL_shutdown(p.c);
	to_server(&p);
	assert_int_equal(tls_stream_read(p.ts, plain), MEF_E_IO);
	evbuffer_free(plain);
	pair_close(&p);
}

static void
test_wrong_key(void **state)
{
	struct pair	p;
	char		buf[128];

	client_key[0] ^= 1;
	pair_open(&p);
	assert_int_equal(handshake(&p), MEF_E_AUTH);
	assert_true(strlen(tls_stream_error(p.ts, buf, sizeof(buf))) > 0);
	client_key[0] ^= 1;
	pair_close(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exchange),
		cmocka_unit_test(test_wrong_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
