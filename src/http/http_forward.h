/*
 * http_forward.h -- framing HTTP/1.1 messages that a proxy (mef-gate) passes on.
 *
 * A request's head is parsed and rebuilt (request line and header lines, in order,
 * minus the headers the caller strips), so the proxy can add headers of its own and
 * check X-M2M-Origin before forwarding anything; its body, and a whole response, pass
 * through as the raw bytes received, and the parser only finds where each message
 * ends. Parsing stops at the end of a request head and at the end of each message
 * (the caller resumes with the _next/_resume functions), so one message is handled at
 * a time. Bounded: the head by head_max, header values by HTTP_FWD_VALUE_MAX.
 */
#ifndef MEF_HTTP_HTTP_FORWARD_H
#define MEF_HTTP_HTTP_FORWARD_H

#include <stddef.h>
#include <stdint.h>

#include <http_parser.h>

#include "mef/error.h"
#include "mef/limits.h"
#include "protocol/rsc.h"
#include "util/buf.h"

#define HTTP_FWD_VALUE_MAX	8192
#define HTTP_FWD_STRIP_PREFIX	"x-mef-"	/* trust headers: never from a client */

enum http_fwd_state {
	HTTP_FWD_HEAD = 0,	/* reading a request head */
	HTTP_FWD_HEAD_DONE,	/* head complete: take it, then _resume() */
	HTTP_FWD_BODY,		/* passing body bytes on */
	HTTP_FWD_DONE,		/* message complete: _next() for the next one */
	HTTP_FWD_ERROR,		/* sticky; see error */
};

/*
 * Holds a pointer to itself (hp.data) once initialised: do not move or copy it.
 * The caller reads state, error, head, origin and the flags; the rest is
 * private.
 */
struct http_fwd_req {
	http_parser		 hp;
	http_parser_settings	 settings;
	enum http_fwd_state	 state;
	enum outcome		 error;		/* see http_fwd_req_feed() */
	size_t			 head_max;
	size_t			 head_bytes;	/* URL, names, values read */
	struct buf		 head;		/* rebuilt: request line + headers,
						   without the final empty line */
	struct buf		 field;		/* header name being read */
	struct buf		 value;		/* header value being read */
	int			 in_value;
	int			 has_origin;	/* exactly one X-M2M-Origin */
	char			 origin[MEF_ID_MAX + 1];
	int			 is_head_method;/* HEAD: the answer has no body */
	int			 keep_alive;
	int			 upgrade;	/* Upgrade/CONNECT: not forwarded */
	int			 chunk_state;	/* chunked framing check */
	uint64_t		 chunk_left;	/* chunk data bytes still due */
};

/*
 * Request side. Feed bytes from the client; *pconsumed gets how many were used,
 * and the caller feeds the rest again later (after _resume() or _next()).
 *
 * HEAD: consumed bytes belong to the head and are not forwarded as such.
 * Feeding stops when the head is complete: state HEAD_DONE, the last consumed
 * byte is the head's final LF and no body byte has been consumed. p->head then
 * holds "METHOD SP URL SP HTTP/1.x CRLF" and every header line "Name: value
 * CRLF" in the order received (name as received, value trimmed of SP/HTAB, an
 * obs-fold kept as the SP/HTAB after it), except those whose name starts with
 * HTTP_FWD_STRIP_PREFIX; no final empty line: the caller appends its own
 * headers and CRLF. Names compare in any case and with '_' taken for '-', as
 * CGI-style upstreams merge them (X-MEF_KeId is stripped, X-M2M_Origin is the
 * origin). X-M2M-Origin, if present, is both in p->origin (NUL-terminated, may
 * be empty) and in p->head. is_head_method, keep_alive and
 * upgrade are set; the caller refuses upgrade (Upgrade with Connection:
 * upgrade, or CONNECT) rather than resuming.
 *
 * _resume() moves HEAD_DONE to BODY and hands the parser the head's last byte,
 * so a request without a body (no Content-Length, Content-Length: 0) is already
 * DONE when _resume() returns; feeding 0 bytes then is harmless (consumed 0,
 * MEF_OK).
 *
 * BODY: every consumed byte is body to pass on as is, chunk framing and
 * trailers included. Feeding stops at the request's last byte: state DONE, and
 * the bytes after it (a pipelined request) are not consumed. Chunked framing is
 * checked strictly (CRLF line ends, no control character in extensions or
 * trailers) and trailers named like trust headers or X-M2M-Origin are refused,
 * because the upstream reads these bytes as sent.
 *
 * HEAD_DONE, DONE: feeding consumes nothing and returns MEF_OK.
 *
 * Errors: MEF_E_PROTO (OUT_BAD_REQUEST: malformed, not HTTP/1.0 or 1.1, SP in a
 * header name, CR/LF/NUL in a value, bad or repeated X-M2M-Origin, a transfer
 * coding other than chunked, Content-Length with chunked or twice),
 * MEF_E_TOOBIG (OUT_TOO_LARGE: head_bytes or the rebuilt head past head_max, a
 * name or value past HTTP_FWD_VALUE_MAX), MEF_E_NOMEM (OUT_INTERNAL).
 * *pconsumed is then 0, nothing of that call may be passed on, and the state is
 * ERROR for good: close the connection, and the upstream one too if part of
 * this request went there.
 */
void		http_fwd_req_init(struct http_fwd_req *p, size_t head_max);
enum mef_err	http_fwd_req_feed(struct http_fwd_req *p, const char *data,
		    size_t len, size_t *pconsumed);
/*
 * From HEAD_DONE on to BODY, or straight to DONE (see above); ERROR on
 * failure.
 */
void		http_fwd_req_resume(struct http_fwd_req *p);
/*
 * From DONE to HEAD for the next request on the same connection; does nothing
 * in another state. Not after an upgrade: what follows is another protocol.
 */
void		http_fwd_req_next(struct http_fwd_req *p);
/* Releases the buffers; p can be reused after http_fwd_req_init(). */
void		http_fwd_req_free(struct http_fwd_req *p);

struct http_fwd_resp {
	http_parser		 hp;
	http_parser_settings	 settings;
	int			 done;		/* the response ended */
	int			 is_head;	/* answer to HEAD: no body */
	int			 keep_alive;
	int			 error;		/* sticky: 1 once malformed */
};

/*
 * Response side: finds where an upstream response ends. One per request: init
 * it with is_head set when the request was HEAD, before the first response
 * byte; it holds a pointer to itself, so do not move it. Feed bytes as they
 * come; every consumed byte belongs to this response and is passed on as is;
 * done is set at its last byte, and the bytes after it are not consumed (the
 * upstream should send none; close it if it does). Interim 1xx responses (100
 * Continue, 103) are consumed and passed on and do not set done. A 101 ends the
 * response with keep_alive 0. Answers to HEAD, 1xx, 204 and 304 have no body
 * whatever their headers say. A response with neither Content-Length nor
 * chunked runs to the connection's end: call http_fwd_resp_eof() when the
 * upstream closes. keep_alive is valid once done is set. MEF_E_PROTO when
 * malformed (also SP in a header name or a version other than 1.x); the error
 * is sticky and *pconsumed is then 0. Feeding once done consumes nothing
 * (MEF_OK). Needs no free.
 */
void		http_fwd_resp_init(struct http_fwd_resp *p, int is_head);
enum mef_err	http_fwd_resp_feed(struct http_fwd_resp *p, const char *data,
		    size_t len, size_t *pconsumed);
/*
 * The upstream closed: MEF_OK when that ends the response properly (done is
 * then set, or was already); MEF_E_PROTO when the response was cut short or
 * never came.
 */
enum mef_err	http_fwd_resp_eof(struct http_fwd_resp *p);

#endif /* MEF_HTTP_HTTP_FORWARD_H */
