/*
 * keyd.c -- the KEK process's request loop.
 *
 * Single-threaded: poll() over the channels, one request read and answered at a
 * time. Every buffer that held a key (a SEAL request's plaintext, an OPEN reply's)
 * is wiped as soon as it has been sent or used. Errors are answered with a bare
 * error type: the network process learns that a blob did not verify, never why a
 * request was refused.
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit_log.h"
#include "daemon/keyd.h"
#include "daemon/keyd_msg.h"
#include "util/log.h"

static size_t
reply(uint8_t *resp, uint32_t type, uint32_t id, const uint8_t *data,
    size_t data_len)
{
	struct keyd_msg	m = { .type = type, .id = id, .data = data,
			    .data_len = data_len };
	size_t		len = 0;

	if (keyd_msg_encode(&m, resp, KEYD_MSG_MAX, &len) != MEF_OK) {
		m.type = KEYD_ERR;
		m.data_len = 0;
		(void)keyd_msg_encode(&m, resp, KEYD_MSG_MAX, &len);
	}
	return len;
}

static size_t
handle_seal(struct wrap_kek *kek, const struct keyd_msg *m, const char *aad,
    uint8_t *resp)
{
	struct mef_secret	*plain = NULL;
	unsigned char		 blob[WRAP_BLOB_MAX];
	size_t			 blob_len = 0, n;
	enum mef_err		 rc;

	rc = mef_secret_new(m->data, m->data_len, &plain);
	if (rc == MEF_OK)
		rc = wrap_seal(kek, aad, plain, blob, sizeof(blob), &blob_len);
	mef_secret_free(&plain);
	n = rc == MEF_OK ? reply(resp, KEYD_OK, m->id, blob, blob_len) :
	    reply(resp, KEYD_ERR, m->id, NULL, 0);
	mef_wipe(blob, sizeof(blob));
	return n;
}

static size_t
handle_open(struct wrap_kek *kek, const struct keyd_msg *m, const char *aad,
    uint8_t *resp)
{
	struct mef_secret	*plain = NULL;
	enum mef_err		 rc;
	size_t			 n;

	rc = wrap_open(kek, aad, m->data, m->data_len, &plain);
	if (rc == MEF_OK)
		n = reply(resp, KEYD_OK, m->id, mef_secret_bytes(plain),
		    mef_secret_len(plain));
	else
		n = reply(resp, rc == MEF_E_CRYPTO ? KEYD_ERR_CRYPTO :
		    KEYD_ERR, m->id, NULL, 0);
	mef_secret_free(&plain);
	return n;
}

/*
 * A key derived from the KEK, for the labels this process knows only: a network
 * process cannot have it derive keys for purposes nobody designed.
 */
static size_t
handle_derive(struct wrap_kek *kek, const struct keyd_msg *m, const char *label,
    uint8_t *resp)
{
	static const char *const known[] = { AUDIT_KEY_LABEL };
	struct mef_secret	*key = NULL;
	size_t			 i, n;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(label, known[i]) == 0)
			break;
	if (i == sizeof(known) / sizeof(known[0]) ||
	    wrap_kek_derive(kek, label, &key) != MEF_OK)
		return reply(resp, KEYD_ERR, m->id, NULL, 0);
	n = reply(resp, KEYD_OK, m->id, mef_secret_bytes(key),
	    mef_secret_len(key));
	mef_secret_free(&key);
	return n;
}

/* see keyd.h */
size_t
keyd_handle(struct wrap_kek *kek, const uint8_t *req, size_t req_len,
    uint8_t *resp)
{
	struct keyd_msg	m;
	char		aad[KEYD_AAD_MAX + 1];

	if (keyd_msg_decode(req, req_len, &m) != MEF_OK) {
		log_warnx("kek process: malformed request of %zu bytes refused",
		    req_len);
		return reply(resp, KEYD_ERR, 0, NULL, 0);
	}
	memcpy(aad, m.aad, m.aad_len);
	aad[m.aad_len] = '\0';
	switch (m.type) {
	case KEYD_HELLO:
		return reply(resp, KEYD_OK, m.id, NULL, 0);
	case KEYD_SEAL:
		return handle_seal(kek, &m, aad, resp);
	case KEYD_OPEN:
		return handle_open(kek, &m, aad, resp);
	case KEYD_DERIVE:
		return handle_derive(kek, &m, aad, resp);
	default:
		/* A reply type sent as a request. */
		return reply(resp, KEYD_ERR, m.id, NULL, 0);
	}
}

/* see keyd.h */
enum mef_err
keyd_serve_one(struct wrap_kek *kek, int fd)
{
	static uint8_t	req[KEYD_MSG_MAX + 1], resp[KEYD_MSG_MAX];
	ssize_t		n;
	size_t		len;
	enum mef_err	rc = MEF_OK;

	do
		n = recv(fd, req, sizeof(req), MSG_TRUNC);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return MEF_E_IO;
	/* MSG_TRUNC: n is the record's real length, even past the buffer. */
	len = keyd_handle(kek, req, (size_t)n > KEYD_MSG_MAX ? sizeof(req) :
	    (size_t)n, resp);
	do
		n = send(fd, resp, len, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)len)
		rc = MEF_E_IO;
	mef_wipe(req, sizeof(req));
	mef_wipe(resp, len);
	return rc;
}

/* see keyd.h */
int
keyd_serve(struct wrap_kek *kek, int *fds, size_t n)
{
	struct pollfd	pfd[64];
	size_t		i, open = 0;

	if (n > sizeof(pfd) / sizeof(pfd[0]))
		return 1;
	for (i = 0; i < n; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
		open += fds[i] != -1;
	}
	while (open > 0) {
		if (poll(pfd, n, -1) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("kek process: poll");
			return 1;
		}
		for (i = 0; i < n; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			if ((pfd[i].revents & POLLIN) != 0 &&
			    keyd_serve_one(kek, pfd[i].fd) == MEF_OK)
				continue;
			/* The peer closed its end (or broke it): done with it. */
			close(pfd[i].fd);
			fds[i] = pfd[i].fd = -1;
			open--;
		}
	}
	return 0;
}
