/*
 * http_request.h -- an incremental, bounded HTTP/1.1 request parser (over http-parser).
 *
 * The parser keeps only what the MEF's two resources need: method, path, the oneM2M
 * headers, Accept, Content-Type, Host, and a body up to a bound. It stops after each
 * complete request, so pipelined requests are served one at a time in order. Header
 * values with control characters, a repeated X-M2M-Origin or X-M2M-RI, an over-long
 * head or body are errors with an outcome the server can answer with.
 */
#ifndef MEF_HTTP_HTTP_REQUEST_H
#define MEF_HTTP_HTTP_REQUEST_H

#include <stddef.h>

#include <http_parser.h>

#include "mef/error.h"
#include "mef/limits.h"
#include "protocol/rsc.h"
#include "util/buf.h"

#define HTTP_PATH_MAX		1024
#define HTTP_VALUE_MAX		256	/* a header value we keep */

enum http_req_method {
	HTTP_REQ_OTHER = 0,
	HTTP_REQ_GET,
	HTTP_REQ_POST,
};

struct http_request {
	enum http_req_method	method;
	char			path[HTTP_PATH_MAX + 1];
	size_t			path_len;
	int			has_origin;
	char			origin[MEF_ID_MAX + 1];
	int			has_ri;
	char			ri[HTTP_VALUE_MAX + 1];
	int			has_accept;
	char			accept[HTTP_VALUE_MAX + 1];
	char			content_type[HTTP_VALUE_MAX + 1];
	char			host[HTTP_VALUE_MAX + 1];
	struct buf		body;
	int			keep_alive;
};

enum http_hdr_id {
	HDR_NONE = 0,
	HDR_ORIGIN,
	HDR_RI,
	HDR_ACCEPT,
	HDR_CONTENT_TYPE,
	HDR_HOST,
	HDR_IGNORED,
};

struct http_req_parser {
	http_parser		 hp;
	http_parser_settings	 settings;
	struct http_request	 req;
	size_t			 head_max;
	size_t			 head_bytes;
	enum http_hdr_id	 cur_hdr;
	char			 field[32];	/* header name being read */
	size_t			 field_len;
	int			 field_long;	/* name longer than field */
	struct buf		 value;		/* header value being read */
	int			 in_value;
	int			 complete;
	int			 started;
	int			 fold_state;	/* head_scan() in http_request.c */
	enum outcome		 error;		/* sticky: OUT_OK while healthy */
};

/* Prepares p for a connection; bounds in bytes. */
void		http_req_parser_init(struct http_req_parser *p, size_t head_max,
		    size_t body_max);
/*
 * Feeds len bytes. *pconsumed gets how many were used: parsing stops after a complete
 * request (http_req_parser_done() is then 1 and the rest must be fed again after
 * http_req_parser_next()). MEF_E_PROTO or MEF_E_TOOBIG on a bad request; the outcome
 * to answer with is in p->error, and the parser refuses further input.
 */
enum mef_err	http_req_parser_feed(struct http_req_parser *p, const char *data,
		    size_t len, size_t *pconsumed);
/* 1 once a whole request has been read. */
int		http_req_parser_done(const struct http_req_parser *p);
/* 1 once any byte of the current request has arrived. */
int		http_req_parser_started(const struct http_req_parser *p);
/* Readies p for the next request on the same connection. */
void		http_req_parser_next(struct http_req_parser *p);
/* Releases p's buffers. */
void		http_req_parser_free(struct http_req_parser *p);

#endif /* MEF_HTTP_HTTP_REQUEST_H */
