/*
 * test_keyd.c -- the KEK process's messages and its request loop over a real
 * socketpair, and the remote KEK built on them.
 *
 * The codec must refuse every length outside its type's bounds (short header,
 * lengths that do not add up, AAD or data too long, a NUL in the AAD, unknown
 * types), the server must answer a record longer than any message with a bare
 * error and keep serving, and the remote KEK must wrap and unwrap exactly like
 * the local one (blobs interchangeable, a moved blob refused with MEF_E_CRYPTO,
 * a dead KEK process reported as MEF_E_IO) and derive the audit key like it,
 * for known labels only.
 */
#include <sys/socket.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit/audit_log.h"
#include "crypto/wrap.h"
#include "daemon/keyd.h"
#include "daemon/keyd_msg.h"

static const unsigned char kek_bytes[WRAP_KEK_LEN] = { 1, 2, 3, 4, 5 };

struct server {
	struct wrap_kek	*kek;
	int		 fds[2];
	pthread_t	 thread;
};

static void *
server_main(void *arg)
{
	struct server	*s = arg;

	(void)keyd_serve(s->kek, s->fds, 2);
	return NULL;
}

/* Two channels, a server thread on their ends; *pcli the two client ends. */
static void
server_start(struct server *s, int *cli)
{
	int	sv[2], i;

	memset(s, 0, sizeof(*s));
	assert_int_equal(wrap_kek_from_bytes(kek_bytes, sizeof(kek_bytes),
	    &s->kek), MEF_OK);
	for (i = 0; i < 2; i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
		s->fds[i] = sv[0];
		cli[i] = sv[1];
	}
	assert_int_equal(pthread_create(&s->thread, NULL, server_main, s), 0);
}

static void
server_join(struct server *s)
{
	pthread_join(s->thread, NULL);
	wrap_kek_free(&s->kek);
}

static void
test_codec_roundtrip(void **state)
{
	uint8_t		buf[KEYD_MSG_MAX], blob[WRAP_OVERHEAD + 4] = { 1 };
	struct keyd_msg	m = { .type = KEYD_OPEN, .id = 7,
			    .aad = (const uint8_t *)"ke:ABC", .aad_len = 6,
			    .data = blob, .data_len = sizeof(blob) }, d;
	size_t		len;

	(void)state;
	assert_int_equal(keyd_msg_encode(&m, buf, sizeof(buf), &len), MEF_OK);
	assert_int_equal(len, KEYD_HDR_LEN + 6 + sizeof(blob));
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_OK);
	assert_int_equal(d.type, KEYD_OPEN);
	assert_int_equal(d.id, 7);
	assert_int_equal(d.aad_len, 6);
	assert_memory_equal(d.aad, "ke:ABC", 6);
	assert_int_equal(d.data_len, sizeof(blob));
	/* One byte more or less than the header says. */
	assert_int_equal(keyd_msg_decode(buf, len - 1, &d), MEF_E_PROTO);
	assert_int_equal(keyd_msg_decode(buf, len + 1, &d), MEF_E_PROTO);
	assert_int_equal(keyd_msg_decode(buf, KEYD_HDR_LEN - 1, &d),
	    MEF_E_PROTO);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A raw header with any lengths, then filler. */
static size_t
raw(uint8_t *buf, uint32_t type, uint32_t aad_len, uint32_t data_len)
{
	size_t	len = KEYD_HDR_LEN + (size_t)aad_len + data_len;

	put32(buf, type);
	put32(buf + 4, 1);
	put32(buf + 8, aad_len);
	put32(buf + 12, data_len);
	memset(buf + KEYD_HDR_LEN, 'a', len - KEYD_HDR_LEN);
	return len;
}

static void
test_codec_bounds(void **state)
{
	static uint8_t	buf[2 * KEYD_MSG_MAX];
	struct keyd_msg	d, m = { .type = KEYD_SEAL, .aad_len = 1 };
	size_t		len;

	(void)state;
	/* SEAL: AAD 1..KEYD_AAD_MAX, data 1..MEF_SECRET_MAX. */
	len = raw(buf, KEYD_SEAL, KEYD_AAD_MAX, MEF_SECRET_MAX);
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_OK);
	len = raw(buf, KEYD_SEAL, KEYD_AAD_MAX + 1, 16);
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_E_PROTO);
	len = raw(buf, KEYD_SEAL, 4, MEF_SECRET_MAX + 1);
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_E_PROTO);
	len = raw(buf, KEYD_SEAL, 0, 16);
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_E_PROTO);
	len = raw(buf, KEYD_SEAL, 4, 0);
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_E_PROTO);
	/* OPEN: a blob no shorter than its overhead + 1, no longer than max. */
	len = raw(buf, KEYD_OPEN, 4, WRAP_OVERHEAD);
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_E_PROTO);
	len = raw(buf, KEYD_OPEN, 4, WRAP_BLOB_MAX + 1);
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_E_PROTO);
	/* DERIVE: a label of 1..WRAP_LABEL_MAX, no data. */
	len = raw(buf, KEYD_DERIVE, WRAP_LABEL_MAX, 0);
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_OK);
	len = raw(buf, KEYD_DERIVE, WRAP_LABEL_MAX + 1, 0);
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_E_PROTO);
	len = raw(buf, KEYD_DERIVE, 8, 1);
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_E_PROTO);
	len = raw(buf, KEYD_DERIVE, 0, 0);
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_E_PROTO);
	/* Lengths whose sum wraps a 32-bit or 64-bit size. */
	put32(buf + 8, 0xffffffffu);
	put32(buf + 12, 0x20u);
	assert_int_equal(keyd_msg_decode(buf, 48, &d), MEF_E_PROTO);
	/* A NUL in the AAD would shorten what wrap.c authenticates. */
	len = raw(buf, KEYD_SEAL, 4, 16);
	buf[KEYD_HDR_LEN + 2] = '\0';
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_E_PROTO);
	/* HELLO and errors carry nothing; unknown types are refused. */
	len = raw(buf, KEYD_HELLO, 0, 1);
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_E_PROTO);
	len = raw(buf, KEYD_ERR, 0, 4);
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_E_PROTO);
	len = raw(buf, 0x7f, 0, 0);
	assert_int_equal(keyd_msg_decode(buf, len, &d), MEF_E_PROTO);
	/* The encoder refuses what the decoder would. */
	m.aad = (const uint8_t *)"x";
	assert_int_equal(keyd_msg_encode(&m, buf, sizeof(buf), &len),
	    MEF_E_INVAL);
}

/* Sends len bytes of req on fd; returns the reply's type. */
static uint32_t
ask(int fd, const uint8_t *req, size_t len)
{
	uint8_t		resp[KEYD_MSG_MAX];
	struct keyd_msg	d;
	ssize_t		n;

	assert_int_equal(send(fd, req, len, 0), (ssize_t)len);
	n = recv(fd, resp, sizeof(resp), 0);
	assert_true(n > 0);
	assert_int_equal(keyd_msg_decode(resp, (size_t)n, &d), MEF_OK);
	return d.type;
}

static void
test_server_refuses(void **state)
{
	static uint8_t	buf[2 * KEYD_MSG_MAX];
	struct server	s;
	int		cli[2];
	size_t		len;

	(void)state;
	server_start(&s, cli);
	/* A record longer than any message: refused, and the server goes on. */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(ask(cli[0], buf, KEYD_MSG_MAX + 100), KEYD_ERR);
	len = raw(buf, KEYD_SEAL, KEYD_AAD_MAX + 1, 16);
	assert_int_equal(ask(cli[0], buf, len), KEYD_ERR);
	len = raw(buf, KEYD_SEAL, 8, MEF_SECRET_MAX + 1);
	assert_int_equal(ask(cli[1], buf, len), KEYD_ERR);
	assert_int_equal(ask(cli[1], buf, 3), KEYD_ERR);
	/* A reply type sent as a request. */
	len = raw(buf, KEYD_OK, 0, 4);
	assert_int_equal(ask(cli[1], buf, len), KEYD_ERR);
	/* A blob that does not verify: the crypto error, nothing more. */
	len = raw(buf, KEYD_OPEN, 4, WRAP_OVERHEAD + 8);
	assert_int_equal(ask(cli[0], buf, len), KEYD_ERR_CRYPTO);
	len = raw(buf, KEYD_HELLO, 0, 0);
	assert_int_equal(ask(cli[0], buf, len), KEYD_OK);
	close(cli[0]);
	close(cli[1]);
	server_join(&s);	/* returns once both peers are gone */
}

static void
test_remote_kek(void **state)
{
	struct server		 s;
	struct wrap_kek		*remote = NULL, *local = NULL;
	struct mef_secret	*key = NULL, *back = NULL, *dl = NULL;
	unsigned char		 blob[WRAP_BLOB_MAX], k[32];
	size_t			 len;
	int			 cli[2];

	(void)state;
	server_start(&s, cli);
	assert_int_equal(keyd_client_new(cli, 2, &remote), MEF_OK);
	assert_int_equal(keyd_client_hello(remote), MEF_OK);
	assert_int_equal(wrap_kek_from_bytes(kek_bytes, sizeof(kek_bytes),
	    &local), MEF_OK);
	memset(k, 0x5a, sizeof(k));
	assert_int_equal(mef_secret_new(k, sizeof(k), &key), MEF_OK);
	/* Sealed remotely, opened locally, and the other way round. */
	assert_int_equal(wrap_seal(remote, "ke:1", key, blob, sizeof(blob),
	    &len), MEF_OK);
	assert_int_equal(len, WRAP_OVERHEAD + sizeof(k));
	assert_int_equal(wrap_open(local, "ke:1", blob, len, &back), MEF_OK);
	assert_true(mef_secret_equal(key, back));
	mef_secret_free(&back);
	assert_int_equal(wrap_seal(local, "ke:2", key, blob, sizeof(blob),
	    &len), MEF_OK);
	assert_int_equal(wrap_open(remote, "ke:2", blob, len, &back), MEF_OK);
	assert_true(mef_secret_equal(key, back));
	mef_secret_free(&back);
	/* Moved to another row: refused as with a local KEK. */
	assert_int_equal(wrap_open(remote, "ke:3", blob, len, &back),
	    MEF_E_CRYPTO);
	assert_int_equal(wrap_open(remote, "ke:2", blob, WRAP_OVERHEAD, &back),
	    MEF_E_CRYPTO);
	assert_null(back);
	/* The audit key: the same from both; a label nobody designed refused. */
	assert_int_equal(wrap_kek_derive(remote, AUDIT_KEY_LABEL, &back), MEF_OK);
	assert_int_equal(wrap_kek_derive(local, AUDIT_KEY_LABEL, &dl), MEF_OK);
	assert_int_equal(mef_secret_len(back), WRAP_DERIVED_LEN);
	assert_true(mef_secret_equal(back, dl));
	mef_secret_free(&back);
	mef_secret_free(&dl);
	assert_int_equal(wrap_kek_derive(remote, "ke:1", &back), MEF_E_IO);
	assert_null(back);
	/* The KEK process gone: every call says so. */
	close(s.fds[0]);
	close(s.fds[1]);
	s.fds[0] = s.fds[1] = -1;
	assert_int_equal(wrap_open(remote, "ke:2", blob, len, &back), MEF_E_IO);
	assert_int_equal(wrap_seal(remote, "ke:2", key, blob, sizeof(blob),
	    &len), MEF_E_IO);
	wrap_kek_free(&remote);
	pthread_join(s.thread, NULL);
	wrap_kek_free(&s.kek);
	wrap_kek_free(&local);
	mef_secret_free(&key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec_roundtrip),
		cmocka_unit_test(test_codec_bounds),
		cmocka_unit_test(test_server_refuses),
		cmocka_unit_test(test_remote_kek),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
