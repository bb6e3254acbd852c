/*
 * tls_server_int.h -- what other transport files need of tls_server.c: a new server
 * SSL on a listener's context, with the daemon's connection context attached for the
 * PSK and certificate callbacks. Not for use outside src/transport.
 */
#ifndef MEF_TRANSPORT_TLS_SERVER_INT_H
#define MEF_TRANSPORT_TLS_SERVER_INT_H

#include <openssl/ssl.h>

#include "transport/tls_server.h"

/* A new SSL in accept state, or NULL (OpenSSL's error queue cleared). */
SSL	*tls_server_new_ssl(struct tls_server *srv, void *conn_arg);

#endif /* MEF_TRANSPORT_TLS_SERVER_INT_H */
