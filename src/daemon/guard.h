/*
 * guard.h -- mefd's answer to online guessing of Kpm: the bootstrap listener's use of
 * the back-off tables (backoff.h).
 *
 * A PSK handshake that fails after the peer named an identity counts one failure
 * for that identity and one for the peer's address. While either is blocked, the PSK
 * callback answers with the dummy key whatever the store holds, so the handshake
 * fails exactly like a wrong key: a guesser cannot tell a blocked attempt from a
 * wrong guess, and even the right key is refused until the block ends. A completed
 * handshake clears the identity's failures. The store is read in every case, so a
 * blocked attempt costs what any other does.
 */
#ifndef MEF_DAEMON_GUARD_H
#define MEF_DAEMON_GUARD_H

struct conn;

/* 1 when the connection's identity or address is blocked (remembered on c). */
int		guard_refuse(struct conn *c, const char *identity);
/* A PSK bootstrap handshake of c failed: count it (not when guard_refuse() said 1). */
void		guard_failed(struct conn *c);
/* A PSK bootstrap handshake of c completed: forget the identity's failures. */
void		guard_succeeded(struct conn *c);

#endif /* MEF_DAEMON_GUARD_H */
