/*
 * lg_http.h -- bench_loadgen's framing of HTTP/1.1 answers: a streaming
 * parser fed whatever each read returned.
 *
 * It keeps a few dozen bytes of state per connection and never buffers the
 * answer, so an answer may arrive split anywhere (across TLS records or
 * reads) and thousands of idle connections cost nothing here. It reads the
 * status, Content-Length and Connection; the body is only counted. An answer
 * without Content-Length runs to the end of the connection; chunked
 * transfer coding is refused (no server we measure sends it). Every field is
 * bounded: a head longer than LG_HTTP_HEAD_MAX is an error.
 */
#ifndef MEF_BENCH_LG_HTTP_H
#define MEF_BENCH_LG_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define LG_HTTP_HEAD_MAX	16384
#define LG_HTTP_TOK_MAX		32

enum lg_http_rc {
	LG_HTTP_MORE,		/* all bytes used, the answer goes on */
	LG_HTTP_DONE,		/* the answer ended */
	LG_HTTP_ERROR,		/* malformed; see err */
};

struct lg_http {
	unsigned	 state;
	unsigned	 hdr;		/* the header being read */
	int		 status;
	int		 has_clen;
	int		 close;		/* Connection: close, or no length */
	uint64_t	 clen;
	uint64_t	 body;		/* body bytes so far */
	size_t		 head_len;
	size_t		 tok_len;
	char		 tok[LG_HTTP_TOK_MAX];
	const char	*err;		/* static text, set on LG_HTTP_ERROR */
};

/* Readies h for the next answer. */
void		lg_http_begin(struct lg_http *h);
/*
 * Feeds n bytes of p. On LG_HTTP_DONE, *pused says how many of them belonged
 * to the answer (the rest would be the start of another one); otherwise all n
 * were used. Calling again after DONE or ERROR without lg_http_begin() is an
 * error.
 */
enum lg_http_rc	lg_http_feed(struct lg_http *h, const char *p, size_t n,
		    size_t *pused);
/* The peer closed: DONE when the answer runs to the close, else ERROR. */
enum lg_http_rc	lg_http_eof(struct lg_http *h);

#endif /* MEF_BENCH_LG_HTTP_H */
